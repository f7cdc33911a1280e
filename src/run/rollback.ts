// `orchestrate rollback`: on each destination, `<destdb>_stagesync_prev` and `<destdb>` trade places.
import pLimit from 'p-limit';
import type { DbDestinationPlan, Plan } from '../plan/types.js';
import type { Host } from '../transport/types.js';
import { acquireLock, type DestLock } from '../steps/lock.js';
import { rollback } from '../steps/swap.js';
import type { RunOutput } from './output.js';
import type { Tracker } from './tracker.js';

export interface RollbackContext {
  plan: Plan;
  hostOf(name: string): Host;
  tracker: Tracker;
  output: RunOutput;
  signal: AbortSignal;
}

export async function runRollback(ctx: RollbackContext): Promise<void> {
  const limit = pLimit(ctx.plan.forks);
  await Promise.all((ctx.plan.rollback?.destinations ?? []).map((d) => limit(() => rollbackOne(ctx, d))));
}

/**
 * This destination's steps of the plan (preflight, lock, rollback), in order; a failed step ends
 * its part (the tracker told it). The lock, once taken, is released whatever happens.
 */
async function rollbackOne(ctx: RollbackContext, d: DbDestinationPlan): Promise<void> {
  const h = ctx.hostOf(d.host);
  let lock: DestLock | undefined;
  try {
    for (const s of ctx.plan.steps.filter((x) => 'dest' in x && x.dest === d.host)) {
      const r = await ctx.tracker.step(d.host, s.action, async () => {
        if (s.action === 'preflight') return { value: await h.connect(), outcome: 'ok' };
        if (s.action === 'lock') {
          lock = await acquireLock(h, { database: d.database, backupUser: d.backupUser, pg: d.pg, timeoutMs: d.lockTimeoutSec * 1000, onWait: (m) => ctx.output.info(m) });
          return { value: undefined, outcome: 'ok' };
        }
        const r = await rollback({ host: h, backupUser: d.backupUser, pg: d.pg }, d.database);
        return { value: undefined, detail: `${d.database} is the previous copy again; the replaced one is ${r.previous ?? 'gone'}` };
      });
      if (r.status !== 'ok') return;
    }
  } finally {
    // The lock lives in a session: one that cannot be ended cleanly has ended with its connection.
    await lock?.release().catch((e: Error) => ctx.output.verbose(1, d.host, `lock release: ${e.message}`));
  }
}
