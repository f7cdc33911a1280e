// What an interrupted run leaves behind (a SIGKILLed controller runs no cleanup): on a destination
// the half-restored `<db>_stagesync_new` and the temporary dump files of the pair's source in the
// dump dir; on the source the backup script's `.partial` files whose writer is gone and a direct
// transfer's relay directory whose relay is gone. Found (to be listed or said at a run's start)
// and removed (`orchestrate cleanup`); the caller holds the destination's lock, so no live run of
// the pair is writing them.
import type { Host } from '../transport/types.js';
import { hostScript } from '../util/host-scripts.js';
import { StepError, tail } from './errors.js';
import { dropNew } from './restore.js';
import { becomeOf, databaseExists, newDbName, type PgConn } from './sql.js';

export interface DestLeftoverParams {
  database: string;
  backupUser: string;
  tmpDir: string;
  /** The pair's source: its dumps and streams are named `<sourceDb>.<sourceHost>.…`. */
  sourceDb: string;
  sourceHost: string;
  pg?: PgConn;
}

export interface Leftovers {
  databases: string[];
  files: string[];
}

export const describeLeftovers = (l: Leftovers): string => [...l.databases, ...l.files].join(', ');
export const anyLeftovers = (l: Leftovers): boolean => l.databases.length + l.files.length > 0;

// scripts/host/find-dest-leftovers.sh: $1 dir, $2 `<sourceDb>.<sourceHost>.`;
// scripts/host/find-source-leftovers.sh: $1 backups dir, $2 `.<db>.`, $3 the source's tmp dir.
const FIND_DEST = hostScript('find-dest-leftovers.sh');
const FIND_SOURCE = hostScript('find-source-leftovers.sh');

async function listFiles(host: Host, backupUser: string, find: { script: string; args: string[]; step: string }): Promise<string[]> {
  const { script, args, step } = find;
  const r = await host.exec({ argv: ['sh', '-c', script, 'sh', ...args] }, { become: becomeOf(backupUser) });
  if (r.code !== 0) throw new StepError(host.name, step, `cannot list leftovers in ${args[0]}`, { output: tail(r.stderr) });
  return r.stdout.split('\n').filter(Boolean).sort();
}

export async function findDestLeftovers(host: Host, p: DestLeftoverParams, step = 'leftovers'): Promise<Leftovers> {
  const fresh = newDbName(p.database);
  const [hasNew, files] = await Promise.all([
    databaseExists({ host, backupUser: p.backupUser, pg: p.pg }, fresh),
    listFiles(host, p.backupUser, { script: FIND_DEST, args: [p.tmpDir, `${p.sourceDb}.${p.sourceHost}.`], step }),
  ]);
  return { databases: hasNew ? [fresh] : [], files };
}

export interface SourceLeftoverParams {
  backupsDir: string;
  /** Where a direct transfer's relay makes its directory. */
  tmpDir: string;
  database: string;
  backupUser: string;
}

export async function findSourceLeftovers(host: Host, p: SourceLeftoverParams, step = 'leftovers'): Promise<Leftovers> {
  return { databases: [], files: await listFiles(host, p.backupUser, { script: FIND_SOURCE, args: [p.backupsDir, `.${p.database}.`, p.tmpDir], step }) };
}

/** Remove what was found (the files and directories, and the half-restored database of a destination). */
export async function removeLeftovers(host: Host, p: { database?: string; backupUser: string; pg?: PgConn }, found: Leftovers, step = 'leftovers'): Promise<void> {
  if (found.files.length) {
    const r = await host.exec({ argv: ['rm', '-rf', '--', ...found.files] }, { become: becomeOf(p.backupUser) });
    if (r.code !== 0) throw new StepError(host.name, step, `cannot remove ${found.files.join(', ')}`, { output: tail(r.stderr) });
  }
  if (found.databases.length && p.database) await dropNew(host, { database: p.database, backupUser: p.backupUser, ...(p.pg ? { pg: p.pg } : {}) });
}
