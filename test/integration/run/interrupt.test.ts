// Ctrl-C in the middle of a restore: exit 99, the destination exactly as it was, nothing left over.
import { expect } from 'chai';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { labEnv, psql, requireLab } from '../../lab/index.js';
import { orchestrateBin } from '../../support/cli.js';
import { checksums } from '../steps/support.js';
import { dbNames, Ops, staleDest } from './support.js';

const DB = 'e2e_intr';

describe('orchestrate: interrupted during the restore', function () {
  this.timeout(300_000);
  let ops: Ops;
  before(async function () {
    await requireLab(this);
    ops = new Ops();
    await staleDest('stage2', DB);
  });
  after(() => ops?.remove());

  it('exits 99 and leaves the destination database untouched, with no temporary copy or dump', async () => {
    ops.write('vars/intr.yml', `stagesync_dest_hosts: stage2\nstagesync_destdb: ${DB}\nstagesync_source_backups_dir: /opt/backups/e2e-intr\n`);
    const before = await checksums('stage2', DB);
    const bin = orchestrateBin;
    expect(existsSync(bin), 'built').to.equal(true);
    const child = execa(process.execPath, [bin, '-e', 'vars/intr.yml', '-t', 'db', '-v'], { cwd: ops.dir, env: { ...process.env, ...labEnv() }, reject: false });
    let out = '';
    let sent = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Once a client (pg_restore) is connected to the new database, press Ctrl-C (a fixed delay raced a
      // restore of the small sample, which takes about a second on a quiet machine).
      if (!sent && out.includes('[stage2] restore: started')) {
        sent = true;
        void ctrlCWhenRestoring(() => child.kill('SIGINT'));
      }
    });
    const r = await child;
    expect(sent, out).to.equal(true);
    expect(r.exitCode, `${out}\n${r.stderr}`).to.equal(99);
    expect(out).to.contain('interrupted');
    expect(out).to.contain('PLAY RECAP');
    expect(await checksums('stage2', DB)).to.deep.equal(before);
    expect(await dbNames('stage2', `${DB}\\_stagesync\\_%`)).to.deep.equal([]);
    expect(await psql('stage2', `SELECT count(*) FROM pg_ls_dir('/tmp/stagesync', true, false)`)).to.equal('0');
    // The lock went with the run: another run can take it at once.
    expect(await psql('stage2', `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stagesync-lock'`)).to.equal('0');
  });
});

/** Calls `press` as soon as a client (pg_restore) works in the new copy on stage2. */
async function ctrlCWhenRestoring(press: () => void): Promise<void> {
  const until = Date.now() + 60_000;
  while (Date.now() < until) {
    const n = await psql('stage2', `SELECT count(*) FROM pg_stat_activity WHERE datname = '${DB}_stagesync_new' AND backend_type = 'client backend'`);
    if (n !== '0') return press();
    await new Promise((r) => setTimeout(r, 20));
  }
  press();
}
