// Issue 12: a masked sync works with several destinations at once, swap and in_place, pipelined
// and from the moved file (--jobs), and with stagesync_restore_exclude_tables; every destination
// gets the same masked values (one salt), its indexes and constraints built on them.
import { expect } from 'chai';
import { psql, requireLab } from '../../lab/index.js';
import { allOutput, Ops, staleDest } from '../run/support.js';
import { pairVars, rowCounts, SALT } from './support.js';

const DB = 'stage';
const emails = (host: string) => psql(host, `SELECT md5(string_agg(email, ',' ORDER BY email)) FROM customers`, DB);

describe('masking: two destinations, swap + in_place, pipelined + from the file (lab)', function () {
  this.timeout(600_000);
  let ops: Ops;
  let run: Awaited<ReturnType<Ops['run']>>;

  before(async function () {
    await requireLab(this);
    ops = new Ops();
    await staleDest('stage1', DB);
    await staleDest('stage2', DB);
    // stage2: in place, restored from the moved file with two jobs, without the big events table.
    ops.write('inventories/host_vars/stage2.yml', 'stagesync_restore_mode: in_place\nstagesync_restore_jobs: 2\nstagesync_restore_exclude_tables: [public.events]\n');
    ops.write('vars/two.yml', pairVars('stage1:stage2', { salt: SALT }));
    run = await ops.run(['-e', 'vars/two.yml', '-t', 'db', '--check']);
    expect(run.code, allOutput(run)).to.equal(0);
    expect(run.stdout).to.match(/stage1 +restore +restore into stage_stagesync_new .* as the dump arrives/);
    expect(run.stdout).to.match(/stage2 +restore +pg_restore --clean --if-exists into the live stage from the moved file/);
    run = await ops.run(['-e', 'vars/two.yml', '-t', 'db']);
  });
  after(() => ops?.remove());

  it('both destinations succeed, each with its masked rows and post-data pass', () => {
    expect(run.code, allOutput(run)).to.equal(0);
    expect(run.stdout).to.match(/changed: \[stage1\] mask => 48000 masked rows in 3 table\(s\)/);
    expect(run.stdout).to.match(/changed: \[stage2\] mask => 48000 masked rows in 3 table\(s\)/);
    expect(run.stdout).to.match(/ok: \[stage2\] leak_check => /);
  });

  it('the same masked values on both, constraints valid, counts equal production (but the excluded table)', async () => {
    expect(await emails('stage1')).to.equal(await emails('stage2'));
    expect(await psql('stage1', `SELECT count(*) FROM customers WHERE email LIKE '%@Example-Prod.com' OR email LIKE '%prod-mail%'`, DB)).to.equal('0');
    for (const h of ['stage1', 'stage2']) {
      expect(await psql(h, `SELECT count(*) FROM pg_constraint WHERE conname IN ('orders_customer_email_fkey', 'customers_pkey', 'auth_user_email_key') AND convalidated`, DB), h).to.equal('3');
      expect(await psql(h, `SELECT count(*) FROM orders o JOIN customers c ON c.email = o.customer_email`, DB), h).to.equal('20000');
    }
    const prod = await rowCounts('db1', 'production');
    expect(await rowCounts('stage1', DB)).to.deep.equal(prod);
    const two = await rowCounts('stage2', DB);
    expect(two['public.events']).to.equal(undefined);
    expect(two['public.customers']).to.equal(prod['public.customers']);
    expect(two['public.orders']).to.equal(prod['public.orders']);
  });

  it('a second run replaces in place a copy that has the foreign keys between masked tables', async () => {
    const again = await ops.run(['-e', 'vars/two.yml', '-t', 'db']);
    expect(again.code, allOutput(again)).to.equal(0);
    expect(await emails('stage2')).to.equal(await emails('stage1'));
    expect(await psql('stage2', `SELECT count(*) FROM pg_constraint WHERE conname = 'orders_customer_email_fkey'`, DB)).to.equal('1');
  });
});
