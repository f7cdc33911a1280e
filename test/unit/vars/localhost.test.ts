import { expect } from 'chai';
import { UserError } from '../../../src/errors.js';
import { getHost } from '../../../src/inventory/localhost.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { resolveHostVars } from '../../../src/vars/resolve.js';
import { cleanTmpTrees, tmpTree } from '../inventory/tmp-tree.js';

describe('implicit localhost and magic vars', () => {
  after(cleanTmpTrees);
  const files = {
    hosts: '[web]\nw1\n[all:vars]\nfrom_ini_all=1\n',
    'group_vars/all.yml': 'from_gv_all: 1\nfrom_ini_all: gv\n',
    'group_vars/web.yml': 'from_web: 1\n',
    'host_vars/localhost.yml': 'from_hv: 1\n',
  };

  it('invents localhost (ansible_connection=local) when it is not in the inventory', () => {
    const cwd = tmpTree(files);
    const inv = loadInventory(['hosts'], { cwd });
    expect(getHost(inv, 'localhost')).to.include({ name: 'localhost', implicit: true });
    expect(getHost(inv, '::1')!.implicit).to.equal(true);
    expect(getHost(inv, 'elsewhere')).to.equal(undefined);
  });

  it('gives it group_vars/all and host_vars/localhost but no other group, and [all:vars] as host vars', () => {
    const cwd = tmpTree(files);
    const v = resolveHostVars(loadInventory(['hosts'], { cwd }), 'localhost', { cwd }).values;
    expect(v).to.include({ ansible_connection: 'local', from_gv_all: 1, from_hv: 1 });
    expect(v.from_web).to.equal(undefined);
    // reconcile_inventory copies [all:vars] into the implicit host's own vars, which beat group_vars
    expect(v.from_ini_all).to.equal(1);
    expect(v.group_names).to.deep.equal([]);
    expect((v.groups as Record<string, string[]>).all).to.deep.equal(['w1']);
  });

  it('treats a localhost listed in the inventory as an ordinary host', () => {
    const cwd = tmpTree({ hosts: '[stagesync]\nlocalhost\n' });
    const v = resolveHostVars(loadInventory(['hosts'], { cwd }), 'localhost', { cwd }).values;
    expect(v.ansible_connection).to.equal(undefined);
    expect(v.group_names).to.deep.equal(['stagesync']);
  });

  it('sets inventory_hostname, inventory_hostname_short, group_names (sorted, no all) and playbook_dir', () => {
    const cwd = tmpTree({ hosts: '[b]\ndb1.example.com\n[a:children]\nb\n' });
    const v = resolveHostVars(loadInventory(['hosts'], { cwd }), 'db1.example.com', { cwd }).values;
    expect(v).to.deep.include({
      inventory_hostname: 'db1.example.com',
      inventory_hostname_short: 'db1',
      group_names: ['a', 'b'],
      playbook_dir: cwd,
    });
  });

  it('keeps an IP address whole as inventory_hostname_short', () => {
    const cwd = tmpTree({ hosts: '10.0.0.5\n' });
    expect(resolveHostVars(loadInventory(['hosts'], { cwd }), '10.0.0.5', { cwd }).values.inventory_hostname_short).to.equal('10.0.0.5');
  });

  it('refuses a host that is not in the inventory', () => {
    const cwd = tmpTree({ hosts: 'h1\n' });
    expect(() => resolveHostVars(loadInventory(['hosts'], { cwd }), 'h2', { cwd })).to.throw(UserError, /not in the inventory: h2/);
  });
});
