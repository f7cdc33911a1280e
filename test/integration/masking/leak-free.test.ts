// Issue 12 acceptance: after a masked sync to a destination whose old copies were dropped first,
// none of 100 sampled production emails and names is anywhere on the destination host (heap, WAL,
// log, temp and dump dirs); an unmasked sync puts them there (the search can fail). Masked
// values are deterministic (both tables, two runs), unique emails stay unique, the foreign key to
// the masked natural key holds, another salt gives other values; row counts and the unmasked
// columns equal production's; neither the salt nor a raw value is in the output or the report.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { freshCluster, labSeed, psql, requireLab } from '../../lab/index.js';
import { allOutput, Ops } from '../run/support.js';
import { byteSearch, columnsDigest, DEST_DIRS, pairVars, PROD, rowCounts, SALT, sampledProduction } from './support.js';

const DEST = 'dev1';
const DB = 'stage';
const emailsOf = (host: string) => psql(host, `SELECT md5(string_agg(email::text, ',' ORDER BY id)) FROM auth_user`, DB);

describe('masking: personal data never reaches the destination (lab)', function () {
  this.timeout(600_000);
  let ops: Ops;
  let run: Awaited<ReturnType<Ops['run']>>;
  let reportText: string;
  let sample: string[];

  before(async function () {
    await requireLab(this);
    // A new cluster: no earlier (unmasked) sync left anything in its heap files or WAL.
    await freshCluster(DEST);
    await psql(DEST, `CREATE ROLE stage LOGIN;`);
    ops = new Ops();
    ops.write('vars/masked.yml', pairVars(DEST, { salt: SALT }));
    ops.write('vars/plain.yml', pairVars(DEST));
    sample = await sampledProduction();
    const reportFile = join(ops.dir, 'report.json');
    run = await ops.run(['-e', 'vars/masked.yml', '-t', 'db', '-vvvv', '--report', reportFile]);
    reportText = readFileSync(reportFile, 'utf8');
    await psql(DEST, 'CHECKPOINT;');
  });
  after(async () => {
    ops?.remove();
    // dev1's new cluster gets the seeded databases back (stage, dev) for the suites after this one.
    await labSeed();
  });

  it('the masked sync succeeds and says which column inherits through a foreign key', () => {
    expect(run.code, allOutput(run)).to.equal(0);
    expect(run.stdout).to.include('masking: public.orders.customer_email ← public.customers.email');
    const report = JSON.parse(reportText) as { masking: { inherited: string[] }; destinations: Record<string, { masked: Record<string, number>; leakCheck: { column: string; matches: number }[] }> };
    expect(report.masking.inherited).to.deep.equal(['public.orders.customer_email ← public.customers.email']);
    expect(report.destinations[DEST]!.masked).to.deep.equal({ 'public.auth_user': 20000, 'public.customers': 8000, 'public.orders': 20000 });
    expect(report.destinations[DEST]!.leakCheck.map((c) => c.column)).to.include.members(['public.auth_user.email', 'public.customers.email', 'public.orders.customer_email']);
    expect(report.destinations[DEST]!.leakCheck.every((c) => c.matches === 0)).to.equal(true);
  });

  it('a byte search of the whole destination host (data dir, WAL, tmp, dump dirs) finds none of 100 production values', async () => {
    expect(sample).to.have.length(100);
    expect(await byteSearch(DEST, sample, DEST_DIRS)).to.deep.equal({});
  });

  it('neither the salt nor a sampled production value is in the -vvvv output or the report', () => {
    const out = allOutput(run);
    expect(out).not.to.include(SALT);
    expect(reportText).not.to.include(SALT);
    for (const v of sample) {
      expect(out, v).not.to.include(v);
      expect(reportText, v).not.to.include(v);
    }
  });

  it('row counts of every table and the unmasked columns equal production', async () => {
    expect(await rowCounts(DEST, DB)).to.deep.equal(await rowCounts('db1', PROD));
    const same = async (table: string, masked: string[]) => expect(await columnsDigest(DEST, DB, table, masked), table).to.equal(await columnsDigest('db1', PROD, table, masked));
    await same('auth_user', ['email', 'first_name', 'last_name', 'username']);
    await same('customers', ['email', 'full_name', 'phone', 'birth_date']);
    await same('orders', ['customer_email']);
    await same('events', []);
    await same('billing.invoices', []);
  });

  it('the same value masks to the same output in both tables; unique stays unique; the FK to the natural key holds', async () => {
    expect(await psql(DEST, `SELECT count(*), count(*) FILTER (WHERE a.email::text = c.email) FROM auth_user a JOIN customers c ON c.user_id = a.id`, DB)).to.equal('5000|5000');
    expect(await psql(DEST, `SELECT count(*) = count(DISTINCT email) AND count(*) = count(DISTINCT username) FROM auth_user`, DB)).to.equal('t');
    expect(await psql(DEST, `SELECT string_agg(conname || ':' || convalidated, ',' ORDER BY conname) FROM pg_constraint WHERE conname IN ('auth_user_email_key', 'customers_pkey', 'orders_customer_email_fkey')`, DB)).to.equal('auth_user_email_key:true,customers_pkey:true,orders_customer_email_fkey:true');
    expect(await psql(DEST, `SELECT count(*) FROM orders o JOIN customers c ON c.email = o.customer_email`, DB)).to.equal('20000');
    expect(await psql(DEST, `SELECT count(*) FROM auth_user WHERE email NOT LIKE '%@example.invalid'`, DB)).to.equal('0');
    // The noise moves birth dates by at most 30 days.
    expect(await psql(DEST, `SELECT count(*) FROM customers WHERE birth_date IS NOT NULL`, DB)).to.equal('8000');
  });

  it('a second run gives the same output; another salt gives another', async () => {
    const first = await emailsOf(DEST);
    const again = await ops.run(['-e', 'vars/masked.yml', '-t', 'db']);
    expect(again.code, allOutput(again)).to.equal(0);
    expect(await emailsOf(DEST)).to.equal(first);
    const other = await ops.run(['-e', 'vars/masked.yml', '-e', 'stagesync_masking_salt=another-salt-0042', '-t', 'db']);
    expect(other.code, allOutput(other)).to.equal(0);
    expect(await emailsOf(DEST)).not.to.equal(first);
  });

  it('after an unmasked sync the same search finds them (it can fail)', async () => {
    const plain = await ops.run(['-e', 'vars/plain.yml', '-t', 'db']);
    expect(plain.code, allOutput(plain)).to.equal(0);
    await psql(DEST, 'CHECKPOINT;');
    const found = await byteSearch(DEST, sample, DEST_DIRS);
    expect(Object.keys(found).length).to.be.greaterThan(90);
  });
});
