// Which inventory to read when: -i values, else ansible.cfg's inventory, else ./inventories/hosts*.
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { readAnsibleConfig, type AnsibleConfigOptions } from '../config/ansible-cfg.js';

/** The default inventory (docs/cli.md) when neither -i nor ansible.cfg names one. */
export const DEFAULT_INVENTORY_CANDIDATES = [
  'inventories/hosts',
  'inventories/hosts.ini',
  'inventories/hosts.yml',
  'inventories/hosts.yaml',
];

/**
 * The inventory sources to load: the `-i` values as given (each a file, a directory or an
 * `h1,h2,` list; relative paths against cwd), else ansible.cfg `[defaults] inventory` /
 * $ANSIBLE_INVENTORY, else the first existing of DEFAULT_INVENTORY_CANDIDATES.
 * @throws UserError when none is given and none of the defaults exists.
 */
export function resolveInventorySources(cliValues: readonly string[], opts: AnsibleConfigOptions = {}): string[] {
  const cwd = opts.cwd ?? process.cwd();
  if (cliValues.length > 0) return cliValues.map((v) => (v.includes(',') && !existsSync(resolve(cwd, v)) ? v : resolve(cwd, v)));
  const fromCfg = readAnsibleConfig(opts).inventory;
  if (fromCfg && fromCfg.length > 0) return fromCfg;
  const found = DEFAULT_INVENTORY_CANDIDATES.map((c) => join(cwd, c)).find((p) => existsSync(p));
  if (!found) {
    throw new UserError(`no inventory: pass -i PATH, set inventory in ansible.cfg, or create ${DEFAULT_INVENTORY_CANDIDATES[0]}`, {
      file: DEFAULT_INVENTORY_CANDIDATES[0],
    });
  }
  return [found];
}
