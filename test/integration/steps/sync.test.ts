// prod → stage1/stage2 through the steps on the lab: backup, move, restore (swap and in_place),
// post-restore SQL, verification, rollback.
import { expect } from 'chai';
import type { Host } from '../../../src/transport/types.js';
import { psql, requireLab } from '../../lab/index.js';
import { backup } from '../../../src/steps/backup.js';
import { move } from '../../../src/steps/move.js';
import { prepareTarget } from '../../../src/steps/restore.js';
import { restoreDestination, type DestinationResult } from './destination.js';
import { rollback } from '../../../src/steps/swap.js';
import { cleanupDest } from '../../../src/steps/cleanup.js';
import { preflightDest, preflightSource, checkCompat } from '../../../src/steps/preflight.js';
import { renderTemplate } from '../../../src/template/index.js';
import {
  BACKUPS_DIR, CUSTOM_SCRIPT, CUSTOM_SCRIPT_TEXT, DEST_DB, ROLE, SRC_DB, TMP_DIR, USER,
  checksums, closeAll, databases, labHosts, resetDest, tmpFiles,
} from './support.js';

const SECRET = 'S3cr3t-client-id-\'"$(x)';

describe('steps on the lab: prod → stage1, stage2', function () {
  this.timeout(180_000);
  let db1: Host;
  let stage1: Host;
  let stage2: Host;
  let dumpPath = '';
  let source: Record<string, string>;
  let stale: Record<string, string>;
  let results: DestinationResult[] = [];

  before(async function () {
    await requireLab(this);
    ({ db1, stage1, stage2 } = await labHosts());
    source = await checksums('db1', SRC_DB);
    stale = await checksums('stage1', DEST_DB);
  });
  after(closeAll);

  it('preflight finds the tools, versions and room on every host', async () => {
    const s = await preflightSource(db1, { backupUser: USER, database: SRC_DB, backupsDir: BACKUPS_DIR });
    const d = await preflightDest(stage1, { backupUser: USER, database: DEST_DB, tmpDir: TMP_DIR, mode: 'swap' });
    expect(s.tools.pg_dump).to.equal(15);
    expect(s.serverMajor).to.equal(15);
    expect(s.dbSize).to.be.greaterThan(1e6);
    expect(d.free[TMP_DIR]).to.be.greaterThan(0);
    expect(d.dataDir).to.match(/^\/var\/lib\/postgresql\//);
    expect(d.free[d.dataDir]).to.be.greaterThan(0);
    // The socket the server answered on (for the post-restore SQL relay); the source is not asked.
    expect(d.pg).to.deep.equal({ socketDir: '/var/run/postgresql', port: 5432 });
    expect(s.pg).to.equal(undefined);
    expect(d.dbSize).to.be.greaterThan(0);
    expect(checkCompat({ source: s, dests: [d] }).filter((p) => p.level === 'error')).to.deep.equal([]);
  });

  it("uses the host's own backup script and never overwrites it", async () => {
    const r = await backup(db1, {
      database: SRC_DB, backupUser: USER, backupGroup: USER, backupScript: CUSTOM_SCRIPT,
      createScripts: false, backupScriptContent: '#!/bin/sh\nexit 99\n', executeBackup: true, backupsDir: BACKUPS_DIR,
    });
    expect(r.ran).to.equal(true);
    expect(r.installed).to.deep.equal([]);
    expect(r.dump.path).to.match(new RegExp(`^${BACKUPS_DIR}/${SRC_DB}\\.db1\\.\\d{4}(-\\d\\d){5}\\.dump$`));
    const now = await db1.exec({ argv: ['cat', CUSTOM_SCRIPT] });
    expect(now.stdout).to.equal(CUSTOM_SCRIPT_TEXT);
    dumpPath = r.dump.path;
  });

  it('installs the rendered script (0750, backup user) and takes the newest dump; or the newest existing one', async () => {
    const script = '/var/lib/postgresql/scripts/steps-rendered.sh';
    const content = renderTemplate('postgresbackup.sh.j2', { stagesync_source_backups_dir: BACKUPS_DIR, inventory_hostname: 'db1' });
    await new Promise((r) => setTimeout(r, 1100)); // a new timestamp in the name
    const r = await backup(db1, {
      database: SRC_DB, backupUser: USER, backupGroup: USER, backupScript: script,
      createScripts: true, backupScriptContent: content, executeBackup: true, backupsDir: BACKUPS_DIR,
    });
    expect(r.installed).to.deep.equal([script]);
    expect((await db1.exec({ argv: ['stat', '-c', '%U:%G %a', script] })).stdout.trim()).to.equal('postgres:postgres 750');
    expect(r.dump.path > dumpPath).to.equal(true);
    const again = await backup(db1, { database: SRC_DB, backupUser: USER, backupGroup: USER, backupScript: script, createScripts: false, executeBackup: false, backupsDir: BACKUPS_DIR });
    expect(again.ran).to.equal(false);
    expect(again.dump.path).to.equal(r.dump.path);
    dumpPath = r.dump.path;
  });

  it('streams the dump to both destinations with matching sha256 on every side', async () => {
    let progress = 0;
    const m = await move({
      dumpPath,
      source: { host: db1, backupUser: USER },
      dests: [stage1, stage2].map((host) => ({ host, backupUser: USER, tmpDir: TMP_DIR })),
      onProgress: (b) => (progress = b),
    });
    expect(m.dests.map((d) => d.ok)).to.deep.equal([true, true]);
    expect(progress).to.equal(m.bytes);
    const onSource = (await db1.exec({ argv: ['sha256sum', dumpPath] }, { become: { user: USER } })).stdout.split(' ')[0];
    expect(m.sha256).to.equal(onSource);
    for (const d of m.dests) if (d.ok) expect(d.path).to.equal(`${TMP_DIR}/${dumpPath.split('/').pop()}`);
    expect(await tmpFiles(stage1)).to.deep.equal([dumpPath.split('/').pop()]);
  });

  it('restores: stage2 identical to the source; stage1 without a table, without FKs, with bound post-restore SQL', async () => {
    const common = { database: DEST_DB, role: ROLE, backupUser: USER, mode: 'swap' as const, jobs: 2, dumpPath: `${TMP_DIR}/${dumpPath.split('/').pop()}` };
    results = await Promise.all([
      restoreDestination(stage1, {
        ...common, excludeTables: ['events'], fkConstraints: false,
        postRestoreSql: [{ sql: "UPDATE socialaccount_socialapp SET client_id = $1, secret = $2 WHERE provider = 'google'", params: [SECRET, SECRET + '2'] }],
      }),
      restoreDestination(stage2, { ...common, excludeTables: [], fkConstraints: true, postRestoreSql: [] }),
    ]);
    expect(results.map((r) => r.swapped)).to.deep.equal([true, true]);
    expect(results[0]!.previous).to.equal(`${DEST_DB}_stagesync_prev`);

    // stage2: every table and sequence identical to the source
    expect(await checksums('stage2', DEST_DB)).to.deep.equal(source);
    expect(results[1]!.verify.rowCounts['public.events']).to.equal(Number(await psql('db1', 'SELECT count(*) FROM events', SRC_DB)));

    // stage1: events absent, no FK at all, the secret applied
    const s1 = await checksums('stage1', DEST_DB);
    expect(Object.keys(s1)).not.to.include('public.events');
    expect(results[0]!.excluded).to.deep.equal(['public.events']);
    expect(await psql('stage1', "SELECT count(*) FROM pg_constraint WHERE contype = 'f'", DEST_DB)).to.equal('0');
    expect(Number(await psql('db1', "SELECT count(*) FROM pg_constraint WHERE contype = 'f'", SRC_DB))).to.be.greaterThan(0);
    expect(await psql('stage1', "SELECT client_id FROM socialaccount_socialapp WHERE provider = 'google'", DEST_DB)).to.equal(SECRET);
    for (const [k, v] of Object.entries(source)) {
      if (k !== 'public.events' && k !== 'public.socialaccount_socialapp' && !k.includes('events')) expect(s1[k], k).to.equal(v);
    }
    // The secret is nowhere in what the step returns.
    expect(JSON.stringify(results)).not.to.include('S3cr3t');
  });

  it('objects are owned by the role, extensions are there, the old copy is kept as _prev', async () => {
    for (const host of ['stage1', 'stage2']) {
      const notOwned = await psql(
        host,
        `SELECT string_agg(c.relname || ':' || pg_get_userbyid(c.relowner), ', ') FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
          WHERE n.nspname NOT IN ('pg_catalog', 'information_schema', 'pg_toast') AND c.relkind IN ('r','S','v','m','p','i') AND pg_get_userbyid(c.relowner) <> '${ROLE}'`,
        DEST_DB,
      );
      expect(notOwned, host).to.equal('');
      const types = await psql(host, `SELECT count(*) FROM pg_type t JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' AND t.typtype = 'e' AND pg_get_userbyid(t.typowner) = '${ROLE}'`, DEST_DB);
      expect(Number(types), host).to.be.greaterThan(0);
      expect(await psql(host, "SELECT string_agg(extname, ',' ORDER BY extname) FROM pg_extension WHERE extname IN ('citext', 'pgcrypto')", DEST_DB)).to.equal('citext,pgcrypto');
      expect(await checksums(host, `${DEST_DB}_stagesync_prev`)).to.deep.equal(stale);
      expect(await databases(host, `${DEST_DB}_stagesync_new`)).to.deep.equal([]);
    }
  });

  it('rollback swaps the previous copy back, and a second rollback returns', async () => {
    const t = { host: stage2, backupUser: USER };
    await rollback(t, DEST_DB);
    expect(await checksums('stage2', DEST_DB)).to.deep.equal(stale);
    await rollback(t, DEST_DB);
    expect(await checksums('stage2', DEST_DB)).to.deep.equal(source);
    await psql('stage2', `DROP DATABASE ${DEST_DB}_stagesync_prev`);
    let err: Error | undefined;
    await rollback(t, DEST_DB).catch((e: Error) => (err = e));
    expect(err?.message).to.match(/no previous copy steps_stage_stagesync_prev/);
  });

  it('in_place restores over the live database (pg_restore --clean --if-exists)', async () => {
    await resetDest('stage2');
    await psql('stage2', `SET ROLE ${ROLE}; CREATE TABLE auth_user(id int); INSERT INTO auth_user VALUES (1);`, DEST_DB);
    const r = await restoreDestination(stage2, {
      database: DEST_DB, role: ROLE, backupUser: USER, mode: 'in_place', jobs: 1, excludeTables: [], fkConstraints: true, postRestoreSql: [],
      dumpPath: `${TMP_DIR}/${dumpPath.split('/').pop()}`,
    });
    expect(r.swapped).to.equal(false);
    const got = await checksums('stage2', DEST_DB);
    const { 'public.stale': staleTable, ...rest } = got;
    expect(staleTable).to.be.a('string'); // in place keeps what the dump does not name
    expect(rest).to.deep.equal(source);
    expect(await databases('stage2', `${DEST_DB}_stagesync_%`)).to.deep.equal([]);
  });

  it('prepares the new database in one session for a name that needs quoting everywhere, replacing a leftover', async () => {
    const name = `we'ird\\ "db" x`;
    const fresh = `${name}_stagesync_new`;
    const q = (n: string) => `"${n.replace(/"/g, '""')}"`;
    await psql('stage2', `DROP DATABASE IF EXISTS ${q(fresh)}; CREATE DATABASE ${q(fresh)};`);
    await psql('stage2', 'CREATE TABLE leftover(id int);', fresh);
    try {
      expect(await prepareTarget(stage2, { database: name, role: ROLE, backupUser: USER, mode: 'swap' })).to.equal(fresh);
      const owners = await psql('stage2', "SELECT datdba::regrole || ' ' || (SELECT nspowner::regrole FROM pg_namespace WHERE nspname = 'public') FROM pg_database WHERE datname = current_database()", fresh);
      expect(owners.trim()).to.equal(`${ROLE} ${ROLE}`);
      expect(await psql('stage2', "SELECT count(*) FROM pg_class WHERE relname = 'leftover'", fresh)).to.match(/^0\s*$/);
    } finally {
      await psql('stage2', `DROP DATABASE IF EXISTS ${q(fresh)};`);
    }
  });

  it('cleanup removes the dumps on the destinations', async () => {
    for (const h of [stage1, stage2]) {
      await cleanupDest(h, { database: DEST_DB, backupUser: USER, tmpDir: TMP_DIR, dumpPath });
      expect(await tmpFiles(h)).to.deep.equal([]);
    }
  });
});
