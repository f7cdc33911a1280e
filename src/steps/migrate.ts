// A migration rehearsed on the new copy (docs/rehearsal.md): a post-restore command run against
// `<db>_stagesync_new` (its name in PGDATABASE, STAGESYNC_DATABASE and DATABASE_URL) while the
// lock monitor samples the database; the command's duration and its lock report come back.
import type { ExecResult, Host } from '../transport/types.js';
import { StepError, tail } from './errors.js';
import { startLockMonitor } from './lock-monitor.js';
import { exclusiveOnTables, heldLine, lockReport, type LockReport } from './lock-report.js';
import type { PgConn } from './sql.js';

export interface MigrateParams {
  command: string;
  becomeUser?: string;
  /** The new copy. */
  database: string;
  /** DATABASE_URL template: `{database}` becomes the copy's name (percent-encoded). */
  databaseUrl: string;
  /** The destination host, where the database and the monitor's session are. */
  dbHost: Host;
  backupUser: string;
  sampleMs: number;
  /** An ACCESS EXCLUSIVE lock on a table held longer fails the step. */
  maxLockSeconds: number | null;
  pg?: PgConn;
  signal?: AbortSignal;
}

export interface MigrateResult {
  command: string;
  durationMs: number;
  output: string;
  locks: LockReport;
}

export const databaseUrlFor = (template: string, database: string): string => template.replace(/\{database\}/g, encodeURIComponent(database));

/** The environment a migration gets: the copy's name where apps and libpq look for it. */
export function migrationEnv(p: Pick<MigrateParams, 'database' | 'databaseUrl'>): Record<string, string> {
  return { PGDATABASE: p.database, STAGESYNC_DATABASE: p.database, DATABASE_URL: databaseUrlFor(p.databaseUrl, p.database) };
}

/**
 * Runs the command on `host` (the destination, or the controller for a localhost hook) with the
 * monitor on; fails on a non-zero exit (with its output) or on a lock past the limit (naming the
 * statement). Either way `onReport` has the report first.
 */
export async function runMigration(host: Host, p: MigrateParams, onReport: (r: MigrateResult) => void): Promise<MigrateResult> {
  const monitor = await startLockMonitor(p.dbHost, { database: p.database, backupUser: p.backupUser, intervalMs: p.sampleMs, pg: p.pg, signal: p.signal });
  const started = Date.now();
  let r: ExecResult;
  try {
    r = await host.exec({ script: p.command }, { become: p.becomeUser ? { user: p.becomeUser } : undefined, env: migrationEnv(p), signal: p.signal });
  } catch (e) {
    // The monitor's session must not outlive the command; the command's own error is the one told.
    await monitor.stop().catch(() => undefined);
    throw e;
  }
  const stopped = await monitor.stop();
  const durationMs = Date.now() - started;
  const output = tail(r.stdout + (r.stderr ? `\n${r.stderr}` : ''), 40);
  const result = { command: p.command, durationMs, output, locks: lockReport(stopped.samples, monitor.startedAt, stopped.stoppedAt) };
  onReport(result);
  if (r.code !== 0) throw new StepError(host.name, 'migrate', `\`${p.command}\` exited with ${r.code ?? r.signal}`, { output });
  const limit = p.maxLockSeconds;
  const over = limit === null ? [] : exclusiveOnTables(result.locks).filter((h) => h.heldMs > limit * 1000);
  if (over.length) throw new StepError(host.name, 'migrate', `${over.map(heldLine).join('; ')}: longer than stagesync_rehearsal_max_lock_seconds (${limit} s)`);
  return result;
}
