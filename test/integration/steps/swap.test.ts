// The swap in its one psql session (\gset + \if), each branch on the lab, with a database name
// that needs quoting everywhere: nothing to swap in; no live copy yet; a first swap; a swap that
// retires the previous generation; an old generation left by an earlier run.
import { expect } from 'chai';
import { psql, requireLab } from '../../lab/index.js';
import { conninfo, quoteIdent as id, quoteLiteral as lit } from '../../../src/steps/sql.js';
import { dropRetired, swapIn } from '../../../src/steps/swap.js';
import type { Host } from '../../../src/transport/types.js';
import { closeAll, databases, labHosts, USER } from './support.js';

const DB = `sw'ap "x" :y`;
const names = ['', '_stagesync_new', '_stagesync_prev', '_stagesync_old'].map((s) => DB + s);

/** Make each of these databases with one table saying which it is. */
async function make(...suffixes: string[]): Promise<void> {
  for (const s of suffixes) {
    await psql('stage1', `CREATE DATABASE ${id(DB + s)};`);
    await psql('stage1', `CREATE TABLE which AS SELECT ${lit(s || 'live')}::text AS v;`, DB + s);
  }
}
const which = (suffix: string) => psql('stage1', 'SELECT v FROM which;', DB + suffix);
const present = async () => (await databases('stage1', 'sw%')).sort();

describe('steps on the lab: swap', function () {
  this.timeout(60_000);
  let stage1: Host;
  const t = () => ({ host: stage1, backupUser: USER });
  before(async function () {
    await requireLab(this);
    ({ stage1 } = await labHosts());
  });
  beforeEach(async () => {
    for (const n of names) await psql('stage1', `DROP DATABASE IF EXISTS ${id(n)} WITH (FORCE);`);
  });
  after(async () => {
    for (const n of names) await psql('stage1', `DROP DATABASE IF EXISTS ${id(n)} WITH (FORCE);`).catch(() => undefined);
    await closeAll();
  });

  it('refuses when there is nothing to swap in, touching nothing', async () => {
    await make('');
    const err = await swapIn(t(), DB).then(() => null, (e: Error) => e);
    expect(err?.message).to.include('_stagesync_new does not exist: nothing to swap in');
    expect(await present()).to.deep.equal([DB]);
    expect(await which('')).to.equal('live');
  });

  it('with no live copy yet, renames the new one in and keeps no previous', async () => {
    await make('_stagesync_new');
    const r = await swapIn(t(), DB);
    expect(r.previous).to.equal(undefined);
    expect(r.retired).to.equal(undefined);
    expect(await present()).to.deep.equal([DB]);
    expect(await which('')).to.equal('_stagesync_new');
  });

  it('a first swap keeps the live copy as _prev, connectable', async () => {
    await make('', '_stagesync_new');
    const r = await swapIn(t(), DB);
    expect(r.previous).to.equal(`${DB}_stagesync_prev`);
    expect(r.retired).to.equal(undefined);
    expect(await which('')).to.equal('_stagesync_new');
    expect(await which('_stagesync_prev')).to.equal('live');
    expect(await psql('stage1', `SELECT datallowconn FROM pg_database WHERE datname IN (${lit(DB)}, ${lit(`${DB}_stagesync_prev`)});`)).to.equal('t\nt');
  });

  it('retires the previous generation aside (_old) for dropRetired, and drops a leftover _old first', async () => {
    await make('', '_stagesync_new', '_stagesync_prev', '_stagesync_old');
    const oid = (suffix: string) => psql('stage1', `SELECT oid FROM pg_database WHERE datname = ${lit(DB + suffix)};`);
    const prevOid = await oid('_stagesync_prev');
    const r = await swapIn(t(), DB);
    expect(r).to.include({ previous: `${DB}_stagesync_prev`, retired: `${DB}_stagesync_old` });
    expect(await which('')).to.equal('_stagesync_new');
    expect(await which('_stagesync_prev')).to.equal('live');
    // The leftover _old was dropped; the one there now is the generation just retired, closed.
    expect(await oid('_stagesync_old')).to.equal(prevOid);
    expect(await psql('stage1', `SELECT datallowconn FROM pg_database WHERE datname = ${lit(`${DB}_stagesync_old`)};`)).to.equal('f');
    await dropRetired(t(), DB);
    expect(await present()).to.deep.equal([DB, `${DB}_stagesync_prev`].sort());
  });

  it('ends sessions on the live copy (a session held open does not block the swap)', async () => {
    await make('', '_stagesync_new');
    const holder = stage1.spawn({ argv: ['psql', '-X', '-d', conninfo(DB), '-c', 'SELECT pg_sleep(60)'] }, { become: { user: USER } });
    holder.done.catch(() => undefined);
    const sessions = () => psql('stage1', `SELECT count(*) FROM pg_stat_activity WHERE datname = ${lit(DB)} AND query LIKE '%pg_sleep%';`);
    for (let i = 0; i < 50 && (await sessions()) === '0'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(await sessions(), 'the holding session').to.equal('1');
    const started = Date.now();
    await swapIn(t(), DB);
    expect(Date.now() - started).to.be.below(5000);
    expect(await which('')).to.equal('_stagesync_new');
    expect((await holder.done).code).to.not.equal(0);
  });
});
