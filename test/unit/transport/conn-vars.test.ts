import { expect } from 'chai';
import { applySshArgs, becomeFromVars, connectionFromVars } from '../../../src/transport/conn-vars.js';
import type { SshOverrides } from '../../../src/transport/ssh-config.js';

describe('ansible_* connection variables', () => {
  it('uses the inventory name, or ansible_host, as the ssh alias', () => {
    expect(connectionFromVars('db1', {}).alias).to.equal('db1');
    expect(connectionFromVars('db1', { ansible_host: '10.0.0.1' }).alias).to.equal('10.0.0.1');
  });

  it('maps port, user and key (string or number values)', () => {
    const c = connectionFromVars('db1', { ansible_port: '2222', ansible_user: 'deploy', ansible_ssh_private_key_file: '/k' });
    expect(c.overrides).to.deep.equal({ port: 2222, user: 'deploy', identityFiles: ['/k'] });
    expect(connectionFromVars('db1', { ansible_private_key_file: '/k2', ansible_port: 22 }).overrides).to.deep.equal({ port: 22, identityFiles: ['/k2'] });
    expect(() => connectionFromVars('db1', { ansible_port: 'abc' })).to.throw(/ansible_port/);
  });

  it('reads -A, -J and -o options from ssh_common_args / ssh_extra_args', () => {
    const c = connectionFromVars('db1', {
      ansible_ssh_common_args: '-o ProxyJump=ops@bastion:2200 -o StrictHostKeyChecking=no -oUserKnownHostsFile=/dev/null',
      ansible_ssh_extra_args: '-A',
    });
    expect(c.overrides).to.deep.equal({ proxyJump: 'ops@bastion:2200', strictHostKeyChecking: 'no', userKnownHostsFiles: ['/dev/null'], forwardAgent: true });
    expect(connectionFromVars('x', { ansible_ssh_common_args: '-J db1' }).overrides.proxyJump).to.equal('db1');
    expect(connectionFromVars('x', { ansible_ssh_common_args: '-o "ProxyJump db1"' }).overrides.proxyJump).to.equal('db1');
  });

  it('keeps OpenSSH\'s first-wins order: ansible_port beats -o Port, common_args beat extra_args', () => {
    const c = connectionFromVars('x', { ansible_port: 22, ansible_ssh_common_args: '-o Port=2200 -o User=a', ansible_ssh_extra_args: '-o User=b -p 99' });
    expect(c.overrides).to.include({ port: 22, user: 'a' });
    const o: SshOverrides = {};
    applySshArgs(o, '-A -a');
    expect(o.forwardAgent).to.equal(true);
  });

  it('runs localhost locally unless told otherwise; ansible_connection=local anywhere', () => {
    expect(connectionFromVars('localhost', {}).local).to.equal(true);
    expect(connectionFromVars('localhost', { ansible_connection: 'ssh' }).local).to.equal(false);
    expect(connectionFromVars('ctl', { ansible_connection: 'local' }).local).to.equal(true);
    expect(connectionFromVars('db1', {}).local).to.equal(false);
  });

  it('marks ProxyCommand as unsupported instead of ignoring it', () => {
    expect(connectionFromVars('x', { ansible_ssh_common_args: '-o ProxyCommand="nc %h %p"' }).unsupported).to.match(/ProxyCommand/);
  });

  it('reads passwords and timeouts', () => {
    expect(connectionFromVars('x', { ansible_password: 'p', ansible_timeout: 5 })).to.include({ password: 'p', timeoutSec: 5 });
  });

  it('builds Become from ansible_become_* with the asked user', () => {
    expect(becomeFromVars({})).to.deep.equal({ user: 'root', method: 'sudo' });
    expect(becomeFromVars({ ansible_become_user: 'pg' })).to.include({ user: 'pg' });
    expect(becomeFromVars({ ansible_become_password: 'pw', ansible_become_flags: '-H -S' }, 'postgres')).to.deep.equal({
      user: 'postgres',
      method: 'sudo',
      password: 'pw',
      flags: '-H -S',
    });
    expect(() => becomeFromVars({ ansible_become_method: 'su' })).to.throw(/not supported/);
  });
});
