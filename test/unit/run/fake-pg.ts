// The commands the database steps send, answered as a PostgreSQL host would (files, databases,
// the advisory lock of another run), on a FakeHost: enough for the run layer's orchestration
// tests. Tests add rules on top (a failure, a lost connection) with FakeHost.on().
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../../src/util/paths.js';
import { FakeHost, type FakeCall } from './fake-host.js';

const TOC = readFileSync(join(packageRoot(), 'test/unit/steps/fixtures/toc-verbose.txt'), 'utf8');
export const BACKUP_SCRIPT = '/scripts/stagesync-backup.sh';

export interface PgState {
  files: Map<string, Buffer>;
  databases: Set<string>;
  /** Another run holds the stagesync lock here. */
  lockHeldElsewhere: boolean;
  /** The value a check's query gives (stagesync_checks), by its SQL. */
  checkValue: (sql: string) => unknown;
}

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const psql = (c: FakeCall) => c.argv[0] === 'psql';
const names = (sql: string, re: RegExp) => [...sql.matchAll(re)].map((m) => m[1]!);

export function fakePgHost(name: string, init: { databases?: string[] } = {}): FakeHost & { pg: PgState } {
  const pg: PgState = { files: new Map(), databases: new Set(init.databases ?? []), lockHeldElsewhere: false, checkValue: () => 3 };
  const h = Object.assign(new FakeHost(name), { pg });
  const file = (p: string) => pg.files.get(p);
  h.on({ match: (c) => c.text.includes('@@tool'), exec: (c) => ({ stdout: facts(c.user ?? 'root') }) })
    .on({ match: (c) => c.text.includes('stagesync-lock'), spawn: () => ({ onLine: (l) => (l.includes('pg_try_advisory_lock') ? (pg.lockHeldElsewhere ? 'f' : 't') : 'pid 4242 (another run)') }) })
    .on({ match: (c) => c.argv[0] === 'date', exec: () => ({ stdout: `${Math.floor(Date.now() / 1000)}\n` }) })
    .on({ match: (c) => c.argv[0] === BACKUP_SCRIPT, exec: (c) => void pg.files.set(`/backups/${c.argv.at(-1)}.${name}.2026-12-04.dump`, Buffer.from(`PGDMP dump of ${c.argv.at(-1)}`)) })
    .on({ match: (c) => c.text.includes('-printf'), exec: () => ({ stdout: [...pg.files].filter(([p]) => p.startsWith('/backups/')).map(([p, b]) => `${Date.now() / 1000} ${b.length} ${p}`).join('\n') }) })
    .on({ match: (c) => c.argv[0] === 'stat', exec: (c) => (file(c.argv.at(-1)!) ? { stdout: `${file(c.argv.at(-1)!)!.length}\n` } : { code: 1, stderr: 'No such file' }) })
    .on({ match: (c) => c.text.includes('dgst -sha256'), exec: (c) => (file(c.argv.at(-1)!) ? { stdout: `${sha(file(c.argv.at(-1)!)!)} *stdin\n${file(c.argv.at(-1)!)!.length}\n` } : { code: 1, stderr: 'No such file' }) })
    .on({ match: (c) => c.argv[0] === 'cat', spawn: (c) => ({ stdout: file(c.argv[1]!) ?? Buffer.alloc(0) }) })
    // The move's writer: sh -c WRITER sh DIR TEMP SIZE
    .on({ match: (c) => c.text.includes('short write'), spawn: (c) => ({ onEnd: (fed) => void pg.files.set(c.argv[5]!, fed) }) })
    .on({ match: (c) => c.argv[0] === 'mv', exec: (c) => void (pg.files.set(c.argv[3]!, file(c.argv[2]!)!), pg.files.delete(c.argv[2]!)) })
    .on({ match: (c) => c.text.includes('umask 077; cat >'), exec: (c) => void pg.files.set(c.argv.at(-1)!, Buffer.from(c.stdin)) })
    .on({ match: (c) => c.argv[0] === 'pg_restore' && c.argv[1] === '-l', exec: () => ({ stdout: TOC }) })
    .on({ match: psql, exec: (c) => ({ stdout: sql(pg, c.stdin) }) });
  return h;
}

function facts(user: string): string {
  const tools = ['pg_dump', 'pg_restore', 'psql'].map((t) => `@@tool ${t} ${t} (PostgreSQL) 15.8`);
  return [user, ...tools, '@@server 150008|1048576|/var/run/postgresql|5432|/var/lib/postgresql/15/main', '@@free 104857600', '@@free 104857600', ''].join('\n');
}

/** What psql would print for the statements the steps send, and their effect on the databases. */
function sql(pg: PgState, text: string): string {
  const dbs = pg.databases;
  if (text.includes('\\gset')) return swap(pg, names(text, /RENAME TO "([^"]+)";/g).at(-1)!);
  if (text.includes('json_object_agg')) return '[]\n{"public.users": 3, "app.users": 2}\n';
  if (text.startsWith('BEGIN READ ONLY;')) return `${JSON.stringify([{ value: pg.checkValue(text) }])}\n`;
  const exists = /FROM pg_database WHERE datname = '([^']+)'/.exec(text);
  if (exists) return dbs.has(exists[1]!) ? '1\n' : '\n';
  for (const d of names(text, /DROP DATABASE IF EXISTS "([^"]+)"/g)) dbs.delete(d);
  for (const d of names(text, /CREATE DATABASE "([^"]+)"/g)) dbs.add(d);
  for (const m of text.matchAll(/ALTER DATABASE "([^"]+)" RENAME TO "([^"]+)";/g)) {
    dbs.delete(m[1]!);
    dbs.add(m[2]!);
  }
  return '';
}

/** The swap script: `<db>_stagesync_new` becomes `<db>`, which becomes `_stagesync_prev`. */
function swap(pg: PgState, db: string): string {
  const dbs = pg.databases;
  if (!dbs.has(`${db}_stagesync_new`)) return 'stagesync-swap: missing\n';
  dbs.delete(`${db}_stagesync_new`);
  if (!dbs.has(db)) {
    dbs.add(db);
    return 'stagesync-swap: created\n';
  }
  const hadPrev = dbs.has(`${db}_stagesync_prev`);
  if (hadPrev) dbs.add(`${db}_stagesync_old`);
  dbs.add(`${db}_stagesync_prev`);
  return `stagesync-swap: swapped ${hadPrev ? 't' : 'f'}\n`;
}
