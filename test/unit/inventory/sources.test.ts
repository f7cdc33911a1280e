import { expect } from 'chai';
import { join } from 'node:path';
import { UserError } from '../../../src/errors.js';
import { resolveInventorySources } from '../../../src/inventory/sources.js';
import { cleanTmpTrees, tmpTree } from './tmp-tree.js';

describe('resolveInventorySources', () => {
  after(cleanTmpTrees);
  const noCfg = (cwd: string) => ({ cwd, env: {}, home: join(cwd, 'no-home'), systemFile: join(cwd, 'no-system.cfg') });

  it('uses the -i values, absolute, keeping host lists verbatim', () => {
    const dir = tmpTree({ 'inventories/hosts': 'x\n' });
    expect(resolveInventorySources(['a/hosts', 'h1,h2'], noCfg(dir))).to.deep.equal([join(dir, 'a/hosts'), 'h1,h2']);
  });

  it('falls back to ansible.cfg [defaults] inventory, relative to the cfg file, over inventories/hosts', () => {
    const dir = tmpTree({ 'ansible.cfg': '[defaults]\ninventory = ./staging/hosts, prod.yml\n', 'inventories/hosts': '' });
    expect(resolveInventorySources([], noCfg(dir))).to.deep.equal([join(dir, 'staging/hosts'), join(dir, 'prod.yml')]);
  });

  it('lets ANSIBLE_INVENTORY beat ansible.cfg', () => {
    const dir = tmpTree({ 'ansible.cfg': '[defaults]\ninventory = a\n' });
    expect(resolveInventorySources([], { ...noCfg(dir), env: { ANSIBLE_INVENTORY: 'b' } })).to.deep.equal([join(dir, 'b')]);
  });

  it('otherwise takes the first of inventories/hosts, hosts.ini, hosts.yml, hosts.yaml', () => {
    const dir = tmpTree({ 'inventories/hosts.yml': '', 'inventories/hosts.yaml': '' });
    expect(resolveInventorySources([], noCfg(dir))).to.deep.equal([join(dir, 'inventories/hosts.yml')]);
    const dir2 = tmpTree({ 'inventories/hosts': '', 'inventories/hosts.ini': '' });
    expect(resolveInventorySources([], noCfg(dir2))).to.deep.equal([join(dir2, 'inventories/hosts')]);
  });

  it('errors when there is no inventory at all', () => {
    expect(() => resolveInventorySources([], noCfg(tmpTree()))).to.throw(UserError, /no inventory/);
  });
});
