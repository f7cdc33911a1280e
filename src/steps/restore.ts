// Restore on a destination (docs/run.md, step 5). Swap mode: into a fresh `<destdb>_stagesync_new`,
// owned by the role, which the run then post-SQLs, verifies and swaps in; any failure before the
// swap drops it and leaves `<destdb>` as it was. in_place mode: `pg_restore --clean --if-exists` into the
// live database, as the Stage Sync role does (no such guarantee).
import type { Host } from '../transport/types.js';
import { isRetryable } from './errors.js';
import { listPathOf, pgRestore, readFilteredToc, writeFileAs } from './pg-restore.js';
import type { PostRestoreSql } from './post-sql.js';
import { connectCommand, databaseExists, newDbName, quoteIdent as id, runSql, type PgConn, type SqlTarget } from './sql.js';
import type { TableName } from './verify.js';
import { backoffDelay, sleep } from '../util/backoff.js';
import { valueOrNothing } from '../util/settle.js';

export interface RestoreParams {
  database: string;
  role: string;
  backupUser: string;
  mode: 'swap' | 'in_place';
  excludeTables: string[];
  fkConstraints: boolean;
  jobs: number;
  postRestoreSql: PostRestoreSql[];
  /** A masked sync: pre-data and data only; post-data comes after the masked rows. */
  sections?: 'data';
  /** The dump on this host (from the move step). */
  dumpPath: string;
  pg?: PgConn;
  signal?: AbortSignal;
}

export interface PreparedRestore {
  /** Where the dump was restored (`<destdb>_stagesync_new`, or `<destdb>` in place). */
  restoredInto: string;
  tables: TableName[];
  excluded: string[];
  /** exclude patterns that matched no table (likely typos). */
  unmatchedExcludes: string[];
  durationMs: number;
}

/** Drop `<destdb>_stagesync_new` if it exists (a leftover, or after a failure). */
export async function dropNew(host: Host, p: { database: string; backupUser: string; pg?: PgConn }): Promise<boolean> {
  const t = { host, backupUser: p.backupUser, pg: p.pg };
  const fresh = newDbName(p.database);
  // The failure that brought us here may be the server restarting: give it time to come back
  // (both statements are idempotent); an error that is not worth another attempt fails at once.
  for (let retry = 0; ; retry++) {
    try {
      if (!(await databaseExists(t, fresh))) return false;
      await runSql(t, 'postgres', `DROP DATABASE IF EXISTS ${id(fresh)} WITH (FORCE);`, 'cleanup');
      return true;
    } catch (e) {
      if (!isRetryable(e) || retry >= DROP_RETRIES) throw e;
      await sleep(backoffDelay(retry, DROP_BACKOFF));
    }
  }
}

/** dropNew's pauses: 0.5, 1, 2, 4, 8 s, about 16 s in all across a server restart. */
const DROP_RETRIES = 5;
const DROP_BACKOFF = { baseMs: 500, capMs: 8_000, jitter: 'none' } as const;

/**
 * An empty database owned by the role. template0: nothing from template1 can clash with the
 * dump. PostgreSQL 15 gives `public` to pg_database_owner; the role owns it outright here so
 * a dump from any version restores the same way.
 */
async function createFresh(t: SqlTarget, db: string, role: string, dropFirst = false): Promise<void> {
  // One psql session (each is a round trip): drop, create, then into the new database.
  await runSql(
    t,
    'postgres',
    [
      ...(dropFirst ? [`DROP DATABASE IF EXISTS ${id(db)} WITH (FORCE);`] : []),
      `CREATE DATABASE ${id(db)} OWNER ${id(role)} TEMPLATE template0;`,
      connectCommand(db, t.pg),
      `ALTER SCHEMA public OWNER TO ${id(role)};`,
      `GRANT ALL ON SCHEMA public TO ${id(role)};`,
    ].join('\n'),
    'restore',
  );
}

/**
 * The database pg_restore writes into: swap mode, a fresh `<destdb>_stagesync_new` (a leftover
 * one dropped first); in_place, the live database (created when missing). Returns its name.
 */
export async function prepareTarget(host: Host, p: { database: string; role: string; backupUser: string; mode: 'swap' | 'in_place'; sections?: 'data'; pg?: PgConn }): Promise<string> {
  const t: SqlTarget = { host, backupUser: p.backupUser, pg: p.pg };
  const into = p.mode === 'swap' ? newDbName(p.database) : p.database;
  if (p.mode === 'swap') {
    // A leftover new database (an earlier run cut short) is dropped first.
    await createFresh(t, into, p.role, true);
  } else if (!(await databaseExists(t, into))) {
    await createFresh(t, into, p.role);
  } else if (p.sections === 'data') {
    // --clean without the post-data section drops tables but not the foreign keys between them,
    // which would stop the drops: they go first (the post-data pass makes them again).
    await runSql(t, into, DROP_FOREIGN_KEYS, 'restore');
  }
  return into;
}

const DROP_FOREIGN_KEYS = `DO $$DECLARE r record; BEGIN
FOR r IN SELECT c.conrelid::regclass AS t, c.conname FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace
  WHERE c.contype = 'f' AND n.nspname NOT IN ('pg_catalog', 'information_schema') LOOP
  EXECUTE format('ALTER TABLE %s DROP CONSTRAINT IF EXISTS %I', r.t, r.conname);
END LOOP; END$$;`;

/** TOC + list + (swap) fresh database + pg_restore. Swap mode drops the new database on failure. */
export async function restoreDump(host: Host, p: RestoreParams): Promise<PreparedRestore> {
  const started = Date.now();
  const toc = await readFilteredToc(host, p.backupUser, p.dumpPath, { excludeTables: p.excludeTables, fkConstraints: p.fkConstraints });
  const listPath = listPathOf(p.dumpPath);
  await writeFileAs(host, p.backupUser, listPath, toc.list);
  let into: string;
  try {
    into = await prepareTarget(host, p);
    await pgRestore(host, { ...p, database: into, listPath, clean: p.mode === 'in_place' });
  } catch (e) {
    // Best effort, the restore's own error is the one told: a _stagesync_new left behind is
    // dropped by this destination's cleanup step, which always runs.
    if (p.mode === 'swap') await valueOrNothing(dropNew(host, p));
    throw e;
  } finally {
    // Best effort: a --use-list left in the private temp dir lists table names, no data.
    await valueOrNothing(host.exec({ argv: ['rm', '-f', listPath] }, { become: { user: p.backupUser } }));
  }
  return { restoredInto: into, tables: toc.tables, excluded: toc.excluded, unmatchedExcludes: toc.unmatched, durationMs: Date.now() - started };
}
