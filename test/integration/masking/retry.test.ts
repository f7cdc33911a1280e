// Issue 12: a masked sync retried (stagesync_max_retry_count) resumes from its dump: the snapshot
// the dump was made in is held across the attempts, so the retry's masked rows match it.
import { expect } from 'chai';
import { psql, requireLab, sshExec } from '../../lab/index.js';
import { allOutput, dropConnectionOnce, Ops, staleDest } from '../run/support.js';
import { pairVars, rowCounts, SALT } from './support.js';

const DB = 'stage';
const MARK = '/tmp/stagesync-masking-retry-once';
// Drops the connection the hook runs on, the first time only.
const DROP_ONCE = dropConnectionOnce(MARK);

describe('masking: a retry resumes from the dump, in the same snapshot (lab)', function () {
  this.timeout(400_000);
  let ops: Ops;
  before(async function () {
    await requireLab(this);
    ops = new Ops();
    await staleDest('stage2', DB);
    await sshExec('stage2', `rm -f ${MARK}`);
  });
  after(() => ops?.remove());

  it('a connection dropped before the swap: one dump, the masked rows loaded again, exit 0', async () => {
    const extra = ['stagesync_source_backups_dir: /opt/backups/masking-retry', 'stagesync_max_retry_count: 2', 'stagesync_retry_delay: 0.5', 'stagesync_pre_restore_commands:', `  - ${JSON.stringify(DROP_ONCE)}`].join('\n');
    ops.write('vars/retry.yml', pairVars('stage2', { salt: SALT, extra }));
    const r = await ops.run(['-e', 'vars/retry.yml', '-t', 'db']);
    const out = allOutput(r);
    expect(r.code, out).to.equal(0);
    expect(out).to.contain('attempt 2 of 3');
    expect(out.match(/changed: \[db1\] backup/g), 'one dump only').to.have.length(1);
    expect(out).to.match(/ok: \[db1\] backup => resumed/);
    expect(out.match(/changed: \[stage2\] mask => 48000 masked rows/g)).to.have.length(2);
    expect(await psql('stage2', `SELECT count(*) FROM customers WHERE email NOT LIKE '%@example.invalid'`, DB)).to.equal('0');
    expect(await rowCounts('stage2', DB)).to.deep.equal(await rowCounts('db1', 'production'));
  });
});
