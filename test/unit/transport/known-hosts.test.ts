import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  hostFieldMatches,
  keyTypeOf,
  knownHostName,
  knownKeyTypes,
  loadKnownHosts,
  parseKnownHosts,
  verifyHostKey,
} from '../../../src/transport/known-hosts.js';

// Real keys from ssh-keygen, and ssh-keygen -H as the independent oracle for hashed entries.
const dir = mkdtempSync(join(tmpdir(), 'stagesync-kh-'));
function newKey(name: string, type = 'ed25519'): { line: string; blob: Buffer } {
  execFileSync('ssh-keygen', ['-q', '-t', type, '-N', '', '-f', join(dir, name)]);
  const line = readFileSync(join(dir, name + '.pub'), 'utf8').trim().split(/\s+/).slice(0, 2).join(' ');
  return { line, blob: Buffer.from(line.split(' ')[1]!, 'base64') };
}
const a = newKey('a');
const b = newKey('b');
const r = newKey('r', 'rsa');

describe('known_hosts', () => {
  it('names non-22 ports as [host]:port', () => {
    expect(knownHostName('db1.example.com', 22)).to.equal('db1.example.com');
    expect(knownHostName('127.0.1.2', 2222)).to.equal('[127.0.1.2]:2222');
  });

  it('reads the key type from the key blob', () => {
    expect(keyTypeOf(a.blob)).to.equal('ssh-ed25519');
    expect(keyTypeOf(r.blob)).to.equal('ssh-rsa');
  });

  it('parses plain, comma-list, marker and comment lines', () => {
    const e = parseKnownHosts(
      ['# comment', '', `db1,10.0.0.1 ${a.line} root@x`, `@revoked * ${b.line}`, `@cert-authority *.x ${r.line}`, 'garbage'].join('\n'),
      'kh',
    );
    expect(e.map((x) => [x.hosts, x.marker, x.line])).to.deep.equal([
      ['db1,10.0.0.1', undefined, 3],
      ['*', 'revoked', 4],
      ['*.x', 'cert-authority', 5],
    ]);
    expect(e[0]!.key.equals(a.blob)).to.equal(true);
  });

  it('matches patterns: comma lists, wildcards, negation, [host]:port literally', () => {
    expect(hostFieldMatches('db1,10.0.0.1', '10.0.0.1')).to.equal(true);
    expect(hostFieldMatches('db1,10.0.0.1', '10.0.0.2')).to.equal(false);
    expect(hostFieldMatches('*.example.com,!bad.example.com', 'db.example.com')).to.equal(true);
    expect(hostFieldMatches('*.example.com,!bad.example.com', 'bad.example.com')).to.equal(false);
    expect(hostFieldMatches('[127.0.1.2]:2222', '[127.0.1.2]:2222')).to.equal(true);
    expect(hostFieldMatches('127.0.1.2', '[127.0.1.2]:2222')).to.equal(false);
    expect(hostFieldMatches('DB?', 'db1')).to.equal(true);
  });

  it('matches entries hashed by ssh-keygen -H, for plain and [host]:port names', () => {
    const f = join(dir, 'hashed');
    writeFileSync(f, `[127.0.1.2]:2222 ${a.line}\ndb1.example.com ${b.line}\n`);
    execFileSync('ssh-keygen', ['-q', '-H', '-f', f], { stdio: 'ignore' });
    const e = parseKnownHosts(readFileSync(f, 'utf8'), f);
    expect(e.every((x) => x.hosts.startsWith('|1|'))).to.equal(true);
    expect(hostFieldMatches(e[0]!.hosts, '[127.0.1.2]:2222')).to.equal(true);
    expect(hostFieldMatches(e[0]!.hosts, '127.0.1.2')).to.equal(false);
    expect(hostFieldMatches(e[1]!.hosts, 'db1.example.com')).to.equal(true);
    expect(verifyHostKey({ entries: e, host: '127.0.1.2', port: 2222, key: a.blob, files: [f] })).to.deep.equal({ ok: true });
    expect(verifyHostKey({ entries: e, host: '127.0.1.2', port: 2222, key: b.blob, files: [f] }).ok).to.equal(false);
  });

  describe('verification (StrictHostKeyChecking)', () => {
    const entries = parseKnownHosts(`[127.0.1.2]:2222 ${a.line}\nrsaonly ${r.line}\n@revoked revokedhost ${b.line}\nrevokedhost ${b.line}\n`, '/root/.ssh/known_hosts');
    const v = (host: string, port: number, key: Buffer, strict?: 'yes' | 'accept-new' | 'no') =>
      verifyHostKey({ entries, host, port, key, files: ['/root/.ssh/known_hosts'], strict });

    it('accepts the recorded key', () => {
      expect(v('127.0.1.2', 2222, a.blob).ok).to.equal(true);
    });
    it('rejects an unknown host with an OpenSSH-like message', () => {
      expect(v('127.0.1.3', 2222, a.blob)).to.deep.equal({
        ok: false,
        reason: 'Host key verification failed: no key for [127.0.1.3]:2222 in /root/.ssh/known_hosts',
      });
    });
    it('rejects the same host on port 22 (port is part of the name)', () => {
      expect(v('127.0.1.2', 22, a.blob).ok).to.equal(false);
    });
    it('rejects a changed key of the same type', () => {
      const res = v('127.0.1.2', 2222, b.blob);
      expect(res.ok).to.equal(false);
      expect(!res.ok && res.reason).to.match(/REMOTE HOST IDENTIFICATION HAS CHANGED.*known_hosts:1/);
    });
    it('rejects a key of a type not recorded, naming the known types', () => {
      const res = v('rsaonly', 22, a.blob);
      expect(!res.ok && res.reason).to.match(/no ssh-ed25519 key for rsaonly .*known keys of other types: ssh-rsa/);
    });
    it('rejects a revoked key even when also listed, and even with checking off', () => {
      expect(v('revokedhost', 22, b.blob).ok).to.equal(false);
      expect(v('revokedhost', 22, b.blob, 'no').ok).to.equal(false);
    });
    it('accept-new takes unknown hosts but not changed keys; no takes anything else', () => {
      expect(v('newhost', 22, a.blob, 'accept-new').ok).to.equal(true);
      expect(v('127.0.1.2', 2222, b.blob, 'accept-new').ok).to.equal(false);
      expect(v('127.0.1.2', 2222, b.blob, 'no').ok).to.equal(true);
    });
    it('lists the known key types of a host (for host key algorithm order)', () => {
      expect(knownKeyTypes(entries, 'rsaonly', 22)).to.deep.equal(['ssh-rsa']);
      expect(knownKeyTypes(entries, 'nothing', 22)).to.deep.equal([]);
    });
  });

  it('loads only existing files and reports which were read', async () => {
    const f = join(dir, 'kh-load');
    writeFileSync(f, `h ${a.line}\n`);
    const res = await loadKnownHosts([join(dir, 'missing'), f]);
    expect(res.read).to.deep.equal([f]);
    expect(res.entries).to.have.length(1);
  });
});
