// The inventory engine: sources → Inventory; host patterns; group questions.
export type { Inventory, InventoryGroup, InventoryHost, SourcedVars, VarOrigin } from './types.js';
export { loadInventory, type LoadInventoryOptions } from './load.js';
export { resolveInventorySources, DEFAULT_INVENTORY_CANDIDATES } from './sources.js';
export { matchHosts, splitHostPattern, type MatchOptions } from './patterns.js';
export { hostsOfGroup, groupHosts, hostGroupNames, groupsInMergeOrder } from './groups.js';
export { getHost, LOCALHOST_NAMES } from './localhost.js';
