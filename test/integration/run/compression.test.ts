// stagesync_dump_compression on the lab (pg_dump 15): a level reaches pg_dump (the dump's header
// says so); lz4 is refused by the preflight before anything is written.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { requireLab, sshExec } from '../../lab/index.js';
import { checksums } from '../steps/support.js';
import { allOutput, Ops, staleDest } from './support.js';

const DB = 'compressed';

describe('orchestrate: stagesync_dump_compression', function () {
  this.timeout(300_000);
  let ops: Ops;

  before(async function () {
    await requireLab(this);
    ops = new Ops();
    ops.write('vars/compress.yml', ['stagesync_source_hosts: stagesync-sourcedb', 'stagesync_dest_hosts: stage1', 'stagesync_sourcedb: production', `stagesync_destdb: ${DB}`, 'stagesync_destdb_role: stage', ''].join('\n'));
  });
  after(() => ops?.remove());

  const headerOf = async (report: string): Promise<string> => {
    const dump = (JSON.parse(readFileSync(report, 'utf8')) as { dump: { path: string } }).dump.path;
    const r = await sshExec('db1', `pg_restore -l ${dump} | grep -i compression`);
    return r.stdout.trim();
  };

  for (const [value, level] of [['0', '0'], ['gzip:9', '9'], [undefined, '1']] as const) {
    it(`${value === undefined ? 'the default' : value} gives pg_dump --compress=${level}`, async () => {
      await staleDest('stage1', DB);
      const report = join(ops.dir, `report-${level}.json`);
      const r = await ops.run(['-e', 'vars/compress.yml', '-t', 'db', '--report', report, ...(value === undefined ? [] : ['-e', `stagesync_dump_compression=${value}`])]);
      expect(r.code, allOutput(r)).to.equal(0);
      expect(await headerOf(report)).to.match(new RegExp(`Compression: (gzip, level )?${level}$`));
      expect(await checksums('stage1', DB)).to.deep.equal(await checksums('db1', 'production'));
    });
  }

  it('lz4 with pg_dump 15: refused in preflight, nothing written', async () => {
    const r = await ops.run(['-e', 'vars/compress.yml', '-t', 'db', '-e', 'stagesync_dump_compression=lz4']);
    expect(r.code, allOutput(r)).to.equal(2);
    expect(r.stdout).to.contain('stagesync_dump_compression: lz4 needs pg_dump 16 or newer; pg_dump here is 15');
    expect(r.stdout).not.to.match(/\] backup/);
  });
});
