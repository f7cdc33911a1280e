import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalHost } from '../../../src/transport/local.js';
import { BecomeError, CommandTimeoutError } from '../../../src/transport/types.js';

const alive = (pattern: string): boolean => {
  try {
    execFileSync('pgrep', ['-f', pattern]);
    return true;
  } catch {
    return false;
  }
};

describe('LocalHost', () => {
  const h = new LocalHost('localhost');

  it('returns exit codes without throwing, with stdout and stderr apart', async () => {
    const r = await h.exec({ script: 'echo out; echo err >&2; exit 3' });
    expect(r).to.deep.equal({ code: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('feeds stdin, passes env, streams chunks to callbacks', async () => {
    const seen: string[] = [];
    const r = await h.exec({ script: 'cat; printf %s "$X"' }, { stdin: 'in\n', env: { X: 'a b' }, onStdout: (c) => seen.push(c.toString()) });
    expect(r.stdout).to.equal('in\na b');
    expect(seen.join('')).to.equal('in\na b');
  });

  it('kills the whole process tree on timeout', async function () {
    this.timeout(10000);
    const tag = `stagesync-timeout-${process.pid}`;
    const t0 = Date.now();
    // The tagged inner sh is a grandchild: only a process-group kill reaches it.
    const err = await h.exec({ script: `sh -c 'sleep 30; echo' ${tag}; echo after` }, { timeoutMs: 300 }).catch((e) => e);
    expect(err).to.be.instanceOf(CommandTimeoutError);
    expect(Date.now() - t0).to.be.below(3000);
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(tag)).to.equal(false);
  });

  it('kills on abort with an AbortError', async () => {
    const ac = new AbortController();
    const p = h.exec({ argv: ['sleep', '30'] }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 100);
    const err = await p.catch((e) => e);
    expect(err.name).to.equal('AbortError');
  });

  it('spawn streams stdin to stdout', async () => {
    const p = h.spawn({ argv: ['sha256sum'] });
    const out: Buffer[] = [];
    p.stdout.on('data', (c: Buffer) => out.push(c));
    p.stdin.end('abc');
    const r = await p.done;
    expect(r.code).to.equal(0);
    expect(Buffer.concat(out).toString()).to.match(/^ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad/);
  });

  it('putFile writes atomically with the mode, leaving no temp file', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagesync-put-'));
    const target = join(dir, 'script.sh');
    await h.putFile(target, '#!/bin/sh\necho hi\n', { mode: 0o750 });
    expect(readFileSync(target, 'utf8')).to.equal('#!/bin/sh\necho hi\n');
    expect(statSync(target).mode & 0o777).to.equal(0o750);
    await h.putFile(target, Buffer.from('v2'));
    expect(readFileSync(target, 'utf8')).to.equal('v2');
    expect(readdirSync(dir)).to.deep.equal(['script.sh']);
    const err = await h.putFile(join(dir, 'missing-dir', 'x'), 'x').catch((e) => e);
    expect(err.message).to.match(/could not write/);
  });

  describe('become', () => {
    // A stand-in for sudo that behaves like `sudo -S -p PROMPT`: prompt on stderr, password from stdin.
    const bin = mkdtempSync(join(tmpdir(), 'stagesync-fakesudo-'));
    const fake = join(bin, 'sudo');
    writeFileSync(
      fake,
      [
        '#!/bin/sh',
        'prompt=Password:; nonint=',
        'while [ $# -gt 0 ]; do case "$1" in -p) prompt=$2; shift 2;; -u) shift 2;; -n) nonint=1; shift;; -*) shift;; *) break;; esac; done',
        'if [ -n "$nonint" ]; then echo "sudo: a password is required" >&2; exit 1; fi',
        'tries=0',
        'while :; do printf %s "$prompt" >&2; IFS= read -r pw || exit 1; [ "$pw" = right ] && break',
        '  tries=$((tries+1)); echo "Sorry, try again." >&2; [ $tries -ge 3 ] && { echo "sudo: 3 incorrect password attempts" >&2; exit 1; }; done',
        'exec "$@"',
      ].join('\n'),
    );
    chmodSync(fake, 0o755);
    let oldPath: string | undefined;
    before(() => {
      oldPath = process.env.PATH;
      process.env.PATH = `${bin}:${oldPath}`;
    });
    after(() => {
      process.env.PATH = oldPath;
    });

    it('sends the password at the prompt, then the caller\'s stdin to the command', async () => {
      const r = await h.exec({ argv: ['cat'] }, { stdin: 'payload', become: { user: 'postgres', password: 'right' } });
      expect(r).to.deep.equal({ code: 0, stdout: 'payload', stderr: '' });
    });

    it('fails clearly on a wrong password, and on a missing one', async () => {
      const wrong = await h.exec({ argv: ['true'] }, { become: { user: 'postgres', password: 'nope' } }).catch((e) => e);
      expect(wrong).to.be.instanceOf(BecomeError);
      expect(wrong.message).to.equal('become failed: incorrect sudo password');
      const none = await h.exec({ argv: ['true'] }, { become: { user: 'postgres' } }).catch((e) => e);
      expect(none).to.be.instanceOf(BecomeError);
      expect(none.message).to.equal('become failed: sudo: a password is required');
    });
  });

  it('becomes another user through the real sudo', async function () {
    if (!existsSync('/usr/bin/sudo') || process.getuid?.() !== 0) this.skip();
    const r = await h.exec({ argv: ['id', '-un'] }, { become: { user: 'nobody' } });
    expect(r.stdout).to.equal('nobody\n');
  });
});
