// The swap (docs/run.md, step 5) and its reverse. Renames happen in one transaction (ALTER DATABASE
// RENAME is transactional), so `<destdb>` is either the old copy or the new one, never missing.
// New connections are refused while sessions are ended (a rename needs the database idle); the
// flag is turned back on in the same transaction, or by the recovery after a failure.
import { StepError } from './errors.js';
import { databaseExists, newDbName, oldDbName, prevDbName, derivedDbName, quoteIdent as id, quoteLiteral as lit, runSql, type SqlTarget } from './sql.js';

/** End other sessions on these databases (waiting up to 10 s for each to exit). */
const terminate = (dbs: string[]): string =>
  `SELECT count(pg_terminate_backend(pid, 10000)) FROM pg_stat_activity WHERE datname IN (${dbs.map(lit).join(', ')}) AND pid <> pg_backend_pid();`;

async function reopen(t: SqlTarget, db: string): Promise<void> {
  if (await databaseExists(t, db).catch(() => false)) {
    await runSql(t, 'postgres', `ALTER DATABASE ${id(db)} ALLOW_CONNECTIONS true;`, 'swap').catch(() => undefined);
  }
}

/** Run the rename script (resolving its output); on failure make `dbs` connectable again and throw. */
async function renames(t: SqlTarget, dbs: string | string[], sql: string, step: string): Promise<string> {
  try {
    return await runSql(t, 'postgres', sql, step);
  } catch (e) {
    for (const db of [dbs].flat()) await reopen(t, db);
    throw e;
  }
}

export interface SwapResult {
  /** `<destdb>_stagesync_prev` when there was a copy to keep. */
  previous?: string;
  /** The generation before that, renamed aside to `<destdb>_stagesync_old`: drop it with dropRetired. */
  retired?: string;
  durationMs: number;
}

/** Lines the swap script prints for us (everything else psql prints is ignored). */
const MARK = 'stagesync-swap:';

/**
 * `<destdb>_stagesync_new` becomes `<destdb>`; the current one becomes `_stagesync_prev`; the
 * previous generation is only renamed aside (`_stagesync_old`) in the same transaction, so the
 * swap does not wait for a large database to be deleted: dropRetired does that after. One psql
 * session: it looks which of the four exist (`\gset`) and branches on that (`\if`).
 */
export async function swapIn(t: SqlTarget, database: string): Promise<SwapResult> {
  const started = Date.now();
  const fresh = newDbName(database);
  const prev = prevDbName(database);
  const old = oldDbName(database);
  const has = (db: string) => `coalesce(bool_or(datname = ${lit(db)}), false)`;
  const sql = [
    `SELECT ${has(fresh)} AS has_fresh, ${has(database)} AS has_db, ${has(prev)} AS has_prev, ${has(old)} AS has_old FROM pg_database \\gset`,
    '\\if :has_fresh',
    '\\else',
    `\\echo ${MARK} missing`,
    '\\quit',
    '\\endif',
    '\\if :has_db',
    // A generation an earlier run did not get to drop.
    '\\if :has_old',
    `DROP DATABASE IF EXISTS ${id(old)} WITH (FORCE);`,
    '\\endif',
    `ALTER DATABASE ${id(database)} ALLOW_CONNECTIONS false;`,
    '\\if :has_prev',
    `ALTER DATABASE ${id(prev)} ALLOW_CONNECTIONS false;`,
    '\\endif',
    terminate([database, fresh, prev]),
    'BEGIN;',
    '\\if :has_prev',
    `ALTER DATABASE ${id(prev)} RENAME TO ${id(old)};`,
    '\\endif',
    `ALTER DATABASE ${id(database)} RENAME TO ${id(prev)};`,
    `ALTER DATABASE ${id(fresh)} RENAME TO ${id(database)};`,
    `ALTER DATABASE ${id(prev)} ALLOW_CONNECTIONS true;`,
    'COMMIT;',
    `\\echo ${MARK} swapped :has_prev`,
    '\\else',
    terminate([fresh]),
    `ALTER DATABASE ${id(fresh)} RENAME TO ${id(database)};`,
    `\\echo ${MARK} created`,
    '\\endif',
  ].join('\n');
  const out = await renames(t, [database, prev], sql, 'swap');
  const said = out.split('\n').find((l) => l.startsWith(MARK))?.slice(MARK.length).trim();
  if (said === 'missing') throw new StepError(t.host.name, 'swap', `${fresh} does not exist: nothing to swap in`);
  if (said === 'created') return { durationMs: Date.now() - started };
  if (!said?.startsWith('swapped ')) throw new StepError(t.host.name, 'swap', `psql did not say what the swap did (${JSON.stringify(out.trim().slice(-200))})`);
  return { previous: prev, ...(said === 'swapped t' ? { retired: old } : {}), durationMs: Date.now() - started };
}

/** Drop the generation swapIn renamed aside (if any is left). */
export async function dropRetired(t: SqlTarget, database: string): Promise<void> {
  await runSql(t, 'postgres', `DROP DATABASE IF EXISTS ${id(oldDbName(database))} WITH (FORCE);`, 'cleanup');
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
