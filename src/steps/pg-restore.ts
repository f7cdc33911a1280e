// pg_restore on a destination, as the backup user: read the dump's TOC, write the filtered
// --use-list next to the dump, run the restore owned by the destination role.
import { putFileCommand } from '../transport/put-file.js';
import type { Host } from '../transport/types.js';
import { StepError, pgRetryable, tail } from './errors.js';
import { filterToc, parseToc, type FilteredToc, type TocFilter } from './toc.js';
import { becomeOf, conninfo, type PgConn } from './sql.js';

/** The --use-list file of a dump on the destination (cleanup removes it by this name). */
export const listPathOf = (dumpPath: string): string => `${dumpPath}.list`;

/** `pg_restore -l -v`: -v adds `; depends on:` lines, which the exclusion follows. No path: stdin. */
export const tocArgv = (dumpPath?: string): string[] => ['pg_restore', '-l', '-v', ...(dumpPath ? [dumpPath] : [])];

export async function readFilteredToc(host: Host, backupUser: string, dumpPath: string, f: TocFilter): Promise<FilteredToc> {
  const r = await host.exec({ argv: tocArgv(dumpPath) }, { become: becomeOf(backupUser) });
  if (r.code !== 0) throw new StepError(host.name, 'restore', `pg_restore -l ${dumpPath} failed (not a custom-format dump?)`, { output: tail(r.stderr) });
  return filterToc(parseToc(r.stdout), f);
}

/**
 * Write `content` to `path` as the backup user, private to it, and whole: a destination writer
 * starts pg_restore as soon as its --use-list exists, so the file appears only once complete.
 */
export async function writeFileAs(host: Host, user: string, path: string, content: string): Promise<void> {
  const r = await host.exec(putFileCommand(path, { mode: 0o600 }), { become: becomeOf(user), stdin: content });
  if (r.code !== 0) throw new StepError(host.name, 'restore', `cannot write ${path}`, { output: tail(r.stderr) });
}

export interface PgRestoreParams {
  database: string;
  role: string;
  backupUser: string;
  /** The dump file; absent: pg_restore reads it from stdin (one job only). */
  dumpPath?: string;
  listPath: string;
  jobs: number;
  /** in_place: drop each object before recreating it (`--clean --if-exists`). */
  clean?: boolean;
  /**
   * A masked sync restores in two passes around the masked rows: `data` (pre-data and data),
   * then `post-data` (indexes, constraints, triggers), so they are built and checked on masked rows.
   */
  sections?: 'data' | 'post-data';
  pg?: PgConn;
  signal?: AbortSignal;
}

/**
 * --no-owner --role: every object is created by (so owned by) the destination role.
 * --no-privileges: GRANTs name production roles that staging rarely has; under
 * --exit-on-error one missing role would fail the whole restore.
 */
export function pgRestoreArgv(p: PgRestoreParams): string[] {
  return [
    'pg_restore',
    '--no-owner',
    '--no-privileges',
    `--role=${p.role}`,
    '--exit-on-error',
    ...(p.dumpPath ? [`--jobs=${Math.max(1, p.jobs)}`] : []),
    ...(p.clean ? ['--clean', '--if-exists'] : []),
    ...(p.sections === 'data' ? ['--section=pre-data', '--section=data'] : p.sections === 'post-data' ? ['--section=post-data'] : []),
    `--use-list=${p.listPath}`,
    `--dbname=${conninfo(p.database, p.pg, 'stagesync-restore')}`,
    ...(p.dumpPath ? [p.dumpPath] : []),
  ];
}

export async function pgRestore(host: Host, p: PgRestoreParams): Promise<{ durationMs: number }> {
  const started = Date.now();
  const r = await host.exec({ argv: pgRestoreArgv(p) }, { become: becomeOf(p.backupUser), signal: p.signal });
  if (r.code !== 0) throw new StepError(host.name, 'restore', `pg_restore into ${p.database} failed (exit ${r.code ?? r.signal})`, { output: tail(r.stderr), retryable: pgRetryable(null, r.stderr) });
  return { durationMs: Date.now() - started };
}
