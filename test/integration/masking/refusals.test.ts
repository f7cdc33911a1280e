// Issue 12 acceptance: an identity rule ({sql: email}) is caught by the leak check before the swap
// (exit 2, the column named, staging keeps its old copy); unknown table / unknown column / missing
// salt / a host's own script → exit 5, one line naming the file and the rule's path, nothing
// touched on any host.
import { expect } from 'chai';
import { psql, requireLab } from '../../lab/index.js';
import { checksums } from '../steps/support.js';
import { allOutput, dbNames, Ops, staleDest } from '../run/support.js';
import { pairVars, SALT } from './support.js';

const DEST = 'stage2';
const DB = 'stage';
const dumps = () => psql('db1', `SELECT count(*) FROM pg_ls_dir('/opt/backups/postgres') f WHERE f LIKE 'production.%'`);

describe('masking: refusals and the leak check (lab)', function () {
  this.timeout(600_000);
  let ops: Ops;
  let before0: Record<string, string>;

  before(async function () {
    await requireLab(this);
    ops = new Ops();
    await staleDest(DEST, DB);
    before0 = await checksums(DEST, DB);
  });
  after(() => ops?.remove());

  async function refused(file: string, vars: string, line: RegExp): Promise<void> {
    ops.write(file, vars);
    const dumpsBefore = await dumps();
    const r = await ops.run(['-e', file, '-t', 'db', '-vvvv']);
    expect(r.code, allOutput(r)).to.equal(5);
    expect(allOutput(r)).to.match(line);
    expect(allOutput(r)).not.to.match(/\n\s+at .*\(.*\.ts:\d+/); // no stack trace
    expect(allOutput(r)).not.to.include(SALT);
    // Nothing touched: no dump made, the destination as it was, no new copy.
    expect(await dumps()).to.equal(dumpsBefore);
    expect(await checksums(DEST, DB)).to.deep.equal(before0);
    expect(await dbNames(DEST, `${DB}\\_stagesync\\_%`)).to.deep.equal([]);
  }

  it('unknown table: exit 5 naming the file and the rule, nothing touched', async () => {
    await refused('vars/t.yml', pairVars(DEST, { salt: SALT, rules: 'stagesync_masking:\n  public.nosuch:\n    email: email\n' }), /vars\/t\.yml: stagesync_masking\.public\.nosuch: no table public\.nosuch in the source database/);
  });

  it('unknown column: exit 5 naming the file and the rule, nothing touched', async () => {
    await refused('vars/c.yml', pairVars(DEST, { salt: SALT, rules: 'stagesync_masking:\n  customers:\n    emial: email\n' }), /vars\/c\.yml: stagesync_masking\.customers\.emial: no column emial in public\.customers of the source database/);
  });

  it('missing salt: exit 5 naming the variable', async () => {
    await refused('vars/s.yml', pairVars(DEST) + '\nstagesync_masking:\n  customers:\n    email: email\n', /vars\/s\.yml: stagesync_masking_salt: is required when stagesync_masking has rules/);
  });

  it("a host's own backup script with masking: exit 5", async () => {
    await refused('vars/o.yml', pairVars(DEST, { salt: SALT, extra: 'stagesync_backups_create_backups_scripts: false' }), /vars\/o\.yml: stagesync_backups_create_backups_scripts: the host's own backup script cannot leave the masked tables' data out of its dump/);
  });

  it('require_all with personal-looking columns left unmasked: exit 5 naming them', async () => {
    await refused('vars/r.yml', pairVars(DEST, { salt: SALT, extra: 'stagesync_masking_require_all: true' }), /vars\/r\.yml: stagesync_masking_require_all: is true and these columns look personal but have no rule: .*public\.pairs\.name/);
  });

  it('{sql: email} (identity): the leak check fails the destination (exit 2, column named), staging keeps its old copy', async () => {
    ops.write('vars/id.yml', pairVars(DEST, { salt: SALT, rules: 'stagesync_masking:\n  customers:\n    email: {sql: email}\n    full_name: full_name\n' }));
    const r = await ops.run(['-e', 'vars/id.yml', '-t', 'db']);
    expect(r.code, allOutput(r)).to.equal(2);
    expect(r.stdout).to.match(/leak_check.*production values found in the new copy: public\.customers\.email \(\d+ value\(s\) of \d+ sampled\), public\.orders\.customer_email/);
    expect(r.stdout).not.to.match(/public\.customers\.full_name \(/);
    expect(await checksums(DEST, DB)).to.deep.equal(before0);
    expect(await dbNames(DEST, `${DB}\\_stagesync\\_%`)).to.deep.equal([]);
  });
});
