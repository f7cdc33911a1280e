// The inventory as plain data: what the INI and YAML parsers produce and the vars layer reads.

/** Variables together with the file each top-level key came from (for error messages). */
export interface SourcedVars {
  values: Record<string, unknown>;
  /** top-level key → file (and line when known) it was set in */
  origins: Record<string, VarOrigin>;
}
export interface VarOrigin {
  file: string;
  line?: number;
}

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
  /** True for the implicit localhost Ansible invents when it is not in the inventory. */
  implicit?: boolean;
}

export interface Inventory {
  /** Inventory sources as given/resolved (files or directories), absolute. */
  sources: string[];
  groups: Map<string, InventoryGroup>;
  hosts: Map<string, InventoryHost>;
  /** Non-fatal notes Ansible would warn about (odd group names, unmatched patterns...). */
  warnings: string[];
}
