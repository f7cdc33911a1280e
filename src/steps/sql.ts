// SQL text and psql invocations on a host. Identifiers and literals are quoted here (the
// names come from vars); the SQL travels on psql's stdin, so it never shows in `ps`.
import type { Become, Host } from '../transport/types.js';
import { StepError, pgRetryable, tail } from './errors.js';

/** Where the host's PostgreSQL listens (Debian defaults when unset). */
export interface PgConn {
  socketDir?: string;
  port?: number;
}

export const DEFAULT_SOCKET_DIR = '/var/run/postgresql';
export const DEFAULT_PORT = 5432;

/** The cluster for a program that reads libpq's environment (pg_dump in a backup script). */
export function pgEnv(pg: PgConn = {}): Record<string, string> {
  return { ...(pg.socketDir ? { PGHOST: pg.socketDir } : {}), ...(pg.port ? { PGPORT: String(pg.port) } : {}) };
}

/** PostgreSQL's NAMEDATALEN - 1: longer names are silently truncated, so we refuse them. */
const MAX_IDENT_BYTES = 63;

/** Always double-quoted: the value is the exact name (a var says `Stage`, the database is `Stage`). */
export function quoteIdent(name: string): string {
  if (name.includes('\0')) throw new Error(`invalid identifier ${JSON.stringify(name)}`);
  return `"${name.replace(/"/g, '""')}"`;
}

/** As PostgreSQL's quote_literal: E'' form when a backslash is present. */
export function quoteLiteral(value: string): string {
  if (value.includes('\0')) throw new Error('invalid literal (NUL byte)');
  const body = value.replace(/'/g, "''");
  return value.includes('\\') ? `E'${body.replace(/\\/g, '\\\\')}'` : `'${body}'`;
}

/** `<db><suffix>`, refused when PostgreSQL would truncate it (two names could then collide). */
export function derivedDbName(db: string, suffix: string): string {
  const name = db + suffix;
  if (Buffer.byteLength(name, 'utf8') > MAX_IDENT_BYTES) {
    throw new Error(`database name ${JSON.stringify(name)} is longer than ${MAX_IDENT_BYTES} bytes; use a shorter stagesync_destdb`);
  }
  return name;
}

export const newDbName = (db: string): string => derivedDbName(db, '_stagesync_new');
export const prevDbName = (db: string): string => derivedDbName(db, '_stagesync_prev');
/** The generation before `_prev`, between the swap and its drop. */
export const oldDbName = (db: string): string => derivedDbName(db, '_stagesync_old');

/** A libpq conninfo value: single-quoted, `\` and `'` escaped. */
function connValue(v: string): string {
  return `'${v.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

/** Conninfo string, so a database name is never mistaken for options (`-d a=b`). */
export function conninfo(db: string, pg: PgConn = {}, appName = 'stagesync'): string {
  const parts = [`dbname=${connValue(db)}`, `application_name=${connValue(appName)}`];
  if (pg.socketDir) parts.push(`host=${connValue(pg.socketDir)}`);
  if (pg.port) parts.push(`port=${pg.port}`);
  return parts.join(' ');
}

/**
 * psql's `\connect` to another database in the same session. psql strips double quotes from
 * \connect's argument as from an identifier (even inside single quotes), so the conninfo is
 * double-quoted as an identifier first, then single-quoted as a meta-command argument.
 */
export function connectCommand(db: string, pg: PgConn = {}): string {
  const ident = `"${conninfo(db, pg).replace(/"/g, '""')}"`;
  return `\\connect '${ident.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
}

/** psql without ~/.psqlrc, quiet, unaligned and tuples-only, stopping at the first error. */
export const PSQL_FLAGS = ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1'] as const;

/** psql with PSQL_FLAGS, reading SQL from stdin. */
export function psqlArgv(db: string, pg: PgConn = {}, appName?: string): string[] {
  return ['psql', ...PSQL_FLAGS, '-d', conninfo(db, pg, appName)];
}

export interface SqlTarget {
  host: Host;
  /** OS user psql runs as (peer authentication as a superuser, e.g. postgres). */
  backupUser: string;
  pg?: PgConn;
}

export const becomeOf = (user: string): Become => ({ user });

/**
 * Run SQL (one or more statements, autocommit unless the text says BEGIN) as the backup user;
 * resolves psql's stdout, throws a StepError with stderr on failure.
 */
export async function runSql(t: SqlTarget, db: string, sql: string, step = 'sql'): Promise<string> {
  const r = await t.host.exec({ argv: psqlArgv(db, t.pg) }, { become: becomeOf(t.backupUser), stdin: sql });
  if (r.code !== 0) throw new StepError(t.host.name, step, `psql exited with ${r.code ?? r.signal}`, { output: tail(r.stderr || r.stdout), retryable: pgRetryable(r.code, r.stderr) });
  return r.stdout;
}

/** Does a database of that exact name exist? (asked from the `postgres` maintenance db) */
export async function databaseExists(t: SqlTarget, db: string): Promise<boolean> {
  const out = await runSql(t, 'postgres', `SELECT 1 FROM pg_database WHERE datname = ${quoteLiteral(db)};`, 'sql');
  return out.trim() === '1';
}
