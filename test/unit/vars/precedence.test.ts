import { expect } from 'chai';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/load.js';
import type { SourcedVars } from '../../../src/util/sourced-vars.js';
import { parseExtraVars } from '../../../src/vars/extra-vars.js';
import { resolveHostVars } from '../../../src/vars/resolve.js';
import { addFiles, cleanTmpTrees, tmpTree } from '../inventory/tmp-tree.js';

// Layout: the playbook dir (cwd) holds group_vars/host_vars; the inventory lives in inv/ with its own.
const INVENTORY = '[web]\nh1\n';

/** Resolves `v` for h1 after writing `files` (paths relative to the playbook dir). */
function valueOf(files: Record<string, string>, opts: { extra?: string[]; defaults?: SourcedVars; inventory?: string } = {}) {
  const cwd = tmpTree({ 'inv/hosts': opts.inventory ?? INVENTORY });
  addFiles(cwd, files);
  const inv = loadInventory(['inv/hosts'], { cwd });
  const vars = resolveHostVars(inv, 'h1', { cwd, defaults: opts.defaults, extraVars: parseExtraVars(opts.extra ?? [], cwd) });
  return { value: vars.values.v, origin: vars.origins.v };
}
const defaults: SourcedVars = { values: { v: 'defaults' }, origins: { v: { file: 'defaults/main.yml', line: 1 } } };

describe('variable precedence: one test per adjacent pair of levels', () => {
  after(cleanTmpTrees);

  it('inventory-file group vars beat role defaults', () => {
    expect(valueOf({}, { defaults, inventory: INVENTORY + '[web:vars]\nv=inifile\n' }).value).to.equal('inifile');
  });
  it('inventory group_vars/all beats inventory-file group vars (even [web:vars])', () => {
    const r = valueOf({ 'inv/group_vars/all.yml': 'v: inv-gv-all\n' }, { defaults, inventory: INVENTORY + '[web:vars]\nv=inifile\n' });
    expect(r.value).to.equal('inv-gv-all');
  });
  it('playbook group_vars/all beats inventory group_vars/all', () => {
    expect(valueOf({ 'inv/group_vars/all.yml': 'v: inv-gv-all\n', 'group_vars/all.yml': 'v: pb-gv-all\n' }).value).to.equal('pb-gv-all');
  });
  it('inventory group_vars/<group> beats playbook group_vars/all', () => {
    expect(valueOf({ 'group_vars/all.yml': 'v: pb-gv-all\n', 'inv/group_vars/web.yml': 'v: inv-gv-web\n' }).value).to.equal('inv-gv-web');
  });
  it('playbook group_vars/<group> beats inventory group_vars/<group>', () => {
    expect(valueOf({ 'inv/group_vars/web.yml': 'v: inv-gv-web\n', 'group_vars/web.yml': 'v: pb-gv-web\n' }).value).to.equal('pb-gv-web');
  });
  it('inventory-file host vars beat playbook group_vars/<group>', () => {
    const r = valueOf({ 'group_vars/web.yml': 'v: pb-gv-web\n' }, { inventory: '[web]\nh1 v=inline\n' });
    expect(r).to.deep.equal({ value: 'inline', origin: { file: join('inv', 'hosts'), line: 2 } });
  });
  it('inventory host_vars beat inventory-file host vars', () => {
    expect(valueOf({ 'inv/host_vars/h1.yml': 'v: inv-hv\n' }, { inventory: '[web]\nh1 v=inline\n' }).value).to.equal('inv-hv');
  });
  it('playbook host_vars beat inventory host_vars', () => {
    expect(valueOf({ 'inv/host_vars/h1.yml': 'v: inv-hv\n', 'host_vars/h1.yml': 'v: pb-hv\n' }).value).to.equal('pb-hv');
  });
  it('extra vars beat playbook host_vars', () => {
    expect(valueOf({ 'host_vars/h1.yml': 'v: pb-hv\n' }, { extra: ['v=extra'] }).value).to.equal('extra');
  });

  describe('within a level', () => {
    it('[all:vars] loses to [group:vars] in the inventory file', () => {
      expect(valueOf({}, { inventory: '[web]\nh1\n[all:vars]\nv=all\n[web:vars]\nv=web\n' }).value).to.equal('web');
    });
    it('a child group beats its parent, whatever the names', () => {
      const inventory = '[a_child]\nh1\n[z_parent:children]\na_child\n';
      expect(valueOf({ 'group_vars/a_child.yml': 'v: child\n', 'group_vars/z_parent.yml': 'v: parent\n' }, { inventory }).value).to.equal('child');
    });
    it('at equal depth a higher ansible_group_priority wins, then the later name', () => {
      const inventory = '[a]\nh1\n[b]\nh1\n';
      expect(valueOf({ 'group_vars/a.yml': 'v: a\n', 'group_vars/b.yml': 'v: b\n' }, { inventory }).value).to.equal('b');
      const prio = inventory + '[a:vars]\nansible_group_priority=10\n';
      expect(valueOf({ 'group_vars/a.yml': 'v: a\n', 'group_vars/b.yml': 'v: b\n' }, { inventory: prio }).value).to.equal('a');
    });
    it('ansible_group_priority set in group_vars does not count', () => {
      const inventory = '[a]\nh1\n[b]\nh1\n';
      const files = { 'group_vars/a.yml': 'v: a\nansible_group_priority: 10\n', 'group_vars/b.yml': 'v: b\n' };
      expect(valueOf(files, { inventory }).value).to.equal('b');
    });
    it('a later -e beats an earlier one, per top-level key, replacing dicts whole', () => {
      const cwd = tmpTree({ hosts: 'h1\n' });
      const inv = loadInventory(['hosts'], { cwd });
      const extraVars = parseExtraVars(['{"d": {"a": 1, "b": 1}, "k": 1}', '{"d": {"b": 2}}'], cwd);
      const values = resolveHostVars(inv, 'h1', { cwd, extraVars }).values;
      expect([values.d, values.k]).to.deep.equal([{ b: 2 }, 1]);
    });
    it('a later inventory source\'s group_vars beat an earlier one\'s', () => {
      const cwd = tmpTree({ 'one/hosts': '[web]\nh1\n', 'two/hosts': '[web]\nh1\n', 'one/group_vars/web.yml': 'v: one\n', 'two/group_vars/web.yml': 'v: two\n' });
      const inv = loadInventory(['one/hosts', 'two/hosts'], { cwd });
      expect(resolveHostVars(inv, 'h1', { cwd }).values.v).to.equal('two');
    });
  });

  it('magic vars beat even extra vars', () => {
    const cwd = tmpTree({ hosts: '[web]\nh1\n' });
    const inv = loadInventory(['hosts'], { cwd });
    const values = resolveHostVars(inv, 'h1', { cwd, extraVars: parseExtraVars(['inventory_hostname=evil'], cwd) }).values;
    expect(values.inventory_hostname).to.equal('h1');
    expect(values.group_names).to.deep.equal(['web']);
    expect(values.groups).to.deep.equal({ all: ['h1'], ungrouped: [], web: ['h1'] });
  });
});
