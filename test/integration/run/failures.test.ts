// Runs that fail or cannot start leave the destination exactly as it was (issue 4 acceptance),
// and host keys are checked as OpenSSH does, unless turned off as in Ansible.
import { expect } from 'chai';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labConfig, psql, requireLab } from '../../lab/index.js';
import { checksums } from '../steps/support.js';
import { allOutput, dbNames, Ops, staleDest } from './support.js';

const DB = 'e2e_fail';

describe('orchestrate: failures leave the destination as it was', function () {
  this.timeout(300_000);
  let ops: Ops;
  let before: Record<string, string>;

  beforeEach(async function () {
    await requireLab(this);
    ops = new Ops();
    await staleDest('stage2', DB);
    before = await checksums('stage2', DB);
  });
  afterEach(() => ops?.remove());

  const pairVars = (extra: string) =>
    `stagesync_dest_hosts: stage2\nstagesync_destdb: ${DB}\nstagesync_source_backups_dir: /opt/backups/e2e\n${extra}`;

  it('a failing post-restore SQL statement: exit 2, destination untouched, nothing left behind', async () => {
    ops.write('vars/fail.yml', pairVars(`stagesync_post_restore_sql:\n  - sql: "UPDATE no_such_table SET x = $1"\n    params: ["p-secret-value-91"]\n`));
    const r = await ops.run(['-e', 'vars/fail.yml', '-t', 'db']);
    expect(r.code, allOutput(r)).to.equal(2);
    expect(r.stdout).to.match(/fatal: \[stage2\] post_restore_sql: FAILED!/);
    expect(r.stdout).to.contain('no_such_table');
    expect(allOutput(r)).to.not.contain('p-secret-value-91');
    expect(await checksums('stage2', DB)).to.deep.equal(before);
    expect(await dbNames('stage2', `${DB}\\_stagesync\\_%`)).to.deep.equal([]);
    expect(await psql('stage2', `SELECT count(*) FROM pg_ls_dir('/tmp/stagesync', true, false)`)).to.equal('0');
  });

  it('a failing post-restore command fails the run (exit 2) after the swap', async () => {
    ops.write('vars/fail.yml', pairVars(`stagesync_post_restore_commands:\n  - "echo migrating; exit 3"\n`));
    const r = await ops.run(['-e', 'vars/fail.yml', '-t', 'db']);
    expect(r.code, allOutput(r)).to.equal(2);
    expect(r.stdout).to.match(/fatal: \[stage2\] post_restore_commands: FAILED!.*exited with 3/);
  });

  it('an unknown host key: exit 4, nothing done on any host', async () => {
    // A HOME whose ssh config trusts no host key.
    const cfg = labConfig();
    const home = join(ops.dir, 'home');
    mkdirSync(join(home, '.ssh'), { recursive: true, mode: 0o700 });
    writeFileSync(join(home, '.ssh', 'known_hosts'), '');
    const config = readFileSync(join(cfg.home, '.ssh', 'config'), 'utf8').replaceAll(join(cfg.home, '.ssh', 'known_hosts'), join(home, '.ssh', 'known_hosts'));
    writeFileSync(join(home, '.ssh', 'config'), config);
    copyFileSync(join(cfg.home, '.ssh', 'id_ed25519'), join(home, '.ssh', 'id_ed25519'));
    ops.write('vars/pair.yml', pairVars(''));
    const r = await ops.run(['-e', 'vars/pair.yml', '-t', 'db'], { HOME: home });
    expect(r.code, allOutput(r)).to.equal(4);
    expect(r.stdout).to.match(/UNREACHABLE!.*[Hh]ost key/);
    expect(r.stdout).to.not.match(/\] (backup|move|restore|swap)/);
    expect(await checksums('stage2', DB)).to.deep.equal(before);

    // With checking turned off as in Ansible, the same run connects (here: a rollback with no
    // previous copy, which fails on the host — proof that it got there).
    const off = await ops.run(['rollback', '-e', 'vars/pair.yml'], { HOME: home, ANSIBLE_HOST_KEY_CHECKING: 'False' });
    expect(off.code, allOutput(off)).to.equal(2);
    expect(off.stdout).to.match(/ok: \[stage2\] preflight/);
    expect(off.stdout).to.contain(`no previous copy ${DB}_stagesync_prev`);
  });
});
