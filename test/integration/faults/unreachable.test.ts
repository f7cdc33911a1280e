// The source unreachable at start (its ssh port closed): exit 4, db1 UNREACHABLE in the recap and
// the report, nothing written anywhere; once it is back, the next run is clean.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import { describeFault, expectReported } from './support.js';

const DB = 'flt_unreach';

describeFault('the source unreachable at start', DB, (pair) => {
  it('exits 4 naming db1 unreachable; the destination untouched; the next run clean', async () => {
    const before = await pair().reset();
    // Port 1 on db1's address: connection refused, as a host whose sshd is down.
    pair().ops.write('host_vars/db1.yml', 'ansible_port: 1\n');
    const r = await pair().run();
    const report = expectReported(r, pair(), 4, /fatal: \[db1\] preflight: UNREACHABLE! .*Connection refused/);
    expect(report.result).to.equal('unreachable');
    expect(r.stdout).to.match(/skipping: \[stage2\] restore => the source failed its preflight/);
    await pair().expectOldCopy(before);
    rmSync(join(pair().ops.dir, 'host_vars'), { recursive: true });
    await pair().expectCleanRun();
  });
});
