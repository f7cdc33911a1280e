// prod → stage1 with the example ops files, end to end through the CLI (issue 4 acceptance).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { psql, requireLab } from '../../lab/index.js';
import { checksums } from '../steps/support.js';
import { allOutput, dbNames, Ops, staleDest } from './support.js';

const SECRET = 'oauth-S3cr3t-e2e-7f1d';
const DB = 'stage';

describe('orchestrate: prod → stage1 on the lab', function () {
  this.timeout(300_000);
  let ops: Ops;
  let previous: Record<string, string>;
  let run: Awaited<ReturnType<Ops['run']>>;
  let report: Record<string, unknown>;

  before(async function () {
    await requireLab(this);
    ops = new Ops();
    await staleDest('stage1', DB);
    previous = await checksums('stage1', DB);
    const reportFile = join(ops.dir, 'report.json');
    run = await ops.run(['-e', 'vars/prod-to-stage1.yml', '-e', `stage_oauth_secret=${SECRET}`, '-t', 'db', '-vvvv', '--report', reportFile]);
    report = JSON.parse(readFileSync(reportFile, 'utf8')) as Record<string, unknown>;
  });
  after(() => ops?.remove());

  it('succeeds with a PLAY RECAP and exit 0', () => {
    expect(run.code, allOutput(run)).to.equal(0);
    expect(run.stdout).to.match(/PLAY RECAP \*+\n(.|\n)*stage1 +: ok=\d+ +changed=\d+ +unreachable=0 +failed=0/);
  });

  it('restores every table identical to the source except the rewritten ones (incl. sequences)', async () => {
    const src = await checksums('db1', 'production');
    const dst = await checksums('stage1', DB);
    const rewritten = ['public.auth_user', 'public.socialaccount_socialapp'];
    for (const k of Object.keys(src)) {
      if (rewritten.includes(k)) continue;
      expect(dst[k], k).to.equal(src[k]);
    }
    expect(Object.keys(dst).sort()).to.deep.equal(Object.keys(src).sort());
  });

  it('applies the post-restore SQL with bound parameters', async () => {
    expect(await psql('stage1', `SELECT client_id || ' ' || secret FROM socialaccount_socialapp WHERE provider = 'google'`, DB)).to.equal(`stage1-google-client-id ${SECRET}`);
    expect(await psql('stage1', `SELECT count(*) FROM auth_user WHERE email NOT LIKE '%@example.invalid'`, DB)).to.equal('0');
  });

  it('objects are owned by the role; extensions are present', async () => {
    const foreign = await psql('stage1', `SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relkind IN ('r','v','m','S','i') AND pg_get_userbyid(c.relowner) <> 'stage' AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = c.oid AND d.deptype = 'e')`, DB);
    expect(foreign).to.equal('0');
    expect(await psql('stage1', `SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname IN ('citext', 'pgcrypto')`, DB)).to.equal('citext,pgcrypto');
    expect(await psql('stage1', `SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = '${DB}'`)).to.equal('stage');
  });

  it('keeps the previous copy as stage_stagesync_prev and leaves no temporary database or dump', async () => {
    expect(await dbNames('stage1', `${DB}\\_stagesync\\_%`)).to.deep.equal([`${DB}_stagesync_prev`]);
    expect(await checksums('stage1', `${DB}_stagesync_prev`)).to.deep.equal(previous);
    expect(await psql('stage1', `SELECT count(*) FROM pg_ls_dir('/tmp/stagesync', true, false)`).catch(() => '0')).to.equal('0');
  });

  it('never prints or reports the secret parameter, even at -vvvv', () => {
    expect(allOutput(run)).to.not.contain(SECRET);
    expect(JSON.stringify(report)).to.not.contain(SECRET);
    expect(run.stdout).to.contain('SSH EXEC'); // -vvv really showed the remote commands
  });

  it('reports steps with durations, bytes, sha256 and row counts', () => {
    const steps = report.steps as { host: string; action: string; durationMs: number }[];
    expect(steps.map((s) => `${s.host} ${s.action}`)).to.include.members(['db1 backup', 'db1 move', 'stage1 restore', 'stage1 verify', 'stage1 swap']);
    expect(steps.every((s) => typeof s.durationMs === 'number')).to.equal(true);
    const dump = report.dump as { bytes: number; sha256: string };
    expect(dump.bytes).to.be.greaterThan(0);
    expect(dump.sha256).to.match(/^[0-9a-f]{64}$/);
    const dests = report.destinations as Record<string, { rowCounts: Record<string, number> }>;
    expect(dests.stage1!.rowCounts['public.auth_user']).to.be.greaterThan(0);
    expect(report.exitCode).to.equal(0);
  });

  it('`orchestrate rollback` brings the previous content back', async () => {
    const r = await ops.run(['rollback', '-e', 'vars/prod-to-stage1.yml']);
    expect(r.code, allOutput(r)).to.equal(0);
    expect(await checksums('stage1', DB)).to.deep.equal(previous);
  });
});
