import { expect } from 'chai';
import { join } from 'node:path';
import { UserError } from '../../../src/errors.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { cleanTmpTrees, tmpTree } from './tmp-tree.js';

describe('loadInventory', () => {
  after(cleanTmpTrees);

  it('reads an extensionless INI file (YAML tried first, then INI)', () => {
    const dir = tmpTree({ hosts: '[web]\nw1 x=1\n' });
    const inv = loadInventory(['hosts'], { cwd: dir });
    expect(inv.groups.get('web')!.hosts).to.deep.equal(['w1']);
    expect(inv.sources).to.deep.equal([join(dir, 'hosts')]);
    expect(inv.sourceDirs).to.deep.equal([dir]);
  });

  it('reads an extensionless YAML file as YAML', () => {
    const dir = tmpTree({ hosts: 'all:\n  hosts:\n    y1:\n' });
    expect([...loadInventory(['hosts'], { cwd: dir }).hosts.keys()]).to.deep.equal(['y1']);
  });

  it('reads a .ini file as INI only, so YAML-looking text is an INI error', () => {
    const dir = tmpTree({ 'hosts.ini': 'all:\n  hosts:\n    y1:\n' });
    expect(() => loadInventory(['hosts.ini'], { cwd: dir })).to.throw(UserError, /invalid host pattern|expected/);
  });

  it('falls back to INI for a .yml file holding INI', () => {
    const dir = tmpTree({ 'hosts.yml': '[web]\nw1\n' });
    expect([...loadInventory(['hosts.yml'], { cwd: dir }).hosts.keys()]).to.deep.equal(['w1']);
  });

  it('reports the YAML error for a broken .yml file', () => {
    const dir = tmpTree({ 'hosts.yml': 'all:\n  hosts: [a,\n' });
    try {
      loadInventory(['hosts.yml'], { cwd: dir });
      expect.fail('should throw');
    } catch (e) {
      expect((e as UserError).oneLine()).to.match(/^hosts\.yml:\d+: not a valid YAML inventory: invalid YAML/);
    }
  });

  it('reads a directory: files sorted, skipping hidden, .cfg/.retry/.orig and group_vars/host_vars', () => {
    const dir = tmpTree({
      'inv/10-b': '[g]\nb\n',
      'inv/05-a.yml': 'all:\n  children:\n    g:\n      hosts:\n        a:\n',
      'inv/.hidden': '[g]\nhidden\n',
      'inv/x.cfg': '[g]\ncfg\n',
      'inv/x.retry': 'retry\n',
      'inv/x.orig': 'orig\n',
      'inv/group_vars/g.yml': 'not: an inventory\n',
      'inv/host_vars/b': 'x: 1\n',
      'inv/sub/c': '[g]\nc\n',
    });
    const inv = loadInventory(['inv'], { cwd: dir });
    expect(inv.groups.get('g')!.hosts).to.deep.equal(['a', 'b', 'c']);
    expect(inv.sourceDirs).to.deep.equal([join(dir, 'inv')]);
  });

  it('takes h1,h2:2222, as a host list in ungrouped', () => {
    const inv = loadInventory(['h1,h2:2222,'], { cwd: tmpTree() });
    expect(inv.groups.get('ungrouped')!.hosts).to.deep.equal(['h1', 'h2']);
    expect(inv.hosts.get('h2')!.vars.values).to.deep.equal({ ansible_port: 2222 });
    expect(inv.sourceDirs).to.deep.equal([]);
  });

  it('merges several -i sources into one inventory, later vars winning', () => {
    const dir = tmpTree({ a: '[g]\nh x=1 y=1\n', 'sub/b.yml': 'all:\n  hosts:\n    h: {y: 2}\n' });
    const inv = loadInventory(['a', 'sub/b.yml'], { cwd: dir });
    expect(inv.hosts.get('h')!.vars.values).to.deep.equal({ x: 1, y: 2 });
    expect(inv.hosts.get('h')!.vars.origins.y!.file).to.equal(join('sub', 'b.yml'));
    expect(inv.sourceDirs).to.deep.equal([dir, join(dir, 'sub')]);
  });

  it('names a missing inventory file', () => {
    const dir = tmpTree();
    expect(() => loadInventory(['nope/hosts'], { cwd: dir })).to.throw(UserError).with.property('location').that.deep.equals({ file: 'nope/hosts' });
  });
});
