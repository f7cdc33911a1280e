// What interrupted runs left: said at a run's start (one line per host), listed by
// `orchestrate cleanup --check`, removed by `orchestrate cleanup`.
import pLimit from 'p-limit';
import type { DbDestinationPlan, DbSourcePlan, Plan } from '../plan/types.js';
import type { Host } from '../transport/types.js';
import type { PgConn } from '../steps/sql.js';
import { acquireLock } from '../steps/lock.js';
import { anyLeftovers, describeLeftovers, findDestLeftovers, findSourceLeftovers, removeLeftovers, type Leftovers } from '../steps/leftovers.js';
import type { RunOutput } from './output.js';
import type { Tracker } from './tracker.js';
import { valueOrNothing } from '../util/settle.js';

const destParams = (d: DbDestinationPlan, s: DbSourcePlan) => ({ database: d.database, backupUser: d.backupUser, pg: d.pg, tmpDir: d.tmpDir, sourceDb: s.database, sourceHost: s.host });
const sourceParams = (s: DbSourcePlan) => ({ backupsDir: s.backupsDir, tmpDir: s.tmpDir, database: s.database, backupUser: s.backupUser });

/**
 * At a run's start (the destinations locked): one warning per host holding leftovers. Never fails
 * the run: a host that cannot be looked at is left to the steps that follow.
 */
export async function sayLeftovers(ctx: { hostOf(name: string): Host; output: RunOutput }, source: DbSourcePlan, dests: DbDestinationPlan[]): Promise<void> {
  const tell = (host: string, found: Leftovers | undefined) => {
    if (found && anyLeftovers(found)) ctx.output.warn(`${host}: an interrupted run left ${describeLeftovers(found)} (\`orchestrate cleanup\` removes them; this run replaces a _stagesync_new)`);
  };
  await Promise.all([
    // A host that cannot be looked at: nothing to say here, the steps that follow meet it.
    valueOrNothing(findSourceLeftovers(ctx.hostOf(source.host), sourceParams(source))).then((f) => tell(source.host, f)),
    ...dests.map((d) => valueOrNothing(findDestLeftovers(ctx.hostOf(d.host), destParams(d, source))).then((f) => tell(d.host, f))),
  ]);
}

export interface CleanupContext {
  plan: Plan;
  hostOf(name: string): Host;
  tracker: Tracker;
  output: RunOutput;
  /** --check: list, remove nothing. */
  check: boolean;
}

/** `orchestrate cleanup`: each host on its own (a failing one does not stop the others). */
export async function runCleanup(ctx: CleanupContext): Promise<void> {
  const db = ctx.plan.db;
  if (!db) return;
  const limit = pLimit(ctx.plan.forks);
  await Promise.all([
    onHost(ctx, { name: db.source.host, find: async (h) => findSourceLeftovers(h, sourceParams(db.source)), owner: { backupUser: db.source.backupUser } }),
    ...db.destinations.map((d) =>
      limit(() =>
        onHost(ctx, {
          name: d.host,
          find: async (h) => findDestLeftovers(h, destParams(d, db.source)),
          owner: { database: d.database, backupUser: d.backupUser, pg: d.pg },
          lock: async (h) => {
            // A live run of the pair holds the lock: its files are not leftovers. Fail at once, naming it.
            const lock = await acquireLock(h, { database: d.database, backupUser: d.backupUser, pg: d.pg, timeoutMs: 0 });
            return () => lock.release();
          },
        }),
      ),
    ),
  ]);
}

interface HostCleanup {
  name: string;
  find: (h: Host) => Promise<Leftovers>;
  owner: { database?: string; backupUser: string; pg?: PgConn };
  /** Taken before looking (destinations); returns its release. */
  lock?: (h: Host) => Promise<() => Promise<void>>;
}

/** Preflight, then the leftovers step; a failed preflight ends this host's part (the tracker told it). */
async function onHost(ctx: CleanupContext, c: HostCleanup): Promise<void> {
  const h = ctx.hostOf(c.name);
  const reached = await ctx.tracker.step(c.name, 'preflight', async () => ({ value: await h.connect(), outcome: 'ok' }));
  if (reached.status !== 'ok') return;
  await ctx.tracker.step(c.name, 'leftovers', async () => {
    const release = await c.lock?.(h);
    try {
      const found = await c.find(h);
      if (!anyLeftovers(found)) return { value: found, outcome: 'ok', detail: 'nothing left over' };
      if (ctx.check) return { value: found, outcome: 'ok', detail: `found: ${describeLeftovers(found)}`, data: { ...found } };
      await removeLeftovers(h, c.owner, found);
      return { value: found, outcome: 'changed', detail: `removed: ${describeLeftovers(found)}`, data: { ...found } };
    } finally {
      // The lock lives in a session: one that cannot be ended cleanly has ended with its connection.
      await release?.().catch((e: Error) => ctx.output.verbose(1, c.name, `lock release: ${e.message}`));
    }
  });
}
