// Carries out the bucket copies of a plan on the controller (docs/run.md, step 7), forks at a time.
import pLimit from 'p-limit';
import { mib } from '../util/units.js';
import { copySucceeded, formatCopyFailures, syncBucket, type CopyResult } from '../buckets/index.js';
import type { Plan } from '../plan/types.js';
import type { RunOutput } from './output.js';
import type { Tracker } from './tracker.js';

export interface CopyRunContext {
  plan: Plan;
  tracker: Tracker;
  output: RunOutput;
  signal: AbortSignal;
  record(key: string, value: unknown): void;
  /** Copies finished by an earlier attempt (indexes): a retry does not list them again. */
  done?: Set<number>;
  /** Each copy's latest result by index, kept across attempts for the report. */
  results?: Map<number, Record<string, unknown>>;
}

export async function runBucketCopies(ctx: CopyRunContext): Promise<void> {
  const done = ctx.done ?? new Set<number>();
  const byIndex = ctx.results ?? new Map<number, Record<string, unknown>>();
  const limit = pLimit(ctx.plan.forks);
  await Promise.all(
    ctx.plan.copies.filter((c) => !done.has(c.index)).map((c) =>
      limit(() =>
        ctx.tracker
          .step('localhost', 'bucket_copy', async () => {
            if (ctx.signal.aborted) throw new Error('interrupted');
            const r: CopyResult = await syncBucket(c, {
              defaultRegion: c.region,
              log: (level, message) => (level === 'warn' ? ctx.output.warn(message) : ctx.output.verbose(level === 'info' ? 1 : 2, 'localhost', message)),
              // The output throttles (plain lines) or redraws (terminal).
              onProgress: (p) => ctx.output.progress('localhost', 'bucket_copy', `${c.description}: ${p.done}/${p.listingDone ? p.total : `${p.total}+`} objects, ${mib(p.bytes)}, ${mib(p.rate)}/s`),
            });
            byIndex.set(c.index, {
              description: c.description,
              source: r.source,
              dest: r.dest,
              mode: r.mode,
              listed: r.listed,
              copied: r.copied,
              skipped: r.skipped,
              deleted: r.deleted,
              bytes: r.bytes,
              failures: r.failures,
              ...(r.error ? { error: r.error } : {}),
              ...(r.deleteSkipped ? { deleteSkipped: r.deleteSkipped } : {}),
              durationMs: r.durationMs,
            });
            if (!copySucceeded(r)) throw new Error(formatCopyFailures(r).join('\n'));
            done.add(c.index);
            const detail = `${c.description}: ${r.copied} copied (${mib(r.bytes)}), ${r.skipped} unchanged, ${r.deleted} deleted`;
            return { value: r, outcome: r.copied || r.deleted ? 'changed' : 'ok', detail };
          })
          .catch(() => undefined),
      ),
    ),
  );
  ctx.record('copies', [...byIndex.entries()].sort(([a], [b]) => a - b).map(([, r]) => r));
}
