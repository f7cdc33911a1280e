// The shell snippet that sums a dump on a host: OpenSSL's digest where there is one, else
// coreutils' sha256sum; either way the hex digest comes first.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SHA256_OF_STDIN } from '../../../src/steps/digest.js';

describe('sha256 of a dump on a host', () => {
  const data = randomBytes(3 * 2 ** 20);
  const want = createHash('sha256').update(data).digest('hex');
  const sum = (env: NodeJS.ProcessEnv) => execFileSync('/bin/sh', ['-c', SHA256_OF_STDIN], { input: data, env, encoding: 'utf8' }).split(' ')[0];

  it('with openssl on PATH', () => {
    expect(execFileSync('/bin/sh', ['-c', 'command -v openssl'], { encoding: 'utf8' })).to.match(/openssl/);
    expect(sum(process.env)).to.equal(want);
  });

  it('without it: sha256sum', () => {
    const bin = mkdtempSync(join(tmpdir(), 'stagesync-digest-'));
    try {
      const sha256sum = execFileSync('/bin/sh', ['-c', 'command -v sha256sum'], { encoding: 'utf8' }).trim();
      symlinkSync(sha256sum, join(bin, 'sha256sum'));
      expect(sum({ PATH: bin })).to.equal(want);
    } finally {
      rmSync(bin, { recursive: true, force: true });
    }
  });
});
