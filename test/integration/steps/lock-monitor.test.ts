// The lock monitor and a migration on the lab, step-level (src/steps/migrate.ts): the sampling
// interval is honoured, the monitor's session never outlives the command, and a failing command
// still brings its lock report.
import { expect } from 'chai';
import type { Host } from '../../../src/transport/types.js';
import { psql, requireLab } from '../../lab/index.js';
import { StepError } from '../../../src/steps/errors.js';
import { runMigration, type MigrateParams, type MigrateResult } from '../../../src/steps/migrate.js';
import { closeAll, eventually, labSsh } from './support.js';

const DB = 'steps_lockmon';

describe('steps on the lab: a migration under the lock monitor', function () {
  this.timeout(60_000);
  let stage1: Host;
  const params = (command: string, sampleMs: number): MigrateParams => ({ command, becomeUser: 'postgres', database: DB, databaseUrl: 'postgresql:///{database}', dbHost: stage1, backupUser: 'postgres', sampleMs, maxLockSeconds: null });
  // The backend ends a moment after the client's Terminate: given up to 2 s.
  const monitorSessions = () => eventually(() => psql('stage1', `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stagesync lock monitor'`), (n) => n === '0', 2000);
  before(async function () {
    await requireLab(this);
    stage1 = labSsh('stage1');
    await psql('stage1', `DROP DATABASE IF EXISTS ${DB} WITH (FORCE); CREATE DATABASE ${DB};`);
    await psql('stage1', 'CREATE TABLE t (id int);', DB);
  });
  after(async () => {
    await closeAll();
    await psql('stage1', `DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`).catch(() => undefined);
  });

  for (const sampleMs of [50, 250]) {
    it(`samples every ${sampleMs} ms: a 1 s table lock is reported within one interval; no monitor session is left`, async () => {
      const r = await runMigration(stage1, params(`psql -X -v ON_ERROR_STOP=1 -c 'BEGIN; LOCK TABLE t; SELECT pg_sleep(1); COMMIT;'`, sampleMs), () => undefined);
      const held = r.locks.held.find((h) => h.relation === 't' && h.mode === 'ACCESS EXCLUSIVE');
      expect(held, JSON.stringify(r.locks)).to.not.equal(undefined);
      expect(held!.heldMs).to.be.within(1000 - sampleMs, 1000 + sampleMs + 100);
      expect(held!.table).to.equal(true);
      expect(await monitorSessions()).to.equal('0');
    });
  }

  it('a failing command: StepError with its output, and its lock report told first', async () => {
    let told: MigrateResult | undefined;
    let err: Error | undefined;
    await runMigration(stage1, params(`psql -X -v ON_ERROR_STOP=1 -c 'BEGIN; LOCK TABLE t; SELECT pg_sleep(0.5); SELECT 1/0;'`, 50), (r) => (told = r)).catch((e: Error) => (err = e));
    expect(err).to.be.instanceOf(StepError);
    expect(err!.message).to.contain('division by zero');
    expect(told!.locks.held.some((h) => h.relation === 't' && h.mode === 'ACCESS EXCLUSIVE' && h.heldMs >= 400)).to.equal(true, JSON.stringify(told!.locks));
    expect(await monitorSessions()).to.equal('0');
  });

  it('a row lock wait is a lock wait too (on the holder\'s transaction)', async () => {
    const command = [
      `psql -X -q -c "BEGIN; SELECT * FROM t WHERE id = 1 FOR UPDATE; SELECT pg_sleep(1); COMMIT;" > /dev/null &`,
      'sleep 0.3',
      `psql -X -v ON_ERROR_STOP=1 -c "UPDATE t SET id = 2 WHERE id = 1"`,
      'wait',
    ].join('\n');
    await psql('stage1', 'TRUNCATE t; INSERT INTO t VALUES (1);', DB);
    const r = await runMigration(stage1, params(command, 50), () => undefined);
    const wait = r.locks.waits.find((w) => w.statement === 'UPDATE t SET id = 2 WHERE id = 1');
    expect(wait, JSON.stringify(r.locks.waits)).to.not.equal(undefined);
    expect(wait!.relation).to.match(/^transactionid \d+$/);
    expect(wait!.mode).to.equal('SHARE');
    expect(wait!.waitedMs).to.be.within(500, 900);
  });

  it('the command sees the database in PGDATABASE, STAGESYNC_DATABASE and DATABASE_URL', async () => {
    const r = await runMigration(stage1, params('psql -X -At -c "SELECT current_database()"; echo "$STAGESYNC_DATABASE"; psql -X -At "$DATABASE_URL" -c "SELECT 42"', 100), () => undefined);
    expect(r.output.trim().split('\n')).to.deep.equal([DB, DB, '42']);
  });
});
