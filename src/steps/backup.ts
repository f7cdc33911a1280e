// Source host (docs/run.md, step 3): install the rendered backup/cleanup scripts (or keep the host's
// own, never touching it), run the backup as the backup user, take the newest dump.
import type { Host } from '../transport/types.js';
import { StepError, pgRetryable, tail } from './errors.js';
import { listDumpsScript, parseDumpList, pickNewestDump, type DumpFile } from './dumps.js';
import { becomeOf, pgEnv, type PgConn } from './sql.js';

export interface BackupParams {
  database: string;
  backupUser: string;
  backupGroup: string;
  backupScript: string;
  cleanupScript?: string;
  /** true: install the rendered scripts; false: the host's own script is used as it is. */
  createScripts: boolean;
  backupScriptContent?: string;
  cleanupScriptContent?: string;
  executeBackup: boolean;
  backupsDir: string;
  /** Options the script passes on to pg_dump (a masked sync's --snapshot, --exclude-table-data). */
  dumpArgs?: string[];
  /** Kill the backup script after this long (default: no limit). */
  timeoutMs?: number;
  /** Abort (Ctrl-C): the script is killed, its partial dump removed by its own trap. */
  signal?: AbortSignal;
  /** The source's cluster when it is not the default one (PGHOST/PGPORT for the script). */
  pg?: PgConn;
  /** pg_dump's --compress (STAGESYNC_DUMP_COMPRESS for the script). */
  compression?: string;
}

/** The backup script's environment: its cluster, and the compression our template gives pg_dump. */
export function backupEnv(p: { pg?: PgConn; compression?: string }): Record<string, string> {
  return { ...pgEnv(p.pg), ...(p.compression !== undefined ? { STAGESYNC_DUMP_COMPRESS: p.compression } : {}) };
}

export interface BackupResult {
  /** The dump to sync. */
  dump: DumpFile;
  /** Scripts written this run (empty with createScripts false). */
  installed: string[];
  /** Whether the backup script ran (false with executeBackup false). */
  ran: boolean;
  /** Tail of the script's output. */
  output?: string;
}

const dirOf = (p: string): string => p.slice(0, p.lastIndexOf('/')) || '/';

async function install(host: Host, p: BackupParams, path: string, content: string): Promise<void> {
  const become = becomeOf(p.backupUser);
  const mk = await host.exec({ argv: ['mkdir', '-p', dirOf(path)] }, { become });
  if (mk.code !== 0) throw new StepError(host.name, 'backup', `cannot create ${dirOf(path)} as ${p.backupUser}`, { output: tail(mk.stderr) });
  await host.putFile(path, content, { mode: 0o750, owner: p.backupUser, group: p.backupGroup, become });
}

/** The rendered backup and cleanup scripts, written with owner and mode (never the host's own). */
export async function installScripts(host: Host, p: BackupParams): Promise<string[]> {
  if (!p.createScripts) return [];
  if (!p.backupScriptContent) throw new StepError(host.name, 'backup', 'no rendered backup script to install');
  const scripts: Array<[string, string]> = [[p.backupScript, p.backupScriptContent]];
  if (p.cleanupScript && p.cleanupScriptContent) scripts.push([p.cleanupScript, p.cleanupScriptContent]);
  // Side by side: each is two round trips, and they touch different files.
  const done = await Promise.allSettled(scripts.map(([path, content]) => install(host, p, path, content)));
  const failed = done.find((r) => r.status === 'rejected');
  if (failed) throw failed.reason;
  return scripts.map(([path]) => path);
}

export async function backup(host: Host, p: BackupParams): Promise<BackupResult> {
  const become = becomeOf(p.backupUser);
  const installed = await installScripts(host, p);

  let ran = false;
  let output: string | undefined;
  let since = 0;
  if (p.executeBackup) {
    const check = await host.exec({ argv: ['test', '-x', p.backupScript] }, { become });
    if (check.code !== 0) throw new StepError(host.name, 'backup', `${p.backupScript} is missing or not executable by ${p.backupUser}`);
    // The host's clock, so a dump is "new" regardless of the controller's clock.
    since = Number((await host.exec({ argv: ['date', '+%s'] })).stdout.trim());
    const r = await host.exec({ argv: [p.backupScript, ...(p.dumpArgs ?? []), p.database] }, { become, timeoutMs: p.timeoutMs, signal: p.signal, env: backupEnv(p) });
    output = tail(r.stdout + r.stderr);
    // pg_dump cannot reach a restarting server: worth another attempt.
    if (r.code !== 0) throw new StepError(host.name, 'backup', `${p.backupScript} ${p.database} exited with ${r.code ?? r.signal}`, { output, retryable: pgRetryable(null, output) });
    ran = true;
  }

  const dump = await newestDump(host, p);
  if (!dump) throw new StepError(host.name, 'backup', `no ${p.database}.*.dump in ${p.backupsDir}`);
  // mtime has sub-second precision; the script's dump was finished after `since`.
  if (ran && dump.mtime + 1 < since) {
    throw new StepError(host.name, 'backup', `${p.backupScript} succeeded but wrote no new dump to ${p.backupsDir} (newest is ${dump.path})`, { output: output });
  }
  if (dump.size === 0) throw new StepError(host.name, 'backup', `${dump.path} is empty`);
  return { dump, installed, ran, output };
}

/** The newest `<db>.*.dump` in the backups dir, as seen by the backup user. */
export async function newestDump(host: Host, p: { database: string; backupsDir: string; backupUser: string }): Promise<DumpFile | undefined> {
  const r = await host.exec({ script: listDumpsScript(p.backupsDir, p.database) }, { become: becomeOf(p.backupUser) });
  if (r.code !== 0) throw new StepError(host.name, 'backup', `cannot list ${p.backupsDir}`, { output: tail(r.stderr) });
  return pickNewestDump(parseDumpList(r.stdout), p.database);
}
