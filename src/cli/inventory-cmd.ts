// `orchestrate inventory`: ansible-inventory's --list, --host, --graph (and --yaml), with
// values as stored (unrendered, vault values left encrypted), plus --eval: a template rendered
// with a host's variables exactly as a hook on that host sees it.
import { homedir } from 'node:os';
import { stringify } from 'yaml';
import { UserError } from '../errors.js';
import { loadInventory, resolveInventorySources } from '../inventory/load.js';
import { getHost } from '../inventory/localhost.js';
import type { Inventory } from '../inventory/types.js';
import { loadDefaults } from '../vars/defaults.js';
import { parseExtraVars } from '../vars/extra-vars.js';
import { createRunVars } from '../vars/host-vars.js';
import { resolveHostVars } from '../vars/resolve.js';
import { pyJsonDumps, pyStr, renderValue } from '../template/index.js';
import { redact } from '../util/redact.js';
import type { CliOptions, InventoryOptions } from './options.js';

// ansible-inventory leaves out what Ansible sets itself (its INTERNAL_VARS).
const MAGIC = new Set(['inventory_dir', 'inventory_file', 'inventory_hostname', 'inventory_hostname_short', 'groups', 'group_names', 'playbook_dir', 'omit']);

interface Ctx {
  inv: Inventory;
  hostVars(host: string): Record<string, unknown>;
}

// ansible-inventory's json.dumps sorts keys only below the top level of --list.
const json = (v: unknown) => pyJsonDumps(v, { indent: 4, sortKeys: true });
// Through JSON first: vault values become {__ansible_vault: ...} as in --list's JSON.
const sortedYaml = (v: unknown) => stringify(JSON.parse(JSON.stringify(v)), { version: '1.1', sortMapEntries: true, indentSeq: false });
const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function list(ctx: Ctx): Record<string, unknown> {
  // Hosts without variables are left out of _meta; groups keep their definition order.
  const hostvars = [...ctx.inv.hosts.keys()].map((h) => [h, ctx.hostVars(h)] as const).filter(([, v]) => Object.keys(v).length > 0);
  const out: Record<string, unknown> = { _meta: { hostvars: Object.fromEntries(hostvars) } };
  for (const g of [...ctx.inv.groups.values()]) {
    const entry: Record<string, string[]> = {};
    if (g.children.length) entry.children = [...g.children];
    if (g.hosts.length) entry.hosts = [...g.hosts];
    if (Object.keys(entry).length) out[g.name] = entry;
  }
  return out;
}

function yamlTree(ctx: Ctx, name: string, seen: Set<string>): Record<string, unknown> {
  const g = ctx.inv.groups.get(name)!;
  const out: Record<string, unknown> = {};
  if (g.children.length) out.children = Object.fromEntries([...g.children].sort(byName).map((c) => [c, yamlTree(ctx, c, seen)]));
  if (g.hosts.length) {
    out.hosts = Object.fromEntries([...g.hosts].sort(byName).map((h) => {
      const first = !seen.has(h);
      seen.add(h);
      return [h, first ? ctx.hostVars(h) : {}];
    }));
  }
  return out;
}

function graph(inv: Inventory, name: string, depth: number, out: string[]): string[] {
  const g = inv.groups.get(name)!;
  out.push(depth === 0 ? `@${name}:` : `${'  |'.repeat(depth)}--@${name}:`);
  for (const c of g.children) graph(inv, c, depth + 1, out);
  for (const h of g.hosts) out.push(`${'  |'.repeat(depth + 1)}--${h}`);
  return out;
}

export function inventoryCommand(opts: CliOptions, cwd = process.cwd(), env = process.env): string {
  const cmd = opts.inventoryCmd as InventoryOptions;
  const home = env.HOME ?? homedir();
  const inv = loadInventory(resolveInventorySources(opts.inventory, { cwd, env, home }), { cwd, env });
  const extraVars = parseExtraVars(opts.extraVars, cwd);
  if (cmd.host !== undefined && !getHost(inv, cmd.host)) throw new UserError(`host not in the inventory: ${cmd.host}`, { file: 'command line', path: '--host' });
  if (cmd.eval !== undefined) return evalTemplate(inv, cmd, { cwd, env, extraVars });
  const ctx: Ctx = {
    inv,
    hostVars: (h) => Object.fromEntries(Object.entries(resolveHostVars(inv, h, { cwd, extraVars }).values).filter(([k]) => !MAGIC.has(k))),
  };
  if (cmd.graph) {
    const top = cmd.graphGroup ?? 'all';
    if (!inv.groups.has(top)) throw new UserError(`no group named ${JSON.stringify(top)} in the inventory`, { file: 'command line', path: '--graph' });
    return graph(inv, top, 0, []).join('\n') + '\n';
  }
  if (cmd.host !== undefined) return cmd.yaml ? sortedYaml(ctx.hostVars(cmd.host)) : json(ctx.hostVars(cmd.host)) + '\n';
  return cmd.yaml ? sortedYaml({ all: yamlTree(ctx, 'all', new Set()) }) : json(list(ctx)) + '\n';
}

function evalTemplate(inv: Inventory, cmd: InventoryOptions, o: { cwd: string; env: NodeJS.ProcessEnv; extraVars: ReturnType<typeof parseExtraVars> }): string {
  const runVars = createRunVars(inv, { cwd: o.cwd, env: o.env, extraVars: o.extraVars, defaults: loadDefaults() });
  const value = renderValue(cmd.eval!, runVars.lazy(cmd.host!), { file: 'command line', path: '--eval' }, o.cwd);
  const text = cmd.json ? pyJsonDumps(value, { indent: 4 }) : value === null ? '' : pyStr(value);
  // Decrypted and secret values are masked here as everywhere.
  return redact(text, runVars.secrets()) + '\n';
}
