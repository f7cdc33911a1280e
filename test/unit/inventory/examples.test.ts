// The shipped example inventories (INI and YAML) must describe the same groups and hosts.
import { expect } from 'chai';
import { packageRoot } from '../../../src/util/paths.js';
import { loadInventory } from '../../../src/inventory/load.js';
import type { Inventory } from '../../../src/inventory/types.js';

const shape = (inv: Inventory) =>
  Object.fromEntries([...inv.groups.values()].map((g) => [g.name, { hosts: [...g.hosts].sort(), children: [...g.children].sort() }]));

describe('example inventories', () => {
  const cwd = packageRoot();

  it('inventories/hosts (INI) and inventories/hosts.yml (YAML) give the same groups and hosts', () => {
    expect(shape(loadInventory(['inventories/hosts.yml'], { cwd }))).to.deep.equal(shape(loadInventory(['inventories/hosts'], { cwd })));
  });

  it('define the groups of docs/variables.md', () => {
    const inv = loadInventory(['inventories/hosts'], { cwd });
    for (const g of ['stagesync', 'stagesync-sourcedb', 'stagesync-destdb']) expect(inv.groups.has(g), g).to.equal(true);
  });
});
