import { expect } from 'chai';
import { UserError } from '../../../src/errors.js';
import { InventoryBuilder } from '../../../src/inventory/builder.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { NotYamlInventory, parseYamlInventory } from '../../../src/inventory/yaml.js';

function yaml(text: string): Inventory {
  const b = new InventoryBuilder();
  parseYamlInventory(text, 'hosts.yml', b);
  return b.finish();
}

describe('YAML inventory', () => {
  const text = [
    'all:',
    '  vars: {ntp: 10.0.0.1}',
    '  hosts:',
    '    bastion: {ansible_host: 203.0.113.5}',
    '  children:',
    '    db:',
    '      hosts:',
    '        "db[01:03].x.com":',
    '        solo:2222:',
    '      vars:',
    '        pg_version: 16',
    '        flag: yes',
    '        mode: 0644',
    '        ansible_group_priority: 5',
  ].join('\n');

  it('reads groups, hosts, vars and children of the reference example', () => {
    const inv = yaml(text);
    expect(inv.groups.get('db')!.hosts).to.deep.equal(['db01.x.com', 'db02.x.com', 'db03.x.com', 'solo']);
    expect(inv.groups.get('all')!.vars.values).to.deep.equal({ ntp: '10.0.0.1' });
    expect(inv.hosts.get('bastion')!.vars.values).to.deep.equal({ ansible_host: '203.0.113.5' });
    expect(inv.hosts.get('solo')!.vars.values).to.deep.equal({ ansible_port: 2222 });
  });

  it('uses YAML 1.1 typing: yes → true, 0644 → 420', () => {
    expect(yaml(text).groups.get('db')!.vars.values).to.deep.equal({ pg_version: 16, flag: true, mode: 420 });
  });

  it('takes ansible_group_priority as the priority', () => {
    expect(yaml(text).groups.get('db')!.priority).to.equal(5);
  });

  it('puts a host listed directly under all into ungrouped', () => {
    expect(yaml(text).groups.get('ungrouped')!.hosts).to.deep.equal(['bastion']);
  });

  it('records the line of each variable', () => {
    expect(yaml(text).groups.get('db')!.vars.origins.pg_version).to.deep.equal({ file: 'hosts.yml', line: 11 });
  });

  it('warns about and skips unknown keys in a group', () => {
    const inv = yaml('all:\n  hostz:\n    a: {}\n  hosts:\n    b:\n');
    expect([...inv.hosts.keys()]).to.deep.equal(['b']);
    expect(inv.warnings.join('\n')).to.match(/hosts\.yml:2: skipping unexpected key 'hostz'/);
  });

  it('accepts a group defined in two places and a string as a one-host mapping', () => {
    const inv = yaml('all:\n  children:\n    a:\n      hosts: h1\n    b:\n      children:\n        a:\n');
    expect(inv.groups.get('b')!.children).to.deep.equal(['a']);
    expect(inv.groups.get('a')!.hosts).to.deep.equal(['h1']);
  });

  it('errors on a child loop with the line', () => {
    expect(() => yaml('all:\n  children:\n    a:\n      children:\n        b:\n          children:\n            a:\n'))
      .to.throw(UserError, /loop/);
  });

  it('errors on hosts that are a list', () => {
    expect(() => yaml('all:\n  hosts:\n    - h1\n')).to.throw(UserError, /'hosts' of group 'all' must be a mapping/);
  });

  it('errors on an unquoted numeric host key', () => {
    expect(() => yaml('all:\n  hosts:\n    1234:\n')).to.throw(UserError, /must be a string/);
  });

  it('says "not YAML" (so INI is tried) for text that is no mapping', () => {
    expect(() => yaml('[web]\nw1\n')).to.throw(NotYamlInventory);
    expect(() => yaml('# only a comment\n')).to.throw(NotYamlInventory);
    expect(() => yaml('just a string')).to.throw(NotYamlInventory);
  });
});
