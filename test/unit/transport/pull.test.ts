// The OpenSSH pull a destination runs to read from the source (stagesync_transfer: direct), and
// the `from | cmd` line that feeds a command under become.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildCommand, feedFailure } from '../../../src/transport/command.js';
import { pullCommand, remoteLine } from '../../../src/transport/pull.js';
import type { PeerAccess } from '../../../src/transport/types.js';

const peer: PeerAccess = { user: 'deploy', hostname: 'db1.internal', port: 2222, hostKey: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample' };
const argvOf = (c: ReturnType<typeof pullCommand>) => ('argv' in c ? c.argv : []);

describe('transport: pull over OpenSSH', () => {
  it('checks the source against the key the controller accepted, strictly, at the destination\'s address', () => {
    const argv = argvOf(pullCommand(peer, { address: '10.0.0.5', remote: ['cat', '--', '/tmp/x y/d0'] }));
    expect(argv[4]).to.equal('[10.0.0.5]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample');
    const ssh = argv.slice(5);
    expect(ssh).to.include.members(['StrictHostKeyChecking=yes', 'BatchMode=yes', 'ForwardAgent=no']);
    expect(ssh.join(' ')).not.to.match(/StrictHostKeyChecking=(no|accept-new)/);
    expect(ssh.slice(-6)).to.deep.equal(['2222', '-l', 'deploy', '--', '10.0.0.5', `cat -- '/tmp/x y/d0'`]);
  });

  it('port 22 is written without brackets, as ssh does', () => {
    expect(argvOf(pullCommand({ ...peer, port: 22 }, { address: 'db1', remote: ['true'] }))[4]).to.match(/^db1 ssh-ed25519 /);
  });

  it('names a key file with IdentitiesOnly; without one, the agent', () => {
    const withKey = argvOf(pullCommand(peer, { address: 'db1', identityFile: '/etc/stagesync/key', remote: ['true'] }));
    expect(withKey).to.include.members(['-i', '/etc/stagesync/key', 'IdentitiesOnly=yes']);
    expect(argvOf(pullCommand(peer, { address: 'db1', remote: ['true'] }))).not.to.include('-i');
  });

  it('runs the remote command as another user with sudo -n, or directly when the login user is that user', () => {
    expect(remoteLine(peer, ['cat', 'f'], 'postgres')).to.equal(`sudo -n -H -u postgres -- /bin/sh -c 'cd / && exec "$@"' sh cat f`);
    expect(remoteLine({ ...peer, user: 'postgres' }, ['cat', 'f'], 'postgres')).to.equal('cat f');
  });

  it('the pull script writes the known_hosts line to a temporary file only ssh reads, and removes it', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagesync-pull-'));
    // A stand-in `ssh` on PATH that shows what it was given.
    writeFileSync(join(dir, 'ssh'), '#!/bin/sh\nfor a; do case "$a" in UserKnownHostsFile=*) f=${a#UserKnownHostsFile=}; cat "$f" > "$OUT.kh";; esac; done\necho "$@" > "$OUT"\n');
    chmodSync(join(dir, 'ssh'), 0o755);
    const argv = argvOf(pullCommand(peer, { address: 'db1', remote: ['true'] }));
    execFileSync(argv[0]!, argv.slice(1), { env: { PATH: `${dir}:/usr/bin:/bin`, OUT: join(dir, 'out'), TMPDIR: dir } });
    expect(readFileSync(join(dir, 'out.kh'), 'utf8')).to.equal('[db1]:2222 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIExample\n');
    expect(readFileSync(join(dir, 'out'), 'utf8')).to.contain('GlobalKnownHostsFile=/dev/null');
    expect(execFileSync('sh', ['-c', `ls "${dir}" | grep -c '^tmp\\.' || true`]).toString().trim()).to.equal('0');
  });

  it('feeds a command under become from one run as the login user', () => {
    const b = buildCommand({ argv: ['sh', '-c', 'cat > f'] }, { become: { user: 'postgres' }, stdinFrom: { argv: ['ssh', 'db1', 'cat d0'] } });
    expect(b.line).to.match(/^\{ ssh db1 'cat d0' <\/dev\/null \|\| echo "stagesync-feed-failed:\$\?" >&2; \} \| sudo -H -S -n -u postgres /);
    expect(b.become?.marker).to.match(/^BECOME-SUCCESS-/);
    expect([b.fed, buildCommand({ argv: ['true'] }).fed]).to.deep.equal([true, undefined]);
    expect(() => buildCommand({ argv: ['true'] }, { become: { user: 'postgres', password: 'x' }, stdinFrom: { argv: ['true'] } })).to.throw(/sudo password/);
  });

  it('tells a failed feeder from its stderr line, which it removes', () => {
    expect(feedFailure('ssh: connect refused\nstagesync-feed-failed:255\npg_restore: error\n')).to.deep.equal({ feedExit: 255, stderr: 'ssh: connect refused\npg_restore: error\n' });
    expect(feedFailure('all fine\n')).to.deep.equal({ stderr: 'all fine\n' });
  });

  it('a fed line run by sh reports the feeder\'s failure and still runs the command', () => {
    const b = buildCommand({ argv: ['wc', '-c'] }, { stdinFrom: { script: 'printf abc; exit 7' } });
    const r = execFileSync('sh', ['-c', `{ ${b.line}; } 2>&1`]).toString();
    expect(r).to.match(/stagesync-feed-failed:7/);
    expect(r).to.match(/^\s*3$/m);
  });

  it('with feedReadsStdin the feeder reads the line\'s stdin, the command reads the feeder', () => {
    const b = buildCommand({ argv: ['tr', 'a-z', 'A-Z'] }, { stdinFrom: { argv: ['sed', 's/^/fed: /'] }, feedReadsStdin: true });
    expect(b.line).not.to.contain('/dev/null');
    expect(execFileSync('sh', ['-c', b.line], { input: 'select 1\n' }).toString()).to.equal('FED: SELECT 1\n');
  });
});
