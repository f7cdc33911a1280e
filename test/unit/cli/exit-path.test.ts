// The exit path: the work's own code; 250 naming what was pending when Node ran out of work
// (never 0); 250 on an uncaught throw; the abnormal exits leave their record first.
import { expect } from 'chai';
import { execa } from 'execa';
import { join } from 'node:path';
import { repoRoot } from '../../support/cli.js';

const run = (mode: string) =>
  execa(join(repoRoot, 'node_modules/.bin/tsx'), [join(import.meta.dirname, 'fixtures/exit-path.ts'), mode], { reject: false });

describe('cli: the one exit path', function () {
  this.timeout(20_000);

  it('exits with the code the work settled with, without the abnormal-exit record', async () => {
    const r = await run('ok');
    expect(r.exitCode).to.equal(3);
    expect(r.stdout).to.equal('');
  });

  it('an orphaned promise (the event loop empties while work is pending) is exit 250 naming it, never 0', async () => {
    const r = await run('orphan');
    expect(r.exitCode).to.equal(250);
    expect(r.stderr).to.match(/internal error: nothing left to run while the run still waited for \[db1\] backup/);
    expect(r.stdout).to.match(/recorded: exit 250: internal error/);
  });

  it('an uncaught exception is exit 250, recorded', async () => {
    const r = await run('throw');
    expect(r.exitCode).to.equal(250);
    expect(r.stderr).to.match(/error: boom/);
    expect(r.stdout).to.match(/recorded: exit 250/);
  });
});
