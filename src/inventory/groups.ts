// Questions about the group tree: members with descendants, a host's groups, their merge order.
import { UserError } from '../errors.js';
import type { Inventory, InventoryGroup } from './types.js';

/** The group and its descendants, breadth first in declaration order (Ansible's preserve_ordering walk). */
export function groupAndDescendants(inv: Inventory, name: string): InventoryGroup[] {
  const start = inv.groups.get(name);
  if (!start) return [];
  const out = [start];
  const seen = new Set([name]);
  for (let i = 0; i < out.length; i++) {
    for (const c of out[i]!.children) {
      if (!seen.has(c)) { seen.add(c); out.push(inv.groups.get(c)!); }
    }
  }
  return out;
}

/**
 * Hosts of a group and of all its descendant groups, each once, in inventory order.
 * @throws UserError when the group does not exist.
 */
export function hostsOfGroup(inv: Inventory, name: string): string[] {
  if (!inv.groups.has(name)) throw new UserError(`no such group in the inventory: ${name}`);
  return groupHosts(inv, name);
}

/** As hostsOfGroup, but an unknown group simply has no hosts. */
export function groupHosts(inv: Inventory, name: string): string[] {
  const seen = new Set<string>();
  for (const g of groupAndDescendants(inv, name)) for (const h of g.hosts) seen.add(h);
  return [...seen];
}

/** Every group the host belongs to, directly or through a child group, `all` included. */
export function hostGroupNames(inv: Inventory, host: string): string[] {
  const h = inv.hosts.get(host);
  if (!h || h.implicit) return [];
  const parents = parentMap(inv);
  const seen = new Set<string>();
  const todo = [...h.groups, 'all'];
  while (todo.length) {
    const g = todo.pop()!;
    if (seen.has(g)) continue;
    seen.add(g);
    todo.push(...(parents.get(g) ?? []));
  }
  return [...seen];
}

/** Longest path from `all` (all = 0, its children 1, ...), as Group.depth. */
export function groupDepths(inv: Inventory): Map<string, number> {
  const depth = new Map<string, number>();
  const visit = (name: string, d: number) => {
    if ((depth.get(name) ?? -1) >= d) return;
    depth.set(name, d);
    for (const c of inv.groups.get(name)?.children ?? []) visit(c, d + 1);
  };
  visit('all', 0);
  return depth;
}

/**
 * The host's groups (without `all`) in the order their vars are merged, lowest first:
 * sorted by depth, then ansible_group_priority (default 1), then name (Ansible's sort_groups).
 */
export function groupsInMergeOrder(inv: Inventory, host: string): string[] {
  const depths = groupDepths(inv);
  const key = (name: string) => ({
    depth: depths.get(name) ?? 0,
    priority: inv.groups.get(name)?.priority ?? 1,
  });
  return hostGroupNames(inv, host)
    .filter((g) => g !== 'all')
    .sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return ka.depth - kb.depth || ka.priority - kb.priority || (a < b ? -1 : a > b ? 1 : 0);
    });
}

function parentMap(inv: Inventory): Map<string, string[]> {
  const parents = new Map<string, string[]>();
  for (const g of inv.groups.values()) {
    for (const c of g.children) parents.set(c, [...(parents.get(c) ?? []), g.name]);
  }
  return parents;
}
