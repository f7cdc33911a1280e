import { expect } from 'chai';
import { NoHostsMatchedError, UserError } from '../../../src/errors.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { parseIniInventory } from '../../../src/inventory/ini.js';
import { hostsOfGroup } from '../../../src/inventory/groups.js';
import { matchHosts, splitHostPattern } from '../../../src/inventory/patterns.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { cleanTmpTrees, tmpTree } from './tmp-tree.js';

function ini(text: string): Inventory {
  const b = new InventoryBuilder();
  parseIniInventory(text, 'hosts', b);
  return b.finish();
}

const inv = () =>
  ini(`bastion
[stagesync-sourcedb]
db1
[stagesync-destdb]
stage1
stage2
dev1
[production]
db1
[web]
web[1:3].x.com
[stagesync:children]
stagesync-sourcedb
stagesync-destdb
`);

describe('host patterns (--limit)', () => {
  after(cleanTmpTrees);

  it('a group selects its hosts and its descendants\' hosts', () => {
    expect(matchHosts(inv(), 'stagesync')).to.deep.equal(['db1', 'stage1', 'stage2', 'dev1']);
  });
  it('a host name selects that host', () => {
    expect(matchHosts(inv(), 'stage2')).to.deep.equal(['stage2']);
  });
  it('all selects every host', () => {
    expect(matchHosts(inv(), 'all')).to.have.length(8);
  });
  it('a:b and a,b are unions', () => {
    expect(matchHosts(inv(), 'stagesync-sourcedb:web1.x.com')).to.deep.equal(['db1', 'web1.x.com']);
    expect(matchHosts(inv(), 'bastion, stage1')).to.deep.equal(['bastion', 'stage1']);
  });
  it('a:&b intersects', () => {
    expect(matchHosts(inv(), 'stagesync:&production')).to.deep.equal(['db1']);
  });
  it('a:!b excludes', () => {
    expect(matchHosts(inv(), 'stagesync:!production')).to.deep.equal(['stage1', 'stage2', 'dev1']);
  });
  it('applies unions first, then &, then !, whatever the written order', () => {
    expect(matchHosts(inv(), '!stage1:&stagesync-destdb:stagesync')).to.deep.equal(['stage2', 'dev1']);
  });
  it('starts from all when there are only & and ! parts', () => {
    expect(matchHosts(inv(), '!stagesync')).to.deep.equal(['bastion', 'web1.x.com', 'web2.x.com', 'web3.x.com']);
  });
  it('globs * ? [..] match hosts and groups', () => {
    expect(matchHosts(inv(), 'stage?')).to.deep.equal(['stage1', 'stage2']);
    expect(matchHosts(inv(), 'web[12]*')).to.deep.equal(['web1.x.com', 'web2.x.com']);
    expect(matchHosts(inv(), 'stagesync-d*')).to.deep.equal(['stage1', 'stage2', 'dev1']);
  });
  it('~regex matches from the start of the name', () => {
    expect(matchHosts(inv(), '~(stage|dev)\\d')).to.deep.equal(['stage1', 'stage2', 'dev1']);
  });
  it('subscripts g[0], g[1:2], g[-1], g[1:]', () => {
    const i = inv();
    expect(matchHosts(i, 'stagesync-destdb[0]')).to.deep.equal(['stage1']);
    expect(matchHosts(i, 'stagesync-destdb[1:2]')).to.deep.equal(['stage2', 'dev1']);
    expect(matchHosts(i, 'stagesync-destdb[-1]')).to.deep.equal(['dev1']);
    expect(matchHosts(i, 'stagesync-destdb[1:]')).to.deep.equal(['stage2', 'dev1']);
  });
  it('an out-of-range subscript is an error', () => {
    expect(() => matchHosts(inv(), 'stagesync-destdb[7]')).to.throw(UserError, /subscripted/);
  });
  it('@file reads one pattern per line', () => {
    const dir = tmpTree({ limit: 'stage1\n\ndev1\n' });
    expect(matchHosts(inv(), '@limit', { cwd: dir })).to.deep.equal(['stage1', 'dev1']);
  });
  it('warns about a part that matches nothing and keeps the rest', () => {
    const warnings: string[] = [];
    expect(matchHosts(inv(), 'stage1:nosuch', { onWarning: (m) => warnings.push(m) })).to.deep.equal(['stage1']);
    expect(warnings).to.deep.equal(['could not match supplied host pattern, ignoring: nosuch']);
  });
  it('does not warn about a group that exists but is empty', () => {
    const warnings: string[] = [];
    const i = ini('[empty]\n[web]\nw1\n');
    expect(matchHosts(i, 'web:empty', { onWarning: (m) => warnings.push(m) })).to.deep.equal(['w1']);
    expect(warnings).to.deep.equal([]);
  });
  it('throws NoHostsMatchedError (exit 1) when nothing is left', () => {
    expect(() => matchHosts(inv(), 'nosuch', { onWarning: () => {} })).to.throw(NoHostsMatchedError).with.property('exitCode', 1);
    expect(() => matchHosts(inv(), 'production:!db1')).to.throw(NoHostsMatchedError);
  });
  it('matches the implicit localhost by name', () => {
    expect(matchHosts(inv(), 'localhost')).to.deep.equal(['localhost']);
    expect(matchHosts(inv(), 'all')).not.to.include('localhost');
  });
  it('splits on commas, else on colons outside brackets, keeping host:port whole', () => {
    expect(splitHostPattern('a:&b[1:2]:!c')).to.deep.equal(['a', '&b[1:2]', '!c']);
    expect(splitHostPattern('db1:2222')).to.deep.equal(['db1:2222']);
  });
  it('hostsOfGroup includes descendants and rejects unknown groups', () => {
    expect(hostsOfGroup(inv(), 'stagesync')).to.deep.equal(['db1', 'stage1', 'stage2', 'dev1']);
    expect(() => hostsOfGroup(inv(), 'nope')).to.throw(UserError);
  });
});
