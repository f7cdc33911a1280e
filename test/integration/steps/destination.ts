// The destination side as a run carries it out (src/run/db-sync.ts, docs/run.md step 5), from the
// same steps in the same order: restore the dump, post-restore SQL (when there is any), verify,
// then the swap; any failure before the swap drops the new copy, leaving the live database as it
// was. The executor itself is tested end to end in test/integration/run/.
import type { Host } from '../../../src/transport/types.js';
import { runPostRestoreSql, type PostSqlResult } from '../../../src/steps/post-sql.js';
import { dropNew, restoreDump, type PreparedRestore, type RestoreParams } from '../../../src/steps/restore.js';
import { dropRetired, swapIn } from '../../../src/steps/swap.js';
import { verifyRestore, type VerifyResult } from '../../../src/steps/verify.js';

export interface DestinationParams extends RestoreParams {
  /** Right before the swap, as the run checks that it still holds the destination lock. */
  beforeSwap?: () => void | Promise<void>;
}

export interface DestinationResult extends PreparedRestore {
  postSql?: PostSqlResult;
  verify: VerifyResult;
  /** Swap mode: the replaced copy's new name, if there was one. */
  previous?: string;
  swapped: boolean;
}

export async function restoreDestination(host: Host, p: DestinationParams): Promise<DestinationResult> {
  const prepared = await restoreDump(host, p);
  const t = { host, backupUser: p.backupUser, pg: p.pg };
  try {
    const postSql = p.postRestoreSql.length
      ? await runPostRestoreSql(host, { database: prepared.restoredInto, role: p.role, backupUser: p.backupUser, statements: p.postRestoreSql, pg: p.pg, signal: p.signal })
      : undefined;
    const verify = await verifyRestore(t, prepared.restoredInto, prepared.tables);
    if (p.mode === 'in_place') return { ...prepared, postSql, verify, swapped: false };
    await p.beforeSwap?.();
    const sw = await swapIn(t, p.database);
    if (sw.retired) await dropRetired(t, p.database);
    return { ...prepared, postSql, verify, previous: sw.previous, swapped: true };
  } catch (e) {
    if (p.mode === 'swap') await dropNew(host, p).catch(() => undefined);
    throw e;
  }
}
