// Lab helpers for the step tests: SSH hosts, a private source database, content checksums.
// Databases and dirs carry a `steps` prefix so these tests never touch what other suites use.
import { readFileSync } from 'node:fs';
import { Transform } from 'node:stream';
import { join } from 'node:path';
import { labConfig, psql } from '../../lab/index.js';
import { SshHost } from '../../../src/transport/ssh-host.js';
import type { Host } from '../../../src/transport/types.js';
import { packageRoot } from '../../../src/util/paths.js';

export const SRC_DB = 'steps_prod';
export const DEST_DB = 'steps_stage';
export const ROLE = 'stage';
export const USER = 'postgres';
export const BACKUPS_DIR = '/opt/backups/steps';
export const TMP_DIR = '/tmp/stagesync-steps';

const opened: SshHost[] = [];

/** A fresh SSH connection to a lab host (closed by closeAll). */
export function labSsh(name: string): SshHost {
  const cfg = labConfig();
  const h = new SshHost(name, {
    alias: name,
    hostKeyChecking: true,
    configEnv: { home: cfg.home, localUser: 'root', systemConfig: null },
    agentSocket: null,
  });
  opened.push(h);
  return h;
}

export async function closeAll(): Promise<void> {
  await Promise.all(opened.splice(0).map((h) => h.close().catch(() => undefined)));
}

const createRole = (r: string) => `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${r}') THEN CREATE ROLE ${r} LOGIN; END IF; END $$;`;

/** `steps_prod` on db1: the lab's production seed, loaded once (reused while it is complete). */
export async function ensureSource(): Promise<void> {
  const done = await psql('db1', `SELECT count(*) FROM pg_database WHERE datname = '${SRC_DB}' AND datallowconn AND NOT datistemplate AND datconnlimit = -1 AND pg_catalog.shobj_description(oid, 'pg_database') = 'steps: complete'`);
  if (done === '1') return;
  await psql('db1', `${createRole('app')}\nDROP DATABASE IF EXISTS ${SRC_DB} WITH (FORCE);\nCREATE DATABASE ${SRC_DB} OWNER app;`);
  await psql('db1', readFileSync(join(packageRoot(), 'test/lab/seed-production.sql'), 'utf8'), SRC_DB);
  await psql('db1', `COMMENT ON DATABASE ${SRC_DB} IS 'steps: complete'`);
}

/** The destination database with some stale content of its own, owned by the role. */
export async function resetDest(host: string, db = DEST_DB): Promise<void> {
  await psql(
    host,
    [
      createRole(ROLE),
      `DROP DATABASE IF EXISTS ${db}_stagesync_new WITH (FORCE);`,
      `DROP DATABASE IF EXISTS ${db}_stagesync_prev WITH (FORCE);`,
      `DROP DATABASE IF EXISTS ${db} WITH (FORCE);`,
      `CREATE DATABASE ${db} OWNER ${ROLE};`,
    ].join('\n'),
  );
  await psql(host, `SET ROLE ${ROLE}; CREATE TABLE stale(id int primary key, note text); INSERT INTO stale SELECT g, 'old ' || g FROM generate_series(1, 500) g;`, db);
}

export async function databases(host: string, like: string): Promise<string[]> {
  const out = await psql(host, `SELECT datname FROM pg_database WHERE datname LIKE '${like}' ORDER BY 1`);
  return out ? out.split('\n') : [];
}

/** `schema.table` → md5 of its rows in a fixed order, for every user table; plus sequence states. `port`: another cluster of the host. */
export async function checksums(host: string, db: string, port?: number): Promise<Record<string, string>> {
  const q = (sql: string) => psql(host, sql, db, labConfig(), port);
  const tables = (await q(`SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`))
    .split('\n')
    .filter(Boolean);
  const seqs = (await q(`SELECT format('%I.%I', schemaname, sequencename) FROM pg_sequences ORDER BY 1`)).split('\n').filter(Boolean);
  const parts = [
    ...tables.map((t) => `SELECT '${t.replace(/'/g, "''")}' AS k, coalesce(md5(string_agg(x::text, E'\\n' ORDER BY x::text)), 'empty') AS v FROM ${t} x`),
    ...seqs.map((s) => `SELECT 'seq ${s.replace(/'/g, "''")}', last_value::text || ' ' || is_called::text FROM ${s}`),
  ];
  if (parts.length === 0) return {};
  const out = await q(parts.join('\nUNION ALL ') + ';');
  return Object.fromEntries(out.split('\n').map((l) => l.split('|') as [string, string]));
}

/** Files left in the steps' tmp dir on a host (as seen inside its namespace). */
export async function tmpFiles(h: Host): Promise<string[]> {
  const r = await h.exec({ script: `ls -A ${TMP_DIR} 2>/dev/null || true` });
  return r.stdout.split('\n').filter(Boolean);
}

/** Wait until `f` holds (or time out with the last value shown). */
export async function eventually<T>(f: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const until = Date.now() + ms;
  let v = await f();
  while (!ok(v) && Date.now() < until) {
    await new Promise((r) => setTimeout(r, 200));
    v = await f();
  }
  return v;
}

export const CUSTOM_SCRIPT = '/var/lib/postgresql/scripts/steps-custom.sh';
/** The host's "own" backup script (stagesync_backups_create_backups_scripts: false). */
export const CUSTOM_SCRIPT_TEXT = `#!/bin/sh
# steps test: a custom backup script that must never be overwritten
set -e
umask 077
for db in "$@"; do
  name="$db.db1.$(date +%Y-%m-%d-%H-%M-%S).dump"
  pg_dump -Fc -f "${BACKUPS_DIR}/.$name.partial" "$db"
  mv "${BACKUPS_DIR}/.$name.partial" "${BACKUPS_DIR}/$name"
done
`;

/** Backups dir and custom script on db1 (as root, the lab's login user). */
export async function prepareSourceHost(db1: Host): Promise<void> {
  const r = await db1.exec({
    script: `mkdir -p ${BACKUPS_DIR} /var/lib/postgresql/scripts && chown postgres:postgres ${BACKUPS_DIR} /var/lib/postgresql/scripts`,
  });
  if (r.code !== 0) throw new Error(r.stderr);
  await db1.putFile(CUSTOM_SCRIPT, CUSTOM_SCRIPT_TEXT, { mode: 0o750, owner: 'postgres', group: 'postgres' });
}

/** db1, stage1 and stage2 connected; steps_prod on db1 with its backups dir; a stale steps_stage on both stages. */
export async function labHosts(): Promise<{ db1: Host; stage1: Host; stage2: Host }> {
  const hosts = { db1: labSsh('db1'), stage1: labSsh('stage1'), stage2: labSsh('stage2') };
  await Promise.all([ensureSource(), resetDest('stage1'), resetDest('stage2'), prepareSourceHost(hosts.db1)]);
  return hosts;
}

/** A dump of steps_prod on db1 (the newest, or a new one made with the custom script). */
export async function ensureDump(db1: Host): Promise<string> {
  const { backup, newestDump } = await import('../../../src/steps/backup.js');
  await prepareSourceHost(db1);
  const have = await newestDump(db1, { database: SRC_DB, backupsDir: BACKUPS_DIR, backupUser: USER });
  if (have) return have.path;
  const r = await backup(db1, { database: SRC_DB, backupUser: USER, backupGroup: USER, backupScript: CUSTOM_SCRIPT, createScripts: false, executeBackup: true, backupsDir: BACKUPS_DIR });
  return r.dump.path;
}

export const destPathOf = (dump: string): string => `${TMP_DIR}/${dump.split('/').pop()}`;

/** The host, but the byte at `offset` of what is written to its `sh -c` writers (the move's) is flipped. */
export function corrupting(h: Host, offset: number): Host {
  return {
    name: h.name,
    connect: () => h.connect(),
    exec: (c, o) => h.exec(c, o),
    putFile: (...a) => h.putFile(...a),
    close: () => h.close(),
    spawn(cmd, o) {
      const p = h.spawn(cmd, o);
      if (!('argv' in cmd) || cmd.argv[0] !== 'sh') return p;
      let seen = 0;
      const t = new Transform({
        transform(chunk: Buffer, _e, cb) {
          if (seen <= offset && seen + chunk.length > offset) {
            chunk = Buffer.from(chunk);
            chunk[offset - seen]! ^= 0xff;
          }
          seen += chunk.length;
          cb(null, chunk);
        },
      });
      t.pipe(p.stdin);
      return { ...p, stdin: t };
    },
  };
}
