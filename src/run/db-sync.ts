// Carries out the database part of a plan (docs/run.md, steps 1–6 and 8): preflight, lock,
// backup, move, restore → post-restore SQL → verify → swap, hooks, cleanup, in the order of the
// plan's steps (src/plan/steps.ts). Destinations that fail drop out; the others go on (as
// Ansible removes a failed host from the play). The phases live in db-run.ts (the run) and
// db-dest.ts (one destination).
import { DbSyncRun } from './db-run.js';
import type { DbRunContext } from './db-context.js';

export { freshResume, type DbResume, type DbRunContext } from './db-context.js';

export async function runDbSync(ctx: DbRunContext): Promise<void> {
  if (!ctx.plan.db) return;
  const run = new DbSyncRun(ctx, ctx.plan.db);
  try {
    // Each phase says whether any destination is left to go on with.
    if (!(await run.preflight())) return;
    if (!(await run.lock())) return;
    if (!(await run.transfer())) return;
    await run.restore();
  } finally {
    await run.finish();
  }
}
