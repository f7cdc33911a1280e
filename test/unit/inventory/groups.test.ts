import { expect } from 'chai';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { parseIniInventory } from '../../../src/inventory/ini.js';
import { groupDepths, groupsInMergeOrder, hostGroupNames } from '../../../src/inventory/groups.js';
import type { Inventory } from '../../../src/inventory/types.js';

function ini(text: string): Inventory {
  const b = new InventoryBuilder();
  parseIniInventory(text, 'hosts', b);
  return b.finish();
}

describe('group order for merging vars', () => {
  it('computes depth as the longest path from all', () => {
    const inv = ini('[child]\nh\n[mid:children]\nchild\n[top:children]\nmid\n[other:children]\nchild\n');
    const d = groupDepths(inv);
    expect([d.get('all'), d.get('top'), d.get('mid'), d.get('child'), d.get('other')]).to.deep.equal([0, 1, 2, 3, 1]);
  });
  it('sorts by depth, then ansible_group_priority, then name', () => {
    const inv = ini('[b]\nh\n[a]\nh\n[z]\nh\n[p:children]\nz\n[z:vars]\nansible_group_priority=0\n[b:vars]\nansible_group_priority=5\n');
    // depth 1: a (prio 1), b (prio 5), p; depth 2: z
    expect(groupsInMergeOrder(inv, 'h')).to.deep.equal(['a', 'p', 'b', 'z']);
  });
  it('lists every group of a host, through parents, with all', () => {
    const inv = ini('[c]\nh\n[p:children]\nc\n');
    expect(hostGroupNames(inv, 'h').sort()).to.deep.equal(['all', 'c', 'p']);
  });
});
