// `orchestrate rollback`: on each destination, `<destdb>_stagesync_prev` and `<destdb>` trade places.
import pLimit from 'p-limit';
import type { DbDestinationPlan, Plan } from '../plan/types.js';
import type { Host } from '../transport/types.js';
import { acquireLock } from '../steps/lock.js';
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

/** Preflight, lock, swap back; a failed step ends this destination's part (the tracker told it). */
async function rollbackOne(ctx: RollbackContext, d: DbDestinationPlan): Promise<void> {
  const h = ctx.hostOf(d.host);
  const { tracker } = ctx;
  const reached = await tracker.step(d.host, 'preflight', async () => {
    await h.connect();
    return { value: undefined, outcome: 'ok' };
  });
  if (reached.status !== 'ok') return;
  const lock = await tracker.step(d.host, 'lock', async () => ({
    value: await acquireLock(h, { database: d.database, backupUser: d.backupUser, timeoutMs: d.lockTimeoutSec * 1000, onWait: (m) => ctx.output.info(m) }),
    outcome: 'ok',
  }));
  if (lock.status !== 'ok') return;
  try {
    await tracker.step(d.host, 'rollback', async () => {
      const r = await rollback({ host: h, backupUser: d.backupUser }, d.database);
      return { value: r, detail: `${d.database} is the previous copy again; the replaced one is ${r.previous ?? 'gone'}` };
    });
  } finally {
    // The lock lives in a session: one that cannot be ended cleanly has ended with its connection.
    await lock.value.release().catch((e: Error) => ctx.output.verbose(1, d.host, `lock release: ${e.message}`));
  }
}
