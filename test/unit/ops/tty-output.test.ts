// The terminal view (listr2 tree) under a real pseudo-terminal, driven by scripted events.
import { expect } from 'chai';
import { join } from 'node:path';
import { repoRoot } from '../../support/cli.js';
import { hasScript, runInPty } from './pty.js';

const fixture = join(repoRoot, 'test/unit/ops/fixtures/tty-events.ts');
const run = (verbosity: number) => runInPty([process.execPath, '--import', 'tsx', fixture], { cwd: repoRoot, env: { VERBOSITY: String(verbosity) } });

describe('terminal output (listr2 tree)', function () {
  this.timeout(60_000);
  before(function () {
    if (!hasScript()) this.skip();
  });

  it('draws pair → host → step with outcomes, live progress lines, and masks every text', async () => {
    const r = await run(1);
    expect(r.code, r.text).to.equal(0);
    expect(r.raw).to.not.include('hunter2-secret');
    expect(r.text).to.include('********');
    // The last frame: the tree, in plan order, indented pair → host → step.
    const last = r.text.slice(r.text.lastIndexOf('\n', r.text.lastIndexOf('PLAY [prod-to-stage2]')) + 1);
    const lines = last.split('\n').map((l) => l.trimEnd());
    expect(lines[0]).to.match(/^. PLAY \[prod-to-stage2\]$/);
    expect(lines).to.include.members([
      '  ✔ db1',
      '    ✔ preflight: ok => PostgreSQL 15 (1.2s)',
      '    ✔ move: changed => 4.0 MiB to 1 host(s) ******** (2.3s)',
      '    ✖ preflight: UNREACHABLE! connect ECONNREFUSED (password ********) (10ms)',
      '    ↓ restore: skipping (the source failed its preflight)',
      '    ✔ bucket_copy: changed => media A: 20 copied (900ms)',
      '    ✔ bucket_copy: ok => media B: 9 unchanged (950ms)',
    ]);
    const hostLines = lines.filter((l) => /^ {2}\S+ \S+$/.test(l)).map((l) => l.trim().split(' ')[1]);
    expect(hostLines).to.deep.equal(['db1', 'stage2', 'localhost']);
    // Live numbers were shown under the running steps, each copy on its own line.
    expect(r.text).to.include('media A: 10/20 objects, 1.0 MiB, 2.0 MiB/s');
    expect(r.text).to.include('media B: 3/9 objects, 0.2 MiB, 0.1 MiB/s');
    expect(r.text).to.include('2.0 MiB of 4.0 MiB (50%, 1.9 MiB/s)');
    expect(r.text).to.include('[WARNING]: a warning naming ********');
    // The recap comes after the tree: the run ends with it.
    expect(r.text.trimEnd().split('\n').pop()).to.equal('PLAY RECAP ****');
    // -vvv lines are not shown at -v.
    expect(r.text).to.not.include('SSH EXEC');
  });

  it('prints -vvv lines above the tree, masked', async () => {
    const r = await run(3);
    expect(r.code, r.text).to.equal(0);
    expect(r.text).to.include("<ssh> SSH EXEC psql -c 'select ********'");
    expect(r.raw).to.not.include('hunter2-secret');
  });
});
