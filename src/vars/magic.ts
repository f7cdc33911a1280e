// Ansible's magic variables that make sense without a play: they override everything, even -e.
import { isIP } from 'node:net';
import { dirname } from 'node:path';
import { groupHosts, hostGroupNames } from '../inventory/groups.js';
import type { Inventory } from '../inventory/types.js';
import type { SourcedVars, VarOrigin } from '../util/sourced-vars.js';

const MAGIC: VarOrigin = { file: '(magic variable)' };

/** inventory_hostname(_short), group_names (sorted, without `all`), groups (name → hosts), playbook_dir, inventory_file/_dir. */
export function magicVars(inv: Inventory, hostName: string, playbookDir: string): SourcedVars {
  const groups: Record<string, string[]> = {};
  for (const name of inv.groups.keys()) groups[name] = groupHosts(inv, name);
  const values: Record<string, unknown> = {
    inventory_hostname: hostName,
    // Host.get_magic_vars: an IP address is its own short name
    inventory_hostname_short: isIP(hostName) ? hostName : hostName.split('.')[0],
    group_names: hostGroupNames(inv, hostName).filter((g) => g !== 'all').sort(),
    groups,
    playbook_dir: playbookDir,
  };
  // Where the host was first defined (Ansible sets these for hosts of inventory files).
  const source = inv.hosts.get(hostName)?.source;
  if (source) Object.assign(values, { inventory_file: source, inventory_dir: dirname(source) });
  const origins = Object.fromEntries(Object.keys(values).map((k) => [k, MAGIC]));
  return { values, origins };
}
