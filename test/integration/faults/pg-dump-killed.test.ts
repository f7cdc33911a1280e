// pg_dump killed on the source while it dumps: exit 2 naming the backup script's failure, the
// destination untouched (no clean end of a cut dump ever reaches it), the next run clean.
import { expect } from 'chai';
import { describeFault, expectReported, until } from './support.js';
import { psql, killProcesses } from '../../lab/index.js';

const DB = 'flt_pgdump';

describeFault('pg_dump killed on the source', DB, (pair) => {
  it('exits 2 naming the backup; the old copy whole; the next run clean', async () => {
    const before = await pair().reset();
    const run = pair().start();
    await until('pg_dump reading production on db1', async () => (await psql('db1', `SELECT count(*) FROM pg_stat_activity WHERE datname = 'production' AND application_name = 'pg_dump'`)) !== '0');
    expect(await killProcesses('db1', 'pg_dump')).to.be.greaterThan(0);
    const r = await run.result;
    expectReported(r, pair(), 2, /fatal: \[db1\] backup: FAILED! .*postgresbackup\.sh --stdout production exited with/);
    await pair().expectOldCopy(before);
    await pair().expectCleanRun();
  });
});
