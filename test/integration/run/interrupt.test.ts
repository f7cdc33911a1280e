// Ctrl-C in the middle of a restore: exit 99, the destination exactly as it was, nothing left over.
import { expect } from 'chai';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { labEnv, psql, requireLab } from '../../lab/index.js';
import { repoRoot } from '../../support/cli.js';
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
    const bin = join(repoRoot, 'dist/src/cli/bin.js');
    expect(existsSync(bin), 'built').to.equal(true);
    const child = execa(process.execPath, [bin, '-e', 'vars/intr.yml', '-t', 'db', '-v'], { cwd: ops.dir, env: { ...process.env, ...labEnv() }, reject: false });
    let out = '';
    let sent = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Once pg_restore is under way (the new database exists), press Ctrl-C.
      if (!sent && out.includes('[stage2] restore: started')) {
        sent = true;
        setTimeout(() => child.kill('SIGINT'), 1500);
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
