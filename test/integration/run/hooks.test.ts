// A host's own backup script set in host_vars/ is used and never overwritten; always-commands run
// even after a failure, on the destination and on the controller (issues 4 and 6 acceptance).
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireLab, sshExec } from '../../lab/index.js';
import { checksums } from '../steps/support.js';
import { allOutput, Ops, staleDest } from './support.js';

const DB = 'e2e_hooks';
const SCRIPT = '/var/lib/postgresql/scripts/e2e-own-backup.sh';
const DIR = '/opt/backups/e2e-own';
const OWN = `#!/bin/sh
# db1's own backup script (e2e): must never be overwritten by orchestrate
set -e
echo "own script called with: $*" >> ${DIR}/calls.log
for db in "$@"; do
  f="${DIR}/$db.db1.$(date +%Y-%m-%d-%H-%M-%S).dump"
  pg_dump -Fc -f "$f.tmp" "$db" && mv "$f.tmp" "$f"
done
`;

describe('orchestrate: own backup script, always-commands after a failure', function () {
  this.timeout(300_000);
  let ops: Ops;
  before(async function () {
    await requireLab(this);
    ops = new Ops();
    await staleDest('stage2', DB);
    const put = await sshExec('db1', `mkdir -p ${DIR} /var/lib/postgresql/scripts && chown postgres: ${DIR} /var/lib/postgresql/scripts && rm -f ${DIR}/* && cat > ${SCRIPT} <<'EOS'\n${OWN}EOS\nchown postgres: ${SCRIPT} && chmod 750 ${SCRIPT}`);
    expect(put.code, put.stderr).to.equal(0);
  });
  after(() => ops?.remove());

  it('uses the host_vars script as it is, and runs the always-commands although the restore failed', async () => {
    ops.write('host_vars/db1.yml', `stagesync_backups_create_backups_scripts: false\nstagesync_backup_script: ${SCRIPT}\nstagesync_source_backups_dir: ${DIR}\n`);
    const marker = join(ops.dir, 'always-ran-on-controller');
    ops.write(
      'vars/hooks.yml',
      [
        'stagesync_dest_hosts: stage2',
        `stagesync_destdb: ${DB}`,
        'stagesync_post_restore_sql:',
        '  - sql: "SELECT 1/0"',
        'stagesync_always_commands:',
        '  - "echo maintenance off > /tmp/e2e-always-ran"',
        `  - {command: "touch ${marker}", host: localhost}`,
        '',
      ].join('\n'),
    );
    await sshExec('stage2', 'rm -f /tmp/e2e-always-ran');
    const scriptBefore = (await sshExec('db1', `sha256sum ${SCRIPT}; stat -c %Y ${SCRIPT}`)).stdout;
    const before = await checksums('stage2', DB);
    const r = await ops.run(['-e', 'vars/hooks.yml', '-t', 'db', '--report', join(ops.dir, 'r.json')]);
    expect(r.code, allOutput(r)).to.equal(2);
    expect(r.stdout).to.match(/fatal: \[stage2\] post_restore_sql: FAILED!.*division by zero/);
    // The own script ran, untouched.
    expect((await sshExec('db1', `cat ${DIR}/calls.log`)).stdout).to.contain('own script called with: production');
    expect((await sshExec('db1', `sha256sum ${SCRIPT}; stat -c %Y ${SCRIPT}`)).stdout).to.equal(scriptBefore);
    expect((await sshExec('db1', `cat ${SCRIPT}`)).stdout.trimEnd()).to.equal(OWN.trimEnd());
    // Always-commands ran on both sides, after the failure.
    expect((await sshExec('stage2', 'cat /tmp/e2e-always-ran')).stdout.trim()).to.equal('maintenance off');
    expect(existsSync(marker)).to.equal(true);
    const report = JSON.parse(readFileSync(join(ops.dir, 'r.json'), 'utf8')) as { steps: { host: string; action: string; outcome: string }[] };
    expect(report.steps.filter((s) => s.action === 'always_commands').map((s) => `${s.host} ${s.outcome}`)).to.deep.equal(['stage2 changed', 'localhost changed']);
    expect(await checksums('stage2', DB)).to.deep.equal(before);
  });
});
