// Real syncs on the lab (db1 → dev1, a small database of our own): at -vvvv nothing secret
// reaches stdout, stderr, the report or the webhook, though the secrets were used (the SQL param
// is in the restored copy, the hook saw its password); and the same run on a terminal draws the
// listr2 tree, ending with the recap.
import { expect } from 'chai';
import { execa } from 'execa';
import { cpSync, existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { labEnv, psql, requireLab } from '../../lab/index.js';
import { orchestrate, orchestrateBin, repoRoot } from '../../support/cli.js';
import { hasScript, runInPty } from '../../unit/ops/pty.js';
import { opsDir, type OpsDir } from './support.js';

const PARAM = 'Pa55-param-SECRET-9';
const PASSWORD = 'Hunter-Passw0rd-SECRET-7';
const SRC = 'ops_src';
const DST = 'ops_dst';

const createRole = (r: string) => `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${r}') THEN CREATE ROLE ${r} LOGIN; END IF; END $$;`;

describe('a real run on the lab: secrets at -vvvv, the terminal tree', function () {
  this.timeout(180_000);
  let ops: OpsDir;
  let server: Server;
  const bodies: string[] = [];
  let env: Record<string, string>;

  before(async function () {
    await requireLab(this);
    await psql('db1', `DROP DATABASE IF EXISTS ${SRC} WITH (FORCE);\nCREATE DATABASE ${SRC};`);
    await psql('db1', `CREATE TABLE t(id int PRIMARY KEY, v text); INSERT INTO t SELECT g, 'row ' || g FROM generate_series(1, 200) g;`, SRC);
    await psql('dev1', [createRole('stage'), ...['', '_stagesync_new', '_stagesync_prev'].map((s) => `DROP DATABASE IF EXISTS ${DST}${s} WITH (FORCE);`), `CREATE DATABASE ${DST} OWNER stage;`].join('\n'));

    server = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        bodies.push(b);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const hook = `http://127.0.0.1:${(server.address() as { port: number }).port}/hook`;
    ops = opsDir({
      'vars/ops.yml': [
        'stagesync_source_hosts: stagesync-sourcedb',
        'stagesync_dest_hosts: dev1',
        `stagesync_sourcedb: ${SRC}`,
        `stagesync_destdb: ${DST}`,
        'stagesync_destdb_role: stage',
        `ops_api_password: "${PASSWORD}"`,
        'stagesync_post_restore_sql:',
        '  - sql: "UPDATE t SET v = $1 WHERE id = 1"',
        `    params: ["${PARAM}"]`,
        'stagesync_post_restore_commands:',
        '  - "echo api={{ ops_api_password }}"',
        `stagesync_notify_webhook: "${hook}"`,
        'stagesync_copies: []',
        '',
      ].join('\n'),
    });
    for (const dir of ['inventories', 'group_vars']) cpSync(join(repoRoot, dir), join(ops.dir, dir), { recursive: true });
    env = { ...labEnv(), NO_COLOR: '1' };
  });
  after(async () => {
    ops?.remove();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('-vvvv: every remote command and the ssh debug are shown, no secret is', async () => {
    const r = await orchestrate(['-e', 'vars/ops.yml', '-t', 'db', '-vvvv', '--confirm', DST, '--report', 'r.json'], { cwd: ops.dir, env });
    const report = readFileSync(join(ops.dir, 'r.json'), 'utf8');
    expect(r.code, r.stdout.slice(-3000) + r.stderr).to.equal(0);
    // The levels did their work: commands (-vvv) and ssh2's protocol debug (-vvvv).
    expect(r.stdout).to.match(/SSH EXEC /);
    expect(r.stdout).to.match(/ssh2: /);
    expect(r.stdout).to.include('echo api=********');
    for (const secret of [PARAM, PASSWORD]) {
      expect(r.stdout, 'stdout').to.not.include(secret);
      expect(r.stderr, 'stderr').to.not.include(secret);
      expect(report, 'report').to.not.include(secret);
      for (const b of bodies) expect(b, 'webhook').to.not.include(secret);
    }
    // ...and yet they were used: the param is in the restored copy, the hook printed the password.
    expect(await psql('dev1', 'SELECT v FROM t WHERE id = 1', DST)).to.equal(PARAM);
    const hook = (JSON.parse(report).steps as { action: string; data?: { output?: string } }[]).find((s) => s.action === 'post_restore_commands');
    expect(hook?.data?.output).to.include('api=********');
    // The success message.
    expect(bodies).to.have.length(1);
    const p = JSON.parse(bodies[0]!);
    expect(p.text).to.match(/^stagesync ops succeeded in /);
    expect(p.attachments[0].fields.map((f: { title: string }) => f.title)).to.include.members(['pair', 'result', 'duration', 'db1', 'dev1']);
  });

  it('schedule: SIGTERM during a run aborts it safely (the destination keeps its database) and exits 0', async function () {
    const bin = orchestrateBin;
    if (!existsSync(bin)) this.skip();
    await psql('dev1', 'UPDATE t SET v = \'before the scheduled run\' WHERE id = 1', DST);
    const child = execa(process.execPath, [bin, 'schedule', '--cron', '* * * * * *', '-e', 'vars/ops.yml', '-t', 'db'], { cwd: ops.dir, env, reject: false, stdin: 'ignore', forceKillAfterDelay: false });
    let out = '';
    child.stdout!.on('data', (c: Buffer) => (out += c.toString()));
    const deadline = Date.now() + 30_000;
    // Stop once the run holds the destination's lock: it is writing-capable, not yet swapped.
    while (!/ok: \[dev1\] lock/.test(out) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    child.kill('SIGTERM');
    const r = await child;
    expect(r.exitCode, out + r.stderr).to.equal(0);
    expect(out).to.include('schedule: SIGTERM: stopping once the current run has stopped and cleaned up');
    expect(out).to.include('interrupted: stopping and cleaning up');
    expect(out).to.match(/schedule: run finished with exit code 99 /);
    expect((out.match(/schedule: run started/g) ?? []).length).to.equal(1);
    expect(out.trimEnd()).to.match(/schedule: stopped$/);
    expect(await psql('dev1', 'SELECT v FROM t WHERE id = 1', DST)).to.equal('before the scheduled run');
    expect(await psql('dev1', `SELECT count(*) FROM pg_database WHERE datname = '${DST}_stagesync_new'`)).to.equal('0');
  });

  it('on a terminal: the pair → host → step tree with outcomes, then the recap', async function () {
    if (!hasScript() || !existsSync(orchestrateBin)) this.skip();
    const r = await runInPty([process.execPath, orchestrateBin, '-e', 'vars/ops.yml', '-t', 'db', '-vvv', '--confirm', DST], { cwd: ops.dir, env });
    expect(r.code, r.text.slice(-3000)).to.equal(0);
    expect(r.raw).to.not.include(PARAM);
    expect(r.raw).to.not.include(PASSWORD);
    const frame = r.text.slice(r.text.lastIndexOf('\n', r.text.lastIndexOf('PLAY [ops]')) + 1);
    const lines = frame.split('\n').map((l) => l.trimEnd());
    expect(lines[0]).to.equal('✔ PLAY [ops]');
    const hosts = lines.filter((l) => /^ {2}\S+ \S+$/.test(l));
    expect(hosts).to.deep.equal(['  ✔ db1', '  ✔ dev1']);
    for (const step of [/^ {4}✔ backup: changed => /, /^ {4}✔ move: changed => /, /^ {4}✔ restore: changed => /, /^ {4}✔ post_restore_sql: changed => UPDATE 1/, /^ {4}✔ swap: changed => /, /^ {4}✔ post_restore_commands: changed => echo api=\*{8}/]) {
      expect(lines.some((l) => step.test(l)), String(step)).to.equal(true);
    }
    // -vvv command lines scrolled above the tree, masked.
    expect(r.text).to.match(/<ssh> .*SSH EXEC /);
    const recap = lines.findIndex((l) => l.startsWith('PLAY RECAP'));
    expect(recap).to.be.greaterThan(0);
    expect(lines.slice(recap + 1).filter(Boolean).every((l) => /^\S+\s+: ok=\d+/.test(l))).to.equal(true);
  });
});
