// Two runs to the same destination at once: the lock makes them take turns (issue 4 acceptance).
import { expect } from 'chai';
import { psql, requireLab } from '../../lab/index.js';
import { checksums } from '../steps/support.js';
import { allOutput, dbNames, Ops, staleDest } from './support.js';

const DB = 'e2e_conc';

describe('orchestrate: two concurrent runs to one destination', function () {
  this.timeout(400_000);
  let ops: Ops;
  before(async function () {
    await requireLab(this);
    ops = new Ops();
    await staleDest('dev1', DB);
  });
  after(() => ops?.remove());

  it('both end consistent: one waits for the other’s lock, then replaces the copy again', async () => {
    ops.write('vars/conc.yml', `stagesync_dest_hosts: dev1\nstagesync_destdb: ${DB}\nstagesync_source_backups_dir: /opt/backups/e2e-conc\n`);
    const [a, b] = await Promise.all([ops.run(['-e', 'vars/conc.yml', '-t', 'db']), ops.run(['-e', 'vars/conc.yml', '-t', 'db'])]);
    expect(a.code, allOutput(a)).to.equal(0);
    expect(b.code, allOutput(b)).to.equal(0);
    expect(allOutput(a) + allOutput(b)).to.contain(`waiting for the stagesync lock on ${DB}`);
    // The last swap kept the first run's copy as _prev: both are complete copies of production.
    const src = await checksums('db1', 'production');
    expect(await checksums('dev1', DB)).to.deep.equal(src);
    expect(await checksums('dev1', `${DB}_stagesync_prev`)).to.deep.equal(src);
    expect(await dbNames('dev1', `${DB}\\_stagesync\\_%`)).to.deep.equal([`${DB}_stagesync_prev`]);
    expect(await psql('dev1', `SELECT count(*) FROM pg_ls_dir('/tmp/stagesync', true, false)`)).to.equal('0');
  });
});
