// The end of a rehearsal (docs/rehearsal.md): no swap. The new copy is dropped, or with --keep
// renamed to `<db>_stagesync_rehearsal` for inspection (the one an earlier rehearsal kept is
// replaced). `<db>` is never touched.
import { dropNew } from './restore.js';
import { derivedDbName, newDbName, quoteIdent as id, quoteLiteral as lit, runSql, type SqlTarget } from './sql.js';

export const rehearsalDbName = (db: string): string => derivedDbName(db, '_stagesync_rehearsal');

export interface RehearsalEnd {
  /** `<db>_stagesync_rehearsal` when kept. */
  kept?: string;
  dropped: boolean;
}

export async function endRehearsal(t: SqlTarget, database: string, keep: boolean): Promise<RehearsalEnd> {
  if (!keep) return { dropped: await dropNew(t.host, { database, backupUser: t.backupUser, ...(t.pg ? { pg: t.pg } : {}) }) };
  const fresh = newDbName(database);
  const kept = rehearsalDbName(database);
  await runSql(
    t,
    'postgres',
    [
      `DROP DATABASE IF EXISTS ${id(kept)} WITH (FORCE);`,
      // A rename needs the database idle: the migrations' sessions may linger a moment.
      `SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity WHERE datname = ${lit(fresh)} AND pid <> pg_backend_pid();`,
      `ALTER DATABASE ${id(fresh)} RENAME TO ${id(kept)};`,
    ].join('\n'),
    'rehearsal_end',
  );
  return { kept, dropped: false };
}
