// A destination cluster that is not pg_wrapper's default: stage1's second cluster on port 5433
// (the lab's), named by stagesync_dest_pg_port; the default cluster on 5432 is never touched.
import { expect } from 'chai';
import { labConfig, labHost, psql, requireLab } from '../../lab/index.js';
import { checksums } from '../steps/support.js';
import { allOutput, Ops } from './support.js';

const DB = 'portdst';
const cfg = labConfig();

describe('orchestrate: a destination cluster on port 5433', function () {
  this.timeout(300_000);
  let ops: Ops;
  const port = labHost('stage1', cfg).secondPgPort!;
  const on5433 = (sql: string, db = 'postgres') => psql('stage1', sql, db, cfg, port);

  before(async function () {
    await requireLab(this);
    ops = new Ops();
    ops.write('vars/port.yml', ['stagesync_source_hosts: stagesync-sourcedb', 'stagesync_dest_hosts: stage1', 'stagesync_sourcedb: production', `stagesync_destdb: ${DB}`, 'stagesync_destdb_role: stage', `stagesync_dest_pg_port: ${port}`, ''].join('\n'));
    await on5433(`DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'stage') THEN CREATE ROLE stage LOGIN; END IF; END $$;`);
    await on5433(`DROP DATABASE IF EXISTS ${DB}_stagesync_prev WITH (FORCE); DROP DATABASE IF EXISTS ${DB} WITH (FORCE); CREATE DATABASE ${DB} OWNER stage;`);
    await on5433('SET ROLE stage; CREATE TABLE stale (id int PRIMARY KEY); INSERT INTO stale VALUES (1);', DB);
  });
  after(() => ops?.remove());

  it('syncs into the cluster the variable names, and only there', async () => {
    const stale = await checksums('stage1', DB, port);
    const r = await ops.run(['-e', 'vars/port.yml', '-t', 'db']);
    expect(r.code, allOutput(r)).to.equal(0);
    expect(await checksums('stage1', DB, port)).to.deep.equal(await checksums('db1', 'production'));
    expect(await checksums('stage1', `${DB}_stagesync_prev`, port)).to.deep.equal(stale);
    expect(await psql('stage1', `SELECT count(*) FROM pg_database WHERE datname LIKE '${DB}%'`)).to.equal('0');
  });

  it('dumps from the source cluster stagesync_source_pg_port names (pg_dump, its preflight)', async () => {
    ops.write('vars/from-port.yml', ['stagesync_source_hosts: stage1', 'stagesync_dest_hosts: stage2', `stagesync_sourcedb: ${DB}`, 'stagesync_destdb: fromport', 'stagesync_destdb_role: stage', `stagesync_source_pg_port: ${port}`, ''].join('\n'));
    const r = await ops.run(['-e', 'vars/from-port.yml', '-t', 'db']);
    expect(r.code, allOutput(r)).to.equal(0);
    expect(await checksums('stage2', 'fromport')).to.deep.equal(await checksums('stage1', DB, port));
  });
});
