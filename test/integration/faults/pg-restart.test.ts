// The destination's PostgreSQL restarted while pg_restore writes the new copy: exit 2 naming the
// restore, the live database untouched (it was never written before the swap), the next run clean.
import { describeFault, DEST, expectReported, restoring, until } from './support.js';
import { restartPostgres } from '../../lab/index.js';

const DB = 'flt_pgrestart';

describeFault('the destination PostgreSQL restarted mid-restore', DB, (pair) => {
  it('exits 2 naming the restore; the old copy whole; the next run clean', async () => {
    const before = await pair().reset();
    const run = pair().start();
    await until('pg_restore running on stage2', restoring(DB));
    await restartPostgres(DEST);
    const r = await run.result;
    expectReported(r, pair(), 2, /fatal: \[stage2\] (restore|lock|swap|verify): FAILED! /);
    await pair().expectOldCopy(before);
    await pair().expectCleanRun();
  });
});
