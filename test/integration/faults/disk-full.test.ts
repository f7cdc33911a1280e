// The destination's dump directory full (a 6 MiB tmpfs on stagesync_dest_tmp_dir, in stage2's own
// mount namespace, filled with 5 MiB once preflight has found room enough): exit 2 naming the writer's own cause (No space left on device), not the relay's
// symptom, every time; the old copy whole; the next run (the tmpfs gone) clean.
import { expect } from 'chai';
import { describeFault, DEST, expectReported } from './support.js';
import { emptyDir, fillDir, mountSmallFs, unmountSmallFs } from '../../lab/index.js';

const DB = 'flt_full';
const DIR = `/tmp/${DB}`;

describeFault('the destination dump directory full', DB, (pair) => {
  it('exits 2 naming "No space left on device" (three runs in a row), keeps the old copy; then a clean run', async () => {
    const before = await pair().reset();
    await mountSmallFs(DEST, DIR, { sizeKiB: 6 * 1024, owner: 'postgres' });
    for (let i = 0; i < 3; i++) {
      await emptyDir(DEST, DIR);
      const run = pair().start();
      await run.waitFor(/ok: \[stage2\] preflight/);
      // The 4 MiB dump and this cannot both fit, whichever comes first.
      await fillDir(DEST, DIR, 5 * 1024);
      const r = await run.result;
      const report = expectReported(r, pair(), 2, /fatal: \[stage2\] restore: FAILED! [^\n]*(\n[^\n]*){0,8}No space left on device/);
      expect(r.stdout).to.not.match(/the receiving command ended before the data did/);
      expect(JSON.stringify(report.steps)).to.match(/No space left on device/);
      await pair().expectOldCopy(before);
    }
  });

  it('the same when the stream only writes the file, restored after (restore --jobs 2): the writer\'s cause, not the relay\'s', async () => {
    const before = await pair().reset();
    await emptyDir(DEST, DIR);
    const run = pair().start(['-e', '{"stagesync_restore_jobs": 2}']);
    await run.waitFor(/ok: \[stage2\] preflight/);
    await fillDir(DEST, DIR, 5 * 1024);
    const r = await run.result;
    expectReported(r, pair(), 2, /fatal: \[db1\] move: FAILED! stage2: [^\n]*(\n[^\n]*){0,8}No space left on device/);
    expect(r.stdout).to.not.match(/the receiving command ended before the data did/);
    await pair().expectOldCopy(before);
    await unmountSmallFs(DEST, DIR);
    await pair().expectCleanRun();
  });
}, async () => unmountSmallFs(DEST, DIR).catch(() => undefined));
