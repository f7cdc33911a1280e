// The source's ssh sessions killed mid-stream (the per-connection sshd processes on db1, not the
// listener): the run must say so (exit 4, the cause, a recap and a report), never exit 0.
import { expect } from 'chai';
import { describeFault, expectReported } from './support.js';
import { killSshSessions } from '../../lab/index.js';

describeFault('the source ssh sessions killed mid-stream', 'flt_sshkill', (pair) => {
  it('exits 4 naming the lost connection, with recap and report; the destination stays the old copy; the next run is clean', async () => {
    const before = await pair().reset();
    const run = pair().start();
    // The first progress line of the move: bytes are flowing from db1.
    await run.waitFor(/<db1> move: /);
    expect(killSshSessions('db1')).to.be.greaterThan(0);
    const r = await run.result;
    const report = expectReported(r, pair(), 4, /\[db1\] [a-z_]+: UNREACHABLE! .*connection lost/);
    expect(report.result).to.equal('unreachable');
    await pair().expectOldCopy(before);
    await pair().expectCleanRun();
  });
});
