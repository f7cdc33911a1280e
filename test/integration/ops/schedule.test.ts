// `orchestrate schedule` end to end: a per-second cron runs the sync again and again (here
// against hosts that refuse connections: each run is short and fails as unreachable), logs the
// next run, and stops on SIGTERM / SIGINT with exit 0.
import { expect } from 'chai';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { orchestrate, orchestrateBin } from '../../support/cli.js';
import { closedPort, inventory, opsDir, type OpsDir } from './support.js';

const bin = orchestrateBin;

describe('orchestrate schedule', function () {
  this.timeout(60_000);
  let ops: OpsDir;
  before(async function () {
    if (!existsSync(bin)) this.skip();
    ops = opsDir({ 'inventories/hosts': inventory(await closedPort()), 'vars/pair.yml': 'stagesync_destdb: ops_sched\n' });
  });
  after(() => ops?.remove());

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`runs at each tick, logs the next run, and exits 0 on ${signal}`, async () => {
      const child = execa(process.execPath, [bin, 'schedule', '--cron', '* * * * * *', '-e', 'vars/pair.yml', '-t', 'db'], {
        cwd: ops.dir,
        env: ops.env,
        reject: false,
        stdin: 'ignore',
        forceKillAfterDelay: false, // the stop is what is tested: no SIGKILL behind it
      });
      let out = '';
      child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
      const deadline = Date.now() + 30_000;
      while ((out.match(/PLAY RECAP/g) ?? []).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
      child.kill(signal);
      const r = await child;
      expect(r.exitCode, `${out}\n${r.stderr}`).to.equal(0);
      expect((out.match(/schedule: run started at /g) ?? []).length).to.be.at.least(2);
      expect((out.match(/schedule: run finished with exit code 4 /g) ?? []).length).to.be.at.least(2);
      expect(out).to.match(/schedule: next run at \d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/);
      expect(out).to.match(new RegExp(`schedule: ${signal}: stopping`));
      expect(out.trimEnd()).to.match(/schedule: stopped$/);
    });
  }

  it('refuses a bad expression or a missing --cron before anything runs (exit 5)', async () => {
    const bad = await orchestrate(['schedule', '--cron', 'every night', '-e', 'vars/pair.yml'], { cwd: ops.dir, env: ops.env });
    expect(bad.code).to.equal(5);
    expect(bad.stderr).to.match(/--cron: invalid cron expression "every night"/);
    const missing = await orchestrate(['schedule', '-e', 'vars/pair.yml'], { cwd: ops.dir, env: ops.env });
    expect(missing.code).to.equal(5);
    expect(missing.stderr).to.match(/schedule needs --cron/);
    const stray = await orchestrate(['--cron', '* * * * *', '--check', '-e', 'vars/pair.yml'], { cwd: ops.dir, env: ops.env });
    expect(stray.code).to.equal(5);
  });
});
