// Magic variables, filters and lookups vars files use; each expectation is what ansible-core
// printed for the same template (ansible db1 -m debug, Debian's 2.14.18).
import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/load.js';
import { createRunVars } from '../../../src/vars/host-vars.js';
import { renderString } from '../../../src/template/render.js';
import { cleanTmpTrees, tmpTree } from '../inventory/tmp-tree.js';

function hostVars(env: NodeJS.ProcessEnv = {}) {
  const cwd = tmpTree({ 'inventories/hosts': '[db]\ndb1 x=1\ndb2 ansible_host=10.0.0.2\n' });
  const inv = loadInventory(['inventories/hosts'], { cwd });
  return { cwd, vars: createRunVars(inv, { cwd, env }) };
}

describe('Ansible magic variables, filters and lookups', () => {
  after(cleanTmpTrees);
  const r = (src: string, env: NodeJS.ProcessEnv = {}) => {
    const { vars } = hostVars(env);
    return renderString(src, vars.lazy('db1'));
  };

  it("Ansible gives hostvars['db2'].ansible_host = 10.0.0.2, and undefined for a host without one", () => {
    expect(r("{{ hostvars['db2'].ansible_host }}|{{ hostvars['db1'].ansible_host | default('UNDEF') }}|{{ hostvars.db1.x }}")).to.equal('10.0.0.2|UNDEF|1');
  });
  it("Ansible gives vars['x'] = the host's x", () => {
    expect(r("{{ vars['x'] }}|{{ vars['inventory_hostname'] }}")).to.equal('1|db1');
  });
  it('Ansible gives ansible_host = the inventory name on the host itself when unset', () => {
    expect(r('{{ ansible_host }}')).to.equal('db1');
  });
  it('Ansible gives inventory_dir, inventory_file, inventory_hostname, group_names, groups', () => {
    const { cwd, vars } = hostVars();
    const out = renderString('{{ inventory_dir }}|{{ inventory_file }}|{{ inventory_hostname }}|x{{ group_names }}|{{ groups.db }}', vars.lazy('db1'));
    expect(out).to.equal(`${join(cwd, 'inventories')}|${join(cwd, 'inventories/hosts')}|db1|x['db']|['db1', 'db2']`);
  });
  // `}}` inside a dict literal does not end the expression (as Jinja's lexer counts braces).
  it("Ansible's combine: recursive and list_merge", () => {
    expect(r("{{ {'a':1,'b':{'c':1}} | combine({'b':{'d':2}}, recursive=True) }}")).to.equal("{'a': 1, 'b': {'c': 1, 'd': 2}}");
    expect(r("{{ {'a':1,'b':{'c':1} } | combine({'b':{'d':2} }) }}")).to.equal("{'a': 1, 'b': {'d': 2}}");
    expect(r("{{ {'a':[1]} | combine({'a':[2]}, list_merge='append') }}")).to.equal("{'a': [1, 2]}");
  });
  it("Ansible's map: attribute= and a filter name", () => {
    expect(r("{{ [{'n':'x'},{'n':'y'}] | map(attribute='n') | list }}")).to.equal("['x', 'y']");
    expect(r("{{ ['a','b'] | map('upper') | list }}")).to.equal("['A', 'B']");
  });
  it("Ansible's select/reject/selectattr with tests", () => {
    expect(r("{{ [1,2,3,4] | select('even') | list }}|{{ [1,2,3,4] | reject('odd') | list }}")).to.equal('[2, 4]|[2, 4]');
    expect(r("{{ [{'a':1},{'a':2}] | selectattr('a','equalto',2) | list }}")).to.equal("[{'a': 2}]");
  });
  it("Ansible's b64encode / b64decode (UTF-8)", () => {
    expect(r("{{ 'héllo' | b64encode }}|{{ 'aMOpbGxv' | b64decode }}")).to.equal('aMOpbGxv|héllo');
  });
  it("Ansible's lookup('env'): value, default, several names joined with commas", () => {
    expect(r("{{ lookup('env','FOO_TOKEN') }}|{{ lookup('env','NOPE_X', default='dflt') }}|{{ lookup('env','HOME','FOO_TOKEN') }}", { FOO_TOKEN: 'tok', HOME: '/root' })).to.equal('tok|dflt|/root,tok');
  });
  it("Ansible's lookup('env') of a secret-named variable is a secret (masked), others are not", () => {
    const { vars } = hostVars({ DB_PASSWORD: 's3cr3t-pw', PLAIN: 'visible' });
    renderString("{{ lookup('env','DB_PASSWORD') }} {{ lookup('env','PLAIN') }}", vars.lazy('db1'));
    expect(vars.secrets()).to.deep.equal(['s3cr3t-pw']);
  });
  it("Ansible's lookup('file'): files/ first, then the project dir, trailing newline stripped", () => {
    const { cwd, vars } = hostVars();
    mkdirSync(join(cwd, 'files'));
    writeFileSync(join(cwd, 'files/key.txt'), 'from-files\n');
    writeFileSync(join(cwd, 'other.txt'), 'from-project\n\n');
    expect(renderString("{{ lookup('file', 'key.txt') }}|{{ lookup('file', 'other.txt') }}", vars.lazy('db1'), { cwd })).to.equal('from-files|from-project');
  });
});
