// Accumulates groups, hosts and their vars from one or more sources, with the checks
// Ansible's InventoryData makes (loops, priorities), then adds the implicit `all`/`ungrouped`.
import { UserError } from '../errors.js';
import type { Inventory, InventoryGroup, InventoryHost } from './types.js';
import type { SourcedVars, VarOrigin } from '../util/sourced-vars.js';

export interface Where {
  /** Display path of the source file. */
  file: string;
  line?: number;
}

// Ansible's to_safe_group_name: a leading digit or any non-word character is "invalid" (warned, kept).
const INVALID_GROUP_NAME = /^\p{N}|[^\p{L}\p{N}_]/u;

export const emptyVars = (): SourcedVars => ({ values: {}, origins: {} });

export class InventoryBuilder {
  readonly inventory: Inventory = {
    sources: [],
    sourceDirs: [],
    groups: new Map(),
    hosts: new Map(),
    warnings: [],
  };
  private readonly oddGroupNames = new Set<string>();
  /** The inventory file being parsed (absolute), recorded on the hosts it adds first. */
  currentSource?: string;

  constructor() {
    this.addGroup('all');
    this.addGroup('ungrouped');
    this.addChild('all', 'ungrouped', { file: '' });
  }

  hasGroup(name: string): boolean {
    return this.inventory.groups.has(name);
  }

  addGroup(name: string): InventoryGroup {
    let group = this.inventory.groups.get(name);
    if (!group) {
      if (INVALID_GROUP_NAME.test(name)) this.oddGroupNames.add(name);
      group = { name, hosts: [], children: [], vars: emptyVars() };
      this.inventory.groups.set(name, group);
    }
    return group;
  }

  /** Makes `child` a child of `parent`; both must exist. A loop is an error, as in Ansible. */
  addChild(parent: string, child: string, where: Where): void {
    const p = this.mustGroup(parent, where);
    this.mustGroup(child, where);
    if (p.children.includes(child)) return;
    if (parent === child) throw new UserError(`group '${child}' cannot be a child of itself`, where);
    if (this.descendants(child).has(parent)) {
      throw new UserError(`adding group '${child}' as a child of '${parent}' creates a dependency loop`, where);
    }
    p.children.push(child);
  }

  /** Adds (or finds) a host, optionally in a group, with `port` as its ansible_port. */
  addHost(name: string, where: Where, group?: string, port?: number): InventoryHost {
    let host = this.inventory.hosts.get(name);
    if (!host) {
      host = { name, vars: emptyVars(), groups: [], ...(this.currentSource ? { source: this.currentSource } : {}) };
      this.inventory.hosts.set(name, host);
    }
    if (group) {
      const g = this.mustGroup(group, where);
      if (!g.hosts.includes(name)) g.hosts.push(name);
      if (group !== 'all' && !host.groups.includes(group)) host.groups.push(group);
    }
    if (port !== undefined) this.setHostVar(name, 'ansible_port', port, where);
    return host;
  }

  setHostVar(host: string, key: string, value: unknown, origin: VarOrigin): void {
    setVar(this.inventory.hosts.get(host)!.vars, key, value, origin);
  }

  /** `ansible_group_priority` sets the group's priority and is not a variable (Group.set_variable). */
  setGroupVar(group: string, key: string, value: unknown, origin: VarOrigin): void {
    const g = this.mustGroup(group, origin);
    if (key === 'ansible_group_priority') {
      const n = typeof value === 'number' ? value : Number(String(value).trim());
      if (!Number.isInteger(n)) throw new UserError(`ansible_group_priority must be an integer, got ${JSON.stringify(value)}`, origin);
      g.priority = n;
      return;
    }
    setVar(g.vars, key, value, origin);
  }

  /** Ansible's reconcile_inventory: parentless groups go under `all`, groupless hosts into `ungrouped`. */
  finish(): Inventory {
    const inv = this.inventory;
    const hasParent = new Set<string>();
    for (const g of inv.groups.values()) for (const c of g.children) hasParent.add(c);
    for (const name of inv.groups.keys()) {
      if (name !== 'all' && !hasParent.has(name)) this.addChild('all', name, { file: '' });
    }
    const ungrouped = inv.groups.get('ungrouped')!;
    for (const host of inv.hosts.values()) {
      const others = host.groups.filter((g) => g !== 'ungrouped');
      if (others.length > 0 && host.groups.includes('ungrouped')) {
        host.groups = others;
        ungrouped.hosts = ungrouped.hosts.filter((h) => h !== host.name);
      } else if (host.groups.length === 0) {
        host.groups.push('ungrouped');
        ungrouped.hosts.push(host.name);
      }
    }
    if (this.oddGroupNames.size > 0) {
      inv.warnings.push(
        `group names with characters Ansible calls invalid (kept as they are): ${[...this.oddGroupNames].join(', ')}`,
      );
    }
    for (const name of inv.hosts.keys()) {
      if (inv.groups.has(name)) inv.warnings.push(`found both a group and a host named ${name}`);
    }
    return inv;
  }

  private mustGroup(name: string, where: Where): InventoryGroup {
    const g = this.inventory.groups.get(name);
    if (!g) throw new UserError(`undefined group: ${name}`, where);
    return g;
  }

  private descendants(name: string): Set<string> {
    const seen = new Set<string>();
    const todo = [name];
    while (todo.length) {
      for (const c of this.inventory.groups.get(todo.pop()!)?.children ?? []) {
        if (!seen.has(c)) { seen.add(c); todo.push(c); }
      }
    }
    return seen;
  }
}

/** Sets one variable; a later value replaces an earlier one whole (hash_behaviour=replace). */
export function setVar(vars: SourcedVars, key: string, value: unknown, origin: VarOrigin): void {
  vars.values[key] = value;
  vars.origins[key] = origin;
}
