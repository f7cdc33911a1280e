// stagesync_max_retry_count: a dropped connection is retried, and the retry resumes after the
// last completed step — no second dump, no second move when the dump on the destination still
// matches its sha256 (issue 6 acceptance).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireLab, sshExec } from '../../lab/index.js';
import { checksums } from '../steps/support.js';
import { allOutput, dropConnectionOnce, Ops, staleDest } from './support.js';

const DB = 'e2e_retry';
const MARK = '/tmp/stagesync-e2e-retry-once';
// A dropped connection, the first time only.
const DROP_ONCE = dropConnectionOnce(MARK);

describe('orchestrate: retries resume after the last completed step', function () {
  this.timeout(400_000);
  let ops: Ops;
  before(async function () {
    await requireLab(this);
    ops = new Ops();
    await staleDest('stage2', DB);
  });
  after(() => ops?.remove());

  it('a connection dropped before the restore: the retry reuses the dump already on the destination', async () => {
    ops.write(
      'vars/retry.yml',
      [
        'stagesync_dest_hosts: stage2',
        `stagesync_destdb: ${DB}`,
        'stagesync_source_backups_dir: /opt/backups/e2e-retry',
        'stagesync_max_retry_count: 2',
        'stagesync_retry_delay: 0.5',
        'stagesync_pre_restore_commands:',
        `  - ${JSON.stringify(DROP_ONCE)}`,
        '',
      ].join('\n'),
    );
    // The mark lives in stage2's private /tmp: clear it from an earlier run of this test.
    const report = join(ops.dir, 'r.json');
    await sshExec('stage2', `rm -f ${MARK}`);

    const r = await ops.run(['-e', 'vars/retry.yml', '-t', 'db', '--report', report]);
    const out = allOutput(r);
    expect(r.code, out).to.equal(0);
    expect(out).to.match(/attempt 1 failed .*retrying in/);
    expect(out).to.contain('attempt 2 of 3');
    expect(out.match(/changed: \[db1\] backup/g), 'one dump only').to.have.length(1);
    expect(out).to.match(/ok: \[db1\] backup => resumed/);
    expect(out).to.match(/stage2: resumed: .* is still there with sha256/);
    expect(out.match(/changed: \[db1\] move/g), 'one move only').to.have.length(1);
    expect(await checksums('stage2', DB)).to.deep.equal(await checksums('db1', 'production'));
    const json = JSON.parse(readFileSync(report, 'utf8')) as { attempts: number; exitCode: number; recap: Record<string, { failed: number; unreachable: number }> };
    expect(json.attempts).to.equal(2);
    expect(json.exitCode).to.equal(0);
    expect(json.recap.stage2!.unreachable + json.recap.stage2!.failed).to.equal(0);
  });

  it('without retries the same drop fails the run (exit 4: the host became unreachable)', async () => {
    await sshExec('stage2', `rm -f ${MARK}`);
    const text = readFileSync(join(ops.dir, 'vars/retry.yml'), 'utf8').replace('stagesync_max_retry_count: 2', 'stagesync_max_retry_count: 0');
    ops.write('vars/noretry.yml', text);
    const before = await checksums('stage2', DB);
    const r = await ops.run(['-e', 'vars/noretry.yml', '-t', 'db']);
    expect(r.code, allOutput(r)).to.equal(4);
    expect(await checksums('stage2', DB)).to.deep.equal(before);
  });
});
