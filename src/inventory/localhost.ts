// Ansible's implicit localhost: used by name but absent from the inventory, it still exists,
// runs locally, belongs to no group (not even `all`), yet gets `all`'s vars.
import type { Inventory, InventoryHost } from './types.js';

export const LOCALHOST_NAMES: readonly string[] = ['localhost', '127.0.0.1', '::1'];

const implicitHosts = new WeakMap<Inventory, Map<string, InventoryHost>>();

/**
 * The inventory host of that name; for `localhost`/`127.0.0.1`/`::1` not in the inventory,
 * the implicit local host (`ansible_connection=local`). Undefined for any other unknown name.
 */
export function getHost(inv: Inventory, name: string): InventoryHost | undefined {
  const host = inv.hosts.get(name);
  if (host || !LOCALHOST_NAMES.includes(name)) return host;
  let cache = implicitHosts.get(inv);
  if (!cache) implicitHosts.set(inv, (cache = new Map()));
  let implicit = cache.get(name);
  if (!implicit) {
    // reconcile_inventory: host.vars = combine_vars(all.vars, host.vars), so [all:vars] act as host vars here.
    const all = inv.groups.get('all')?.vars ?? { values: {}, origins: {} };
    implicit = {
      name,
      groups: [],
      implicit: true,
      vars: {
        values: { ...all.values, ansible_connection: 'local' },
        origins: { ...all.origins, ansible_connection: { file: '(implicit localhost)' } },
      },
    };
    cache.set(name, implicit);
  }
  return implicit;
}
