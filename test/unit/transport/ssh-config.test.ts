import { expect } from 'chai';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expandTokens, inlineIncludes, loadConfigText, parseJump, resolveSsh, type SshConfigEnv } from '../../../src/transport/ssh-config.js';

function home(files: Record<string, string>): SshConfigEnv {
  const h = mkdtempSync(join(tmpdir(), 'stagesync-home-'));
  mkdirSync(join(h, '.ssh', 'config.d'), { recursive: true });
  for (const [p, t] of Object.entries(files)) writeFileSync(join(h, '.ssh', p), t);
  return { home: h, localUser: 'alice', systemConfig: null };
}

describe('ssh config resolution', () => {
  it('applies HostName, Port, User, IdentityFile (first value wins, identities accumulate)', () => {
    const env = home({});
    const text = 'Host db1\n  HostName 10.0.0.5\n  Port 2222\n  User deploy\n  IdentityFile ~/.ssh/db1_key\nHost *\n  User nobody\n  IdentityFile ~/.ssh/all_key\n';
    const r = resolveSsh('db1', text, env);
    expect([r.hostname, r.port, r.user]).to.deep.equal(['10.0.0.5', 2222, 'deploy']);
    expect(r.identityFiles).to.deep.equal([join(env.home, '.ssh/db1_key'), join(env.home, '.ssh/all_key')]);
    expect(r.identityFilesExplicit).to.equal(true);
  });

  it('falls back to OpenSSH defaults: alias as host, port 22, local user, default identity files and known_hosts', () => {
    const env = home({});
    const r = resolveSsh('web1', '', env);
    expect([r.hostname, r.port, r.user]).to.deep.equal(['web1', 22, 'alice']);
    expect(r.identityFiles).to.include(join(env.home, '.ssh/id_ed25519')).and.include(join(env.home, '.ssh/id_rsa'));
    expect(r.identityFilesExplicit).to.equal(false);
    expect(r.userKnownHostsFiles[0]).to.equal(join(env.home, '.ssh/known_hosts'));
    expect(r.globalKnownHostsFiles[0]).to.equal('/etc/ssh/ssh_known_hosts');
    expect(r.forwardAgent).to.equal(false);
    expect(r.proxyJump).to.equal(undefined);
  });

  it('expands ~ and %h %p %r %u %d %n %% in IdentityFile and UserKnownHostsFile', () => {
    const env = home({});
    const text = 'Host web*\n  HostName %h.example.com\n  User ops\n  Port 2200\n  IdentityFile ~/.ssh/%r@%h:%p\n  IdentityFile %d/k-%u-%n-100%%\n  UserKnownHostsFile ~/.ssh/kh_%h /etc/kh2\n';
    const r = resolveSsh('web1', text, env);
    expect(r.hostname).to.equal('web1.example.com');
    expect(r.identityFiles).to.deep.equal([join(env.home, '.ssh/ops@web1.example.com:2200'), `${env.home}/k-alice-web1-100%`]);
    expect(r.userKnownHostsFiles).to.deep.equal([join(env.home, '.ssh/kh_web1.example.com'), '/etc/kh2']);
    expect(expandTokens('%x%%', { h: 'h', p: 1, r: 'r', u: 'u', d: 'd', n: 'n' })).to.equal('%x%');
  });

  it('follows Include (relative to ~/.ssh, globs sorted), inline at the Include line', () => {
    const env = home({
      config: 'Include config.d/*.conf\nHost *\n  User fallback\n',
      'config.d/10-db.conf': 'Host db1\n  HostName 10.1.1.1\n  ProxyJump bastion\n',
      'config.d/20-more.conf': 'Host db2\n  Include ~/.ssh/nested\n',
      nested: '  Port 2022\n',
      'config.d/ignored.txt': 'Host db1\n  HostName wrong\n',
    });
    const text = loadConfigText(env);
    expect(resolveSsh('db1', text, env)).to.include({ hostname: '10.1.1.1', proxyJump: 'bastion', user: 'fallback' });
    expect(resolveSsh('db2', text, env).port).to.equal(2022);
    expect(() => inlineIncludes('Include loop', join(env.home, '.ssh'), env.home)).to.not.throw(); // missing file: nothing
    writeFileSync(join(env.home, '.ssh', 'loop'), 'Include loop\n');
    expect(() => inlineIncludes('Include loop', join(env.home, '.ssh'), env.home)).to.throw(/nested too deeply/);
  });

  it('lets ansible_* overrides beat the config (as ssh -o), identity files first', () => {
    const env = home({});
    const text = 'Host db1\n  HostName 10.0.0.5\n  Port 2222\n  User deploy\n  IdentityFile ~/.ssh/cfg_key\n  ForwardAgent no\n  ProxyJump cfgjump\n';
    const r = resolveSsh('db1', text, env, { port: 22, user: 'ansible', identityFiles: ['/keys/ansible'], forwardAgent: true, proxyJump: 'bastion' });
    expect([r.hostname, r.port, r.user, r.forwardAgent, r.proxyJump]).to.deep.equal(['10.0.0.5', 22, 'ansible', true, 'bastion']);
    expect(r.identityFiles).to.deep.equal(['/keys/ansible', join(env.home, '.ssh/cfg_key')]);
  });

  it('reads StrictHostKeyChecking, ForwardAgent, ConnectTimeout, ProxyJump none, ProxyCommand', () => {
    const env = home({});
    const text = 'Host a\n  StrictHostKeyChecking accept-new\n  ForwardAgent yes\n  ConnectTimeout 3\n  ProxyJump none\nHost b\n  StrictHostKeyChecking no\n  ProxyCommand nc %h %p\n';
    expect(resolveSsh('a', text, env)).to.include({ strictHostKeyChecking: 'accept-new', forwardAgent: true, connectTimeoutSec: 3 });
    expect(resolveSsh('a', text, env).proxyJump).to.equal(undefined);
    expect(resolveSsh('b', text, env)).to.include({ strictHostKeyChecking: 'no', proxyCommand: 'nc %h %p' });
  });

  it('parses ProxyJump hops', () => {
    expect(parseJump('db1')).to.deep.equal({ host: 'db1' });
    expect(parseJump('ops@bastion:2200')).to.deep.equal({ host: 'bastion', user: 'ops', port: 2200 });
    expect(parseJump('ssh://u@[::1]:22')).to.deep.equal({ host: '::1', user: 'u', port: 22 });
  });
});
