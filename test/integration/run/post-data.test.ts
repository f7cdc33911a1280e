// stagesync_restore_jobs above 1 in swap mode: pre-data and data restored as the dump arrives,
// then indexes and constraints (post-data) with pg_restore --jobs from the complete copy.
import { expect } from 'chai';
import { psql, requireLab } from '../../lab/index.js';
import { checksums } from '../steps/support.js';
import { allOutput, Ops, staleDest } from './support.js';

const DB = 'postdata';
const defs = (host: string, db: string) =>
  psql(host, `SELECT string_agg(indexdef, E'\\n' ORDER BY indexdef) FROM pg_indexes WHERE schemaname = 'public'`, db).then(async (i) => `${i}\n${await psql(host, `SELECT string_agg(conname || ' ' || pg_get_constraintdef(oid), E'\\n' ORDER BY conname) FROM pg_constraint WHERE connamespace = 'public'::regnamespace`, db)}`);

describe('orchestrate: post-data with --jobs after a pipelined restore', function () {
  this.timeout(300_000);
  let ops: Ops;

  before(async function () {
    await requireLab(this);
    ops = new Ops();
    ops.write('vars/post-data.yml', ['stagesync_source_hosts: stagesync-sourcedb', 'stagesync_dest_hosts: stage1', 'stagesync_sourcedb: production', `stagesync_destdb: ${DB}`, 'stagesync_destdb_role: stage', 'stagesync_restore_jobs: 2', ''].join('\n'));
  });
  after(() => ops?.remove());

  it('plans the restore with the stream, post-data from the copy', async () => {
    const r = await ops.run(['--check', '-e', 'vars/post-data.yml', '-t', 'db']);
    expect(r.stdout).to.match(/stage1 +restore +restore into postdata_stagesync_new owned by stage as the dump arrives \(post-data with --jobs 2 from the complete copy\)/);
  });

  it('restores the same rows, indexes and constraints as the source', async () => {
    await staleDest('stage1', DB);
    const r = await ops.run(['-e', 'vars/post-data.yml', '-t', 'db', '-vvv']);
    expect(r.code, allOutput(r)).to.equal(0);
    expect(r.stdout).to.contain('--section=post-data');
    expect(await checksums('stage1', DB)).to.deep.equal(await checksums('db1', 'production'));
    expect(await defs('stage1', DB)).to.equal(await defs('db1', 'production'));
  });
});
