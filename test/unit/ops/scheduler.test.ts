// The scheduler alone, with a job that outlasts the 1-second tick: runs never overlap, the
// ticks in between are skipped and said so, stop() waits for the running job.
import { expect } from 'chai';
import { Scheduler } from '../../../src/schedule/scheduler.js';
import { UserError } from '../../../src/errors.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('scheduler', function () {
  this.timeout(15_000);

  it('fires every second, never overlaps, skips ticks during a run and logs the next run', async () => {
    const lines: string[] = [];
    let active = 0;
    let maxActive = 0;
    const s = new Scheduler({
      cron: '* * * * * *',
      log: (l) => lines.push(l),
      job: async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        await sleep(1500);
        active--;
        return 0;
      },
    });
    s.start();
    await sleep(5200);
    const stopping = s.stop();
    expect(s.running(), 'a run was still going when stopped').to.equal(true);
    await stopping;
    expect(active, 'stop() waited for the run').to.equal(0);
    expect(maxActive).to.equal(1);
    expect(s.results.length).to.be.at.least(2);
    expect(lines.filter((l) => /skipped: the run started at .* is still going/.test(l)).length).to.be.at.least(1);
    expect(lines[0]).to.match(/^next run at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    expect(lines.filter((l) => l.startsWith('run finished with exit code 0')).length).to.equal(s.results.length);
    // No tick starts anything after stop().
    const count = s.results.length;
    await sleep(1200);
    expect(s.results.length).to.equal(count);
  });

  it('keeps going after a failed run', async () => {
    const lines: string[] = [];
    let n = 0;
    const s = new Scheduler({ cron: '* * * * * *', log: (l) => lines.push(l), job: async () => (++n === 1 ? Promise.reject(new Error('boom')) : 2) });
    s.start();
    await sleep(2600);
    await s.stop();
    expect(s.results.slice(0, 2)).to.deep.equal([1, 2]);
    expect(lines).to.include('run failed: boom');
  });

  it('refuses a bad expression as bad input naming --cron', () => {
    expect(() => new Scheduler({ cron: '61 * * * *', log: () => undefined, job: async () => 0 }))
      .to.throw(UserError, /--cron|cron expression/)
      .with.property('exitCode', 5);
  });
});
