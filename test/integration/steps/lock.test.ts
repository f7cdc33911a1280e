// The destination lock: two runs never write the same destination at once.
import { expect } from 'chai';
import type { Host } from '../../../src/transport/types.js';
import { requireLab } from '../../lab/index.js';
import { cleanupDest } from '../../../src/steps/cleanup.js';
import { LockTimeoutError } from '../../../src/steps/errors.js';
import { acquireLock } from '../../../src/steps/lock.js';
import { move } from '../../../src/steps/move.js';
import { restoreDestination } from './destination.js';
import {
  DEST_DB, ROLE, SRC_DB, TMP_DIR, USER,
  checksums, closeAll, databases, destPathOf, ensureDump, ensureSource, labSsh, resetDest,
} from './support.js';

describe('steps on the lab: destination lock', function () {
  this.timeout(180_000);
  let db1: Host;
  let stage2: Host;
  const lockParams = { database: DEST_DB, backupUser: USER, pollMs: 200 };

  before(async function () {
    await requireLab(this);
    db1 = labSsh('db1');
    stage2 = labSsh('stage2');
    await Promise.all([ensureSource(), resetDest('stage2')]);
  });
  after(closeAll);

  it('a second taker waits with a message, then fails clearly at its timeout', async () => {
    const held = await acquireLock(stage2, lockParams);
    const messages: string[] = [];
    let err: Error | undefined;
    const t0 = Date.now();
    await acquireLock(labSsh('stage2'), { ...lockParams, timeoutMs: 1500, onWait: (m) => messages.push(m) }).catch((e: Error) => (err = e));
    expect(Date.now() - t0).to.be.within(1400, 10_000);
    expect(err).to.be.instanceOf(LockTimeoutError);
    expect(err!.message).to.match(/another stagesync run holds the lock on steps_stage \(pid \d+, .*\); gave up after \d+ s/);
    expect(messages[0]).to.match(/waiting for the stagesync lock on steps_stage, held by another run/);
    held.assertHeld();
    await held.release();
    const again = await acquireLock(labSsh('stage2'), { ...lockParams, timeoutMs: 5000 });
    await again.release();
  });

  it('a cut connection releases the lock, and the holder learns it lost it', async () => {
    const h = labSsh('stage2');
    const held = await acquireLock(h, lockParams);
    await h.close();
    const next = await acquireLock(labSsh('stage2'), { ...lockParams, timeoutMs: 10_000 });
    expect(() => held.assertHeld()).to.throw(/ended; another run may write it/);
    await next.release();
  });

  it('two concurrent restores to the same destination take turns and end consistent', async () => {
    const dump = await ensureDump(db1);
    await cleanupDest(stage2, { database: DEST_DB, backupUser: USER, tmpDir: TMP_DIR, dumpPath: dump });
    const m = await move({ dumpPath: dump, source: { host: db1, backupUser: USER }, dests: [{ host: stage2, backupUser: USER, tmpDir: TMP_DIR }] });
    expect(m.dests[0]!.ok).to.equal(true);
    const source = await checksums('db1', SRC_DB);
    const order: string[] = [];
    const run = async (name: string) => {
      const host = labSsh('stage2');
      const lock = await acquireLock(host, { ...lockParams, onWait: () => order.push(`${name} waits`) });
      order.push(`${name} starts`);
      try {
        return await restoreDestination(host, {
          database: DEST_DB, role: ROLE, backupUser: USER, mode: 'swap', jobs: 2, excludeTables: [], fkConstraints: true, postRestoreSql: [],
          dumpPath: destPathOf(dump), beforeSwap: () => lock.assertHeld(),
        });
      } finally {
        order.push(`${name} ends`);
        await lock.release();
      }
    };
    const [a, b] = await Promise.all([run('A'), run('B')]);
    expect(a.swapped && b.swapped).to.equal(true);
    // One ran entirely before the other.
    const first = order[0]!.split(' ')[0]!;
    const second = first === 'A' ? 'B' : 'A';
    expect(order.filter((o) => !o.endsWith('waits'))).to.deep.equal([`${first} starts`, `${first} ends`, `${second} starts`, `${second} ends`]);
    expect(order).to.include(`${second} waits`);
    expect(await checksums('stage2', DEST_DB)).to.deep.equal(source);
    expect(await checksums('stage2', `${DEST_DB}_stagesync_prev`)).to.deep.equal(source);
    expect(await databases('stage2', `${DEST_DB}_stagesync_new`)).to.deep.equal([]);
    await cleanupDest(stage2, { database: DEST_DB, backupUser: USER, tmpDir: TMP_DIR, dumpPath: dump });
  });
});
