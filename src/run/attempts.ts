// stagesync_max_retry_count: when every failure of an attempt is transient (a host unreachable,
// a dropped connection, S3 throttling), wait (exponential backoff with jitter) and go again,
// resuming after the last completed step: the dump already made, the copies already on the
// destinations (if their sha256 still matches), the destinations already swapped, the bucket
// copies already done are not done again.
import type { Plan } from '../plan/types.js';
import type { Host } from '../transport/types.js';
import type { RunOutput } from './output.js';
import type { RunReport } from './report.js';
import { Tracker } from './tracker.js';
import { backoffDelay, sleep } from '../util/backoff.js';

export interface AttemptsInput {
  plan: Plan;
  hostOf(name: string): Host;
  output: RunOutput;
  report: RunReport;
  mask: (text: string) => string;
  signal: AbortSignal;
  /** Told each attempt's tracker as it starts (the recap written if the process ends early). */
  onAttempt?: (tracker: Tracker) => void;
  /** Test seam: how to wait between attempts. */
  sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
}

const MAX_DELAY_MS = 10 * 60_000;

/** Runs the plan's sync, retrying as configured; returns the last attempt's tracker. */
export async function runWithRetries(inp: AttemptsInput): Promise<Tracker> {
  const { plan, output, signal } = inp;
  // The database part (steps, pg, ssh) is loaded only when planned: a files-only run starts faster.
  const dbSync = plan.db ? await import('./db-sync.js') : undefined;
  const resume = dbSync?.freshResume();
  const copiesDone = new Set<number>();
  const copyResults = new Map<number, Record<string, unknown>>();
  const record = (key: string, value: unknown) => inp.report.set(key, value);
  // The bucket engine (and the AWS SDK, ~26 MiB) is loaded only when there are copies to make.
  const runBucketCopies = plan.copies.length ? (await import('./bucket-copies.js')).runBucketCopies : async () => undefined;
  for (let attempt = 1; ; attempt++) {
    const tracker = new Tracker(output, inp.report, inp.mask, attempt);
    inp.onAttempt?.(tracker);
    const last = attempt > plan.maxRetryCount;
    const willRetry = () => !last && !signal.aborted && tracker.allRetryable();
    if (attempt > 1) output.info(`attempt ${attempt} of ${plan.maxRetryCount + 1}: resuming after the last completed step`);
    await Promise.all([
      dbSync && resume ? dbSync.runDbSync({ plan, hostOf: inp.hostOf, tracker, output, signal, record, resume, willRetry }) : undefined,
      runBucketCopies({ plan, tracker, output, signal, record, done: copiesDone, results: copyResults }),
    ]);
    if (tracker.failures.size === 0 || !willRetry()) {
      inp.report.set('attempts', attempt);
      return tracker;
    }
    // Equal jitter: retries of many nightly pairs spread apart, none much sooner than the delay asked.
    const delay = backoffDelay(attempt - 1, { baseMs: plan.retryDelaySec * 1000, capMs: MAX_DELAY_MS, jitter: 'equal' });
    const why = [...tracker.failures.values()].map((f) => `${f.host} ${f.step}: ${f.message.split('\n')[0]}`).join('; ');
    output.warn(`attempt ${attempt} failed (${inp.mask(why)}); retrying in ${(delay / 1000).toFixed(1)} s`);
    await (inp.sleep ?? sleep)(delay, signal);
    if (signal.aborted) {
      inp.report.set('attempts', attempt);
      return tracker;
    }
  }
}
