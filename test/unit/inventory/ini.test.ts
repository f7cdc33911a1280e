import { expect } from 'chai';
import { UserError } from '../../../src/errors.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import { parseIniInventory } from '../../../src/inventory/ini.js';
import type { Inventory } from '../../../src/inventory/types.js';

function ini(text: string): Inventory {
  const b = new InventoryBuilder();
  parseIniInventory(text, 'hosts', b);
  return b.finish();
}
const hostVars = (inv: Inventory, h: string) => inv.hosts.get(h)!.vars.values;
const groupVars = (inv: Inventory, g: string) => inv.groups.get(g)!.vars.values;
function iniError(text: string): UserError {
  try {
    ini(text);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('INI inventory', () => {
  it('puts lines before the first header in ungrouped, and ungrouped under all', () => {
    const inv = ini('bastion\n[web]\nw1\n');
    expect(inv.groups.get('ungrouped')!.hosts).to.deep.equal(['bastion']);
    expect(inv.groups.get('all')!.children).to.deep.equal(['ungrouped', 'web']);
  });

  it('types host-line values: 22 → int, False → bool, yes → string, "\'22\'" → string', () => {
    const inv = ini(`h p=22 q="22" f=False y=yes s="'22'" t=true`);
    expect(hostVars(inv, 'h')).to.deep.equal({ p: 22, q: 22, f: false, y: 'yes', s: '22', t: 'true' });
  });

  it('keeps a trailing comment in a :vars value but strips it on host lines', () => {
    const inv = ini('[web]\nw1 a=1  # host comment\n[web:vars]\nrev=3.1.2  # note\nport=22  # typed, Python drops the comment\n');
    expect(hostVars(inv, 'w1')).to.deep.equal({ a: 1 });
    expect(groupVars(inv, 'web')).to.deep.equal({ rev: '3.1.2  # note', port: 22 });
  });

  it('takes everything after the first = as the :vars value', () => {
    const inv = ini('[all:vars]\nurl = https://x/?a=b\nempty=\n');
    expect(groupVars(inv, 'all')).to.deep.equal({ url: 'https://x/?a=b', empty: '' });
  });

  it('skips # and ; comment lines and strips comments after section headers', () => {
    const inv = ini('# c\n; c\n[web]  # the web tier\nw1\n');
    expect(inv.groups.get('web')!.hosts).to.deep.equal(['w1']);
  });

  it('sets ansible_port from host:port', () => {
    expect(hostVars(ini('[db]\ndb1:2222'), 'db1')).to.deep.equal({ ansible_port: 2222 });
  });

  it('expands ranges on host lines, each host getting the inline vars', () => {
    const inv = ini('[db]\ndb[01:02].x ansible_user=u');
    expect(inv.groups.get('db')!.hosts).to.deep.equal(['db01.x', 'db02.x']);
    expect(hostVars(inv, 'db02.x')).to.deep.equal({ ansible_user: 'u' });
  });

  it('merges the inline vars of a host listed in several sections, later line wins', () => {
    const inv = ini('[a]\nh x=1 y=1\n[b]\nh y=2\n');
    expect(hostVars(inv, 'h')).to.deep.equal({ x: 1, y: 2 });
    expect(inv.hosts.get('h')!.groups).to.deep.equal(['a', 'b']);
    expect(inv.hosts.get('h')!.vars.origins.y).to.deep.equal({ file: 'hosts', line: 4 });
  });

  it('removes a host from ungrouped once it is in a group', () => {
    const inv = ini('h\n[a]\nh\n');
    expect(inv.groups.get('ungrouped')!.hosts).to.deep.equal([]);
    expect(inv.hosts.get('h')!.groups).to.deep.equal(['a']);
  });

  it('accepts :children naming a group declared later', () => {
    const inv = ini('[stagesync:children]\nsrc\n[src]\ndb1\n');
    expect(inv.groups.get('stagesync')!.children).to.deep.equal(['src']);
    expect(inv.groups.get('all')!.children).to.deep.equal(['ungrouped', 'stagesync']);
  });

  it('accepts [g:vars] before [g] when g is declared later', () => {
    expect(groupVars(ini('[g:vars]\nx=1\n[g]\nh\n'), 'g')).to.deep.equal({ x: 1 });
  });

  it('errors on a :children entry never declared, naming the line', () => {
    const e = iniError('[p:children]\nnope\n[q]\nh\n');
    expect(e.oneLine()).to.equal('hosts:2: section [p:children] includes an undefined group: nope');
  });

  it('errors on [g:vars] for a group never declared', () => {
    expect(iniError('[g:vars]\nx=1\n').oneLine()).to.match(/^hosts:1: .*undefined group: g/);
  });

  it('errors on a children cycle', () => {
    expect(iniError('[a:children]\nb\n[b:children]\na\n').oneLine()).to.match(/^hosts:4: .*loop/);
  });

  it('errors on a host token without =', () => {
    expect(iniError('[web]\nw1 a=1 oops\n').oneLine()).to.equal('hosts:2: expected key=value host variable, got: oops');
  });

  it('errors on an unknown section type and on spaces in a header', () => {
    expect(iniError('[web:hosts2]\n').oneLine()).to.match(/^hosts:1: section \[web:hosts2\] has unknown type/);
    expect(iniError('[web servers]\n').oneLine()).to.match(/^hosts:1: invalid section entry/);
  });

  it('keeps group names like stagesync-sourcedb, with one warning', () => {
    const inv = ini('[stagesync-sourcedb]\ndb1\n[stagesync-destdb]\ns1\n');
    expect(inv.groups.has('stagesync-sourcedb')).to.equal(true);
    expect(inv.warnings).to.have.length(1);
    expect(inv.warnings[0]).to.contain('stagesync-sourcedb, stagesync-destdb');
  });

  it('takes ansible_group_priority as the group priority, not as a variable', () => {
    const inv = ini('[g]\nh\n[g:vars]\nansible_group_priority=10\nx=1\n');
    expect(inv.groups.get('g')!.priority).to.equal(10);
    expect(groupVars(inv, 'g')).to.deep.equal({ x: 1 });
  });
});
