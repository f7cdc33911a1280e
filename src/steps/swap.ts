// The swap (CONTRACT §5.4) and its reverse. Renames happen in one transaction (ALTER DATABASE
// RENAME is transactional), so `<destdb>` is either the old copy or the new one, never missing.
// New connections are refused while sessions are ended (a rename needs the database idle); the
// flag is turned back on in the same transaction, or by the recovery after a failure.
import { StepError } from './errors.js';
import { databaseExists, newDbName, prevDbName, derivedDbName, quoteIdent as id, quoteLiteral as lit, runSql, type SqlTarget } from './sql.js';

/** End other sessions on these databases (waiting up to 10 s for each to exit). */
const terminate = (dbs: string[]): string =>
  `SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity WHERE datname IN (${dbs.map(lit).join(', ')}) AND pid <> pg_backend_pid();`;

async function reopen(t: SqlTarget, db: string): Promise<void> {
  if (await databaseExists(t, db).catch(() => false)) {
    await runSql(t, 'postgres', `ALTER DATABASE ${id(db)} ALLOW_CONNECTIONS true;`, 'swap').catch(() => undefined);
  }
}

/** Run the rename script; on failure make `db` connectable again and throw. */
async function renames(t: SqlTarget, db: string, sql: string, step: string): Promise<void> {
  try {
    await runSql(t, 'postgres', sql, step);
  } catch (e) {
    await reopen(t, db);
    throw e;
  }
}

export interface SwapResult {
  /** `<destdb>_stagesync_prev` when there was a copy to keep. */
  previous?: string;
  durationMs: number;
}

/** `<destdb>_stagesync_new` becomes `<destdb>`; the current one becomes `_stagesync_prev`. */
export async function swapIn(t: SqlTarget, database: string): Promise<SwapResult> {
  const started = Date.now();
  const fresh = newDbName(database);
  const prev = prevDbName(database);
  if (!(await databaseExists(t, fresh))) throw new StepError(t.host.name, 'swap', `${fresh} does not exist: nothing to swap in`);
  if (!(await databaseExists(t, database))) {
    await runSql(t, 'postgres', `${terminate([fresh])}\nALTER DATABASE ${id(fresh)} RENAME TO ${id(database)};`, 'swap');
    return { durationMs: Date.now() - started };
  }
  await renames(
    t,
    database,
    [
      // The older generation goes first: the current copy stays untouched until the renames.
      `DROP DATABASE IF EXISTS ${id(prev)} WITH (FORCE);`,
      `ALTER DATABASE ${id(database)} ALLOW_CONNECTIONS false;`,
      terminate([database, fresh]),
      'BEGIN;',
      `ALTER DATABASE ${id(database)} RENAME TO ${id(prev)};`,
      `ALTER DATABASE ${id(fresh)} RENAME TO ${id(database)};`,
      `ALTER DATABASE ${id(prev)} ALLOW_CONNECTIONS true;`,
      'COMMIT;',
    ].join('\n'),
    'swap',
  );
  return { previous: prev, durationMs: Date.now() - started };
}

export interface RollbackResult {
  /** Name the replaced copy now has (`_stagesync_prev`), if there was one: rollback again returns. */
  previous?: string;
  durationMs: number;
}

/** `<destdb>_stagesync_prev` and `<destdb>` trade places. */
export async function rollback(t: SqlTarget, database: string): Promise<RollbackResult> {
  const started = Date.now();
  const prev = prevDbName(database);
  const spare = derivedDbName(database, '_stagesync_rbk');
  if (!(await databaseExists(t, prev))) {
    throw new StepError(t.host.name, 'rollback', `no previous copy ${prev} to roll back to`);
  }
  if (!(await databaseExists(t, database))) {
    await runSql(t, 'postgres', `${terminate([prev])}\nALTER DATABASE ${id(prev)} RENAME TO ${id(database)};`, 'rollback');
    return { durationMs: Date.now() - started };
  }
  await renames(
    t,
    database,
    [
      `DROP DATABASE IF EXISTS ${id(spare)} WITH (FORCE);`,
      `ALTER DATABASE ${id(database)} ALLOW_CONNECTIONS false;`,
      terminate([database, prev]),
      'BEGIN;',
      `ALTER DATABASE ${id(database)} RENAME TO ${id(spare)};`,
      `ALTER DATABASE ${id(prev)} RENAME TO ${id(database)};`,
      `ALTER DATABASE ${id(spare)} RENAME TO ${id(prev)};`,
      `ALTER DATABASE ${id(prev)} ALLOW_CONNECTIONS true;`,
      'COMMIT;',
    ].join('\n'),
    'rollback',
  );
  return { previous: prev, durationMs: Date.now() - started };
}
