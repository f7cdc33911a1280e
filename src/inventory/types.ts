// The inventory as plain data: what the INI and YAML parsers produce and the vars layer reads.
import type { SourcedVars } from '../util/sourced-vars.js';

export interface InventoryGroup {
  name: string;
  /** Direct member hosts, in order of first appearance. */
  hosts: string[];
  /** Direct child groups. */
  children: string[];
  /** `[g:vars]` / YAML `vars:` from the inventory source(s). */
  vars: SourcedVars;
  /** `ansible_group_priority` when set in the inventory source (not group_vars). */
  priority?: number;
}

export interface InventoryHost {
  /** inventory_hostname */
  name: string;
  /** Inline host vars (host line `k=v`, YAML host mapping, `host:port` → ansible_port). */
  vars: SourcedVars;
  /** Direct groups (not `all`). */
  groups: string[];
  /** The inventory file that first named the host (inventory_file); absent for host lists. */
  source?: string;
  /** True for the implicit localhost Ansible invents when it is not in the inventory. */
  implicit?: boolean;
}

export interface Inventory {
  /** Inventory sources as given/resolved: absolute files or directories, or `h1,h2,` host lists verbatim. */
  sources: string[];
  /**
   * Directories searched for group_vars/ and host_vars/ "next to the inventory", one per
   * file/directory source in source order (host lists have none). A later one wins.
   */
  sourceDirs: string[];
  groups: Map<string, InventoryGroup>;
  hosts: Map<string, InventoryHost>;
  /** Non-fatal notes Ansible would warn about (odd group names, unmatched patterns...). */
  warnings: string[];
}
