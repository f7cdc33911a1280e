import { expect } from 'chai';
import { chmodSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../../src/errors.js';
import { readAnsibleConfig } from '../../../src/config/ansible-cfg.js';
import { cleanTmpTrees, tmpTree } from '../inventory/tmp-tree.js';

describe('ansible.cfg', () => {
  after(cleanTmpTrees);
  const opts = (cwd: string, env: Record<string, string> = {}) => ({
    cwd, env, home: join(cwd, 'home'), systemFile: join(cwd, 'etc/ansible.cfg'),
  });
  const cfg = `[defaults]
inventory = inventories/hosts
host_key_checking = False
forks = 10  ; inline comment
remote_user = "deploy"
private_key_file = ~/.ssh/id_x
timeout = 30
remote_port = 2222

[ssh_connection]
ssh_args = -C
  -o ControlMaster=auto
`;

  it('reads [defaults] from ./ansible.cfg, paths relative to the file and ~ expanded', () => {
    const dir = tmpTree({ 'ansible.cfg': cfg });
    const c = readAnsibleConfig(opts(dir));
    expect(c.file).to.equal(join(dir, 'ansible.cfg'));
    expect(c).to.deep.include({
      inventory: [join(dir, 'inventories/hosts')],
      forks: 10,
      host_key_checking: false,
      remote_user: 'deploy',
      private_key_file: join(dir, 'home/.ssh/id_x'),
      timeout: 30,
      remote_port: 2222,
    });
    expect(c.get('ssh_connection', 'ssh_args')).to.equal('-C\n-o ControlMaster=auto');
  });

  it('has Ansible\'s defaults without any file', () => {
    expect(readAnsibleConfig(opts(tmpTree()))).to.deep.include({
      inventory: undefined, forks: 5, host_key_checking: true, remote_user: undefined,
      private_key_file: undefined, timeout: 10, remote_port: undefined,
    });
  });

  it('lets ANSIBLE_<KEY> override the file', () => {
    const dir = tmpTree({ 'ansible.cfg': cfg });
    const s = readAnsibleConfig(opts(dir, { ANSIBLE_HOST_KEY_CHECKING: 'yes', ANSIBLE_FORKS: '3', ANSIBLE_TIMEOUT: '' }));
    expect([s.host_key_checking, s.forks, s.timeout]).to.deep.equal([true, 3, 10]);
  });

  it('takes the first of $ANSIBLE_CONFIG (file or dir), ./ansible.cfg, ~/.ansible.cfg, system; no merging', () => {
    const dir = tmpTree({
      'env/ansible.cfg': '[defaults]\nforks = 1\n',
      'ansible.cfg': '[defaults]\nforks = 2\n',
      'home/.ansible.cfg': '[defaults]\nforks = 3\ntimeout = 99\n',
      'etc/ansible.cfg': '[defaults]\nforks = 4\n',
    });
    expect(readAnsibleConfig(opts(dir, { ANSIBLE_CONFIG: join(dir, 'env') })).forks).to.equal(1);
    expect(readAnsibleConfig(opts(dir))).to.include({ forks: 2, timeout: 10 });
    expect(readAnsibleConfig({ ...opts(dir), cwd: join(dir, 'home') }).forks).to.equal(3);
    expect(readAnsibleConfig({ ...opts(dir), cwd: join(dir, 'env'), home: join(dir, 'nohome') }).forks).to.equal(1);
    expect(readAnsibleConfig({ ...opts(join(dir, 'etc')), home: join(dir, 'nohome'), systemFile: join(dir, 'etc/ansible.cfg') }).forks).to.equal(4);
  });

  it('skips ./ansible.cfg in a world-writable cwd, with a warning', () => {
    const dir = tmpTree({ 'ansible.cfg': '[defaults]\nforks = 2\n' });
    chmodSync(dir, 0o777);
    const c = readAnsibleConfig(opts(dir));
    expect(c.file).to.equal(undefined);
    expect(c.warnings[0]).to.match(/world writable/);
  });

  it('names file and line of a malformed cfg or a non-numeric number', () => {
    const bad = tmpTree({ 'ansible.cfg': '[defaults]\nforks\n' });
    expect(() => readAnsibleConfig(opts(bad))).to.throw(UserError).that.satisfies((e: UserError) => e.oneLine() === 'ansible.cfg:2: expected key = value, got: forks');
    const nan = tmpTree({ 'ansible.cfg': '[defaults]\nforks = many\n' });
    expect(() => readAnsibleConfig(opts(nan))).to.throw(UserError, /forks must be an integer/);
  });
});
