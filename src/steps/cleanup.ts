// Cleanup after success and after failure (docs/run.md, step 8): the dump and its leftovers on the
// destination, a leftover `<destdb>_stagesync_new`. Each part is tried even if another fails.
import type { Host } from '../transport/types.js';
import { quote } from '../util/shell.js';
import { StepError } from './errors.js';
import { destDumpPath } from './move.js';
import { listPathOf } from './pg-restore.js';
import { dropNew } from './restore.js';
import { becomeOf, type PgConn } from './sql.js';

export interface CleanupDestParams {
  database: string;
  backupUser: string;
  tmpDir: string;
  /** The dump's path on the source (its name is reused on the destination); none = dump not moved. */
  dumpPath?: string;
  /** Keep the database side alone (e.g. in_place mode, or files-only cleanup). */
  keepNewDb?: boolean;
  pg?: PgConn;
}

export interface CleanupResult {
  removedFiles: boolean;
  droppedNewDb: boolean;
}

export async function cleanupDest(host: Host, p: CleanupDestParams): Promise<CleanupResult> {
  const errors: string[] = [];
  // The files and the database side are independent: both at once.
  const files = async (): Promise<boolean> => {
    if (!p.dumpPath) return false;
    const final = destDumpPath(p.tmpDir, p.dumpPath);
    // The dump, its --use-list file and any partial upload of it (`.part-<tag>`).
    const script = `rm -f ${quote(final)} ${quote(listPathOf(final))} ${quote(final)}.part-*`;
    const r = await host.exec({ script }, { become: becomeOf(p.backupUser) }).catch((e: Error) => ({ code: 1, stderr: e.message }));
    if (r.code !== 0) errors.push(`cannot remove ${final}: ${r.stderr.trim()}`);
    return r.code === 0;
  };
  const database = async (): Promise<boolean> => {
    if (p.keepNewDb) return false;
    return dropNew(host, p).catch((e: Error) => {
      errors.push(e.message);
      return false;
    });
  };
  const [removedFiles, droppedNewDb] = await Promise.all([files(), database()]);
  if (errors.length) throw new StepError(host.name, 'cleanup', errors.join('; '));
  return { removedFiles, droppedNewDb };
}

/** Source side: remove given temporary files (stream mode reads the dump in place: usually none). */
export async function cleanupSource(host: Host, p: { backupUser: string; paths: string[] }): Promise<void> {
  if (p.paths.length === 0) return;
  const r = await host.exec({ argv: ['rm', '-f', ...p.paths] }, { become: becomeOf(p.backupUser) });
  if (r.code !== 0) throw new StepError(host.name, 'cleanup', `cannot remove ${p.paths.join(', ')}`, r.stderr.trim());
}
