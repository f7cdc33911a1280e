// The end of every database sync, whatever happened (docs/run.md, step 8): always-commands,
// cleanup of temporary dumps and databases on the destinations, retention on the source, locks
// released.
import { StepError } from '../steps/errors.js';
import { cleanupDest } from '../steps/cleanup.js';
import type { DbSourcePlan, PlanStep } from '../plan/types.js';
import type { DbRunContext } from './db-context.js';
import type { DestinationRun } from './db-dest.js';

/** What the end needs of the run (src/run/db-run.ts's DbSyncRun). */
export interface FinishInput {
  ctx: DbRunContext;
  source: DbSourcePlan;
  dests: DestinationRun[];
  dumpPath?: string;
  movedTo: Set<string>;
  retiring: Promise<void>[];
  stepsOf(d: DestinationRun): PlanStep[];
}

export async function finishRun(run: FinishInput): Promise<void> {
  const locked = run.dests.filter((d) => d.lock);
  for (const d of locked) {
    // Each always-command runs even when the one before failed (the tracker has told it).
    for (const s of run.stepsOf(d)) if (s.action === 'always_commands') await d.hook(s.action, s.hook);
  }
  // A retry coming reuses the dumps already moved (checked against their sha256 first).
  const keepDumps = run.ctx.willRetry();
  // The destinations' cleanups and the source's retention touch different hosts: side by side.
  await Promise.all([...locked.map((d) => cleanup(run, d, keepDumps)), retention(run, keepDumps)]);
}

async function cleanup(run: FinishInput, d: DestinationRun, keepDumps: boolean): Promise<void> {
  const { ctx, dumpPath } = run;
  const p = d.plan;
  await ctx.tracker.step(d.host, 'cleanup', async () => {
    const r = await cleanupDest(ctx.hostOf(d.host), {
      database: p.database,
      backupUser: p.backupUser,
      pg: p.pg,
      tmpDir: p.tmpDir,
      ...(dumpPath && !(keepDumps && ctx.resume.delivered.has(d.host)) ? { dumpPath } : {}),
      // Swapped in: its _stagesync_new is now the live database (no psql round trip to ask).
      keepNewDb: p.mode === 'in_place' || ctx.resume.restored.has(d.host),
    });
    return { value: r, outcome: r.removedFiles && run.movedTo.has(d.host) ? 'changed' : r.droppedNewDb ? 'changed' : 'ok' };
  });
  // Older generations (dropping during the cleanup) are gone before the locks go.
  await Promise.all(run.retiring);
  try {
    await d.lock!.release();
  } catch (e) {
    // The lock lives in a session: one that cannot be ended cleanly has ended with its connection.
    ctx.output.verbose(1, d.host, `lock release: ${(e as Error).message}`);
  }
}

/** Retention on the source, with the rendered cleanup script (never the host's own files). */
async function retention(run: FinishInput, keepDumps: boolean): Promise<void> {
  const { ctx, source, dumpPath } = run;
  if (!dumpPath || !source.createScripts || !source.cleanupScriptContent || keepDumps) return;
  await ctx.tracker.step(source.host, 'cleanup', async () => {
    const r = await ctx.hostOf(source.host).exec({ argv: [source.cleanupScript] }, { become: { user: source.backupUser } });
    if (r.code !== 0) throw new StepError(source.host, 'cleanup', `${source.cleanupScript} exited with ${r.code}`, { output: r.stderr.trim() });
    const removed = r.stdout.trim().split('\n').filter(Boolean).length;
    return { value: r, outcome: removed ? 'changed' : 'ok', detail: removed ? `${removed} dump(s) past the retention removed` : 'no dump past the retention' };
  });
}
