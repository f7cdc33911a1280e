// The controller SIGKILLed while pg_restore writes the new copy (nothing of ours can run: no
// cleanup, no recap), then run again: the rerun does not wait on the dead run's lock (its psql
// session ended with the connection), says what the dead run left, removes it and succeeds.
import { expect } from 'chai';
import { dbNames } from '../run/support.js';
import { describeFault, DEST, restoring, tail, until } from './support.js';

const DB = 'flt_sigkill';

describeFault('the controller SIGKILLed mid-restore, then rerun', DB, (pair) => {
  it('leaves the old copy whole; the rerun takes the lock at once and succeeds', async () => {
    const before = await pair().reset();
    const run = pair().start();
    await until('pg_restore running on stage2', restoring(DB));
    run.kill('SIGKILL');
    const killed = await run.result;
    expect(killed.code, tail(killed)).to.not.equal(0);
    await pair().expectOldCopyLive(before);
    // The half-restored copy stays (nothing of ours ran); the rerun says so at its start.
    expect(await dbNames(DEST, `${DB}\\_stagesync\\_new`)).to.deep.equal([`${DB}_stagesync_new`]);
    const rerun = await pair().expectCleanRun();
    expect(rerun.stdout).to.contain(`[WARNING]: stage2: an interrupted run left ${DB}_stagesync_new`);
  });
});
