// A host's variables, merged in Ansible's precedence order (the levels we have; docs/variables.md).
import { UserError } from '../errors.js';
import { groupsInMergeOrder } from '../inventory/groups.js';
import { getHost } from '../inventory/localhost.js';
import type { Inventory } from '../inventory/types.js';
import type { SourcedVars } from '../util/sourced-vars.js';
import { magicVars } from './magic.js';
import { combineVars, emptySourced } from './sourced.js';
import { VarsFileCache } from './vars-dirs.js';

export interface ResolveOptions {
  /** The playbook dir: its group_vars/ and host_vars/ beat the inventory's. Default process.cwd(). */
  cwd?: string;
  /** Role defaults (loadDefaults()); lowest precedence. */
  defaults?: SourcedVars;
  /** parseExtraVars(...) result; always wins (except over magic vars). */
  extraVars?: SourcedVars;
  /** File cache; by default one per inventory and cwd, so each vars file is read once per run. */
  cache?: VarsFileCache;
}

const defaultCaches = new WeakMap<Inventory, Map<string, VarsFileCache>>();

/** The inventory's cache for `cwd`; YAML warnings of vars files (duplicate keys...) go to inv.warnings. */
function cacheFor(inv: Inventory, cwd: string): VarsFileCache {
  let byCwd = defaultCaches.get(inv);
  if (!byCwd) defaultCaches.set(inv, (byCwd = new Map()));
  let cache = byCwd.get(cwd);
  if (!cache) {
    cache = new VarsFileCache(cwd, (w) => inv.warnings.push(w));
    byCwd.set(cwd, cache);
  }
  return cache;
}

/** One precedence level's contribution, lowest first; `label` says where it came from. */
export interface VarLayer {
  label: string;
  vars: SourcedVars;
}

/**
 * The layers of a host's variables, lowest precedence first:
 * defaults < inventory-file `all` vars < inventory-file group vars (group order) <
 * inventory group_vars/all < playbook group_vars/all < inventory group_vars/<g> <
 * playbook group_vars/<g> < inventory-file host vars < inventory host_vars < playbook host_vars <
 * extra vars < magic vars (inventory_hostname, group_names, groups, ...).
 * With several inventory sources, each level runs over the sources in order (a later source wins).
 * @throws UserError for an unknown host, or a bad group_vars/host_vars file (file and line).
 */
export function hostVarLayers(inv: Inventory, hostName: string, opts: ResolveOptions = {}): VarLayer[] {
  const cwd = opts.cwd ?? process.cwd();
  const cache = opts.cache ?? cacheFor(inv, cwd);
  const host = getHost(inv, hostName);
  if (!host) throw new UserError(`host not in the inventory: ${hostName}`);
  const groups = groupsInMergeOrder(inv, hostName);
  const layers: VarLayer[] = [];
  const add = (label: string, vars: SourcedVars | undefined) => {
    if (vars && Object.keys(vars.values).length > 0) layers.push({ label, vars });
  };

  add('role defaults', opts.defaults);
  add('inventory file: all', inv.groups.get('all')?.vars);
  for (const g of groups) add(`inventory file: ${g}`, inv.groups.get(g)?.vars);
  for (const dir of inv.sourceDirs) add(`${dir}/group_vars/all`, cache.load(dir, 'group_vars', 'all'));
  add(`playbook group_vars/all`, cache.load(cwd, 'group_vars', 'all'));
  for (const dir of inv.sourceDirs) {
    for (const g of groups) add(`${dir}/group_vars/${g}`, cache.load(dir, 'group_vars', g));
  }
  for (const g of groups) add(`playbook group_vars/${g}`, cache.load(cwd, 'group_vars', g));
  add(`inventory file: host ${hostName}`, host.vars);
  for (const dir of inv.sourceDirs) add(`${dir}/host_vars/${hostName}`, cache.load(dir, 'host_vars', hostName));
  add(`playbook host_vars/${hostName}`, cache.load(cwd, 'host_vars', hostName));
  add('extra vars', opts.extraVars);
  add('magic vars', magicVars(inv, hostName, cwd));
  return layers;
}

/** The host's resolved variables with per-key origins (see hostVarLayers for the order). */
export function resolveHostVars(inv: Inventory, hostName: string, opts: ResolveOptions = {}): SourcedVars {
  return hostVarLayers(inv, hostName, opts).reduce((acc, l) => combineVars(acc, l.vars), emptySourced());
}
