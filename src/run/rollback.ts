// `orchestrate rollback`: on each destination, `<destdb>_stagesync_prev` and `<destdb>` trade places.
import pLimit from 'p-limit';
import type { Plan } from '../plan/types.js';
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
  await Promise.all(
    (ctx.plan.rollback?.destinations ?? []).map((d) =>
      limit(async () => {
        const h = ctx.hostOf(d.host);
        try {
          await ctx.tracker.step(d.host, 'preflight', async () => {
            await h.connect();
            return { value: undefined, outcome: 'ok' };
          });
          const lock = await ctx.tracker.step(d.host, 'lock', async () => ({
            value: await acquireLock(h, { database: d.database, backupUser: d.backupUser, timeoutMs: d.lockTimeoutSec * 1000, onWait: (m) => ctx.output.info(m) }),
            outcome: 'ok',
          }));
          try {
            await ctx.tracker.step(d.host, 'rollback', async () => {
              const r = await rollback({ host: h, backupUser: d.backupUser }, d.database);
              return { value: r, detail: `${d.database} is the previous copy again; the replaced one is ${r.previous ?? 'gone'}` };
            });
          } finally {
            await lock.release().catch(() => undefined);
          }
        } catch {
          // counted by the tracker
        }
      }),
    ),
  );
}
