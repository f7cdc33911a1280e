// The lock report on the lab (issue 13): a ~1 M-row table rewritten under ACCESS EXCLUSIVE (the
// table made with generate_series inside the new copy, not synced), its lock duration against
// the statement's own time, the limit failing it; a lock wait behind the test's own 2 s lock.
import { expect } from 'chai';
import { psql, requireLab, sshExec } from '../../lab/index.js';
import { checksums, eventually } from '../steps/support.js';
import { allOutput, dbNames, Ops } from './support.js';
import { DEST, migration, pairVars, readReport, rehearsalSource, rehearse, resetStage } from './rehearsal-support.js';

/** The migration says it is ready, waits for the test's lock, then runs an ALTER TABLE that must wait for it. */
const READY = '/tmp/rh-waiting-for-lock';
const LOCKED = '/tmp/rh-locked';
const BLOCKED = [
  '  - command: |',
  `      touch ${READY}`,
  `      while [ ! -f ${LOCKED} ]; do sleep 0.05; done`,
  '      psql -X -v ON_ERROR_STOP=1 -c "ALTER TABLE users ADD COLUMN note text"',
  '    become_user: postgres',
];
/**
 * The test's own session on the new copy: ACCESS SHARE on users for 2 s. The flag file is written
 * by the server (COPY TO PROGRAM) once the lock is held, so the ALTER TABLE surely comes after.
 */
async function holdLockFor2s(): Promise<void> {
  const ready = await eventually(async () => (await sshExec('stage2', `test -f ${READY}`)).code === 0, (ok) => ok, 120_000);
  if (!ready) throw new Error('the migration never got ready');
  await psql('stage2', `BEGIN; LOCK TABLE users IN ACCESS SHARE MODE; COPY (SELECT 1) TO PROGRAM 'touch ${LOCKED}'; SELECT pg_sleep(2); COMMIT;`, `${DEST}_stagesync_new`);
}
/** Made in one transaction: a table nobody else can see yet, so its locks count for no limit. */
const BIG = migration(['BEGIN;', 'CREATE TABLE big AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, 1000000) g;', 'ALTER TABLE big ADD PRIMARY KEY (id);', 'CREATE INDEX ON big (v);', 'COMMIT;'].join('\n'));
const REWRITE = '  - {command: "psql -X -v ON_ERROR_STOP=1 -c \'\\\\timing on\' -c \'ALTER TABLE big ALTER COLUMN id TYPE bigint\'", become_user: postgres}';

describe('orchestrate rehearse: the lock report', function () {
  this.timeout(300_000);
  let ops: Ops;
  before(async function () {
    await requireLab(this);
    ops = new Ops();
    await rehearsalSource();
    await resetStage();
  });
  after(() => ops?.remove());

  it('reports a lock wait, the rewrite\'s ACCESS EXCLUSIVE within 20 % (or 0.3 s) of its own time, and the limit fails it', async () => {
    const vars = pairVars(ops, ['stagesync_rehearsal_max_lock_seconds: 0.3', 'stagesync_post_restore_commands:', ...BLOCKED, BIG, REWRITE]);
    const before = await checksums('stage2', DEST);
    await sshExec('stage2', `rm -f ${READY} ${LOCKED}`);
    const [r] = await Promise.all([rehearse(ops, vars), holdLockFor2s()]);
    expect(r.code, allOutput(r)).to.equal(2);
    const [blocked, big, rewrite] = readReport(ops).destinations.stage2!.migrations!;

    // The wait: the ALTER TABLE waited for the test's 2 s lock (less the moment it took to start).
    const wait = blocked!.lockWaits.find((w) => w.relation === 'users' && w.mode === 'ACCESS EXCLUSIVE');
    expect(wait, JSON.stringify(blocked)).to.not.equal(undefined);
    expect(wait!.statement).to.equal('ALTER TABLE users ADD COLUMN note text');
    expect(wait!.waitedMs).to.be.within(1500, 2300);
    expect(wait!.blockedBy).to.have.length(1);
    console.log(`      lock wait behind the test's 2 s lock: ${wait!.waitedMs} ms`);
    const share = blocked!.locks.find((l) => l.relation === 'users' && l.mode === 'ACCESS SHARE');
    expect(share!.heldMs, JSON.stringify(share)).to.be.within(1700, 2300);
    expect(r.stdout).to.match(/stage2: ALTER TABLE users ADD COLUMN note text waited \d\.\d s for ACCESS EXCLUSIVE on users \(blocked by pid \d+\)/);
    // The table made inside its own transaction counts for no limit.
    expect(big!.locks.filter((l) => l.table && l.mode === 'ACCESS EXCLUSIVE')).to.deep.equal([]);

    // The rewrite: psql's own \timing is the statement's time.
    const took = Number(/Time: ([\d.]+) ms/.exec(rewrite!.output)?.[1]);
    expect(took, rewrite!.output).to.be.greaterThan(500);
    const held = rewrite!.locks.find((l) => l.relation === 'big' && l.mode === 'ACCESS EXCLUSIVE' && l.table);
    expect(held!.statement).to.equal('ALTER TABLE big ALTER COLUMN id TYPE bigint');
    expect(Math.abs(held!.heldMs - took), `held ${held!.heldMs} ms, statement ${took} ms`).to.be.at.most(Math.max(0.2 * took, 300));
    console.log(`      rewrite of 1 M rows: statement ${took.toFixed(0)} ms, ACCESS EXCLUSIVE reported ${held!.heldMs} ms`);
    // Past the limit: the destination fails naming the statement; staging untouched, nothing left.
    expect(r.stdout).to.match(/fatal: \[stage2\] migrate: FAILED! ALTER TABLE big ALTER COLUMN id TYPE bigint held ACCESS EXCLUSIVE on big for \d+\.\d s: longer than stagesync_rehearsal_max_lock_seconds \(0\.3 s\)/);
    expect(await checksums('stage2', DEST)).to.deep.equal(before);
    expect(await dbNames('stage2', `${DEST}_stagesync%`)).to.deep.equal([]);
  });
});
