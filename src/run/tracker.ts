// Runs one step on one host: times it, tells the output, counts it in the recap and records it
// in the report. Turns what went wrong into Ansible's words (unreachable, failed) and returns the
// outcome as a value (ok, failed, skipped): callers branch on it, nothing is thrown to swallow.
import type { RunAction } from '../plan/types.js';
import { UnreachableError, ConnectionLostError } from '../transport/types.js';
import { UpstreamFailed } from '../steps/errors.js';
import { UserError } from '../errors.js';
import { track } from '../util/pending.js';
import type { RunOutput } from './output.js';
import { Recap, type Outcome } from './recap.js';
import type { RunReport } from './report.js';

export interface StepDone<T> {
  value: T;
  /** `changed` unless the step says it only looked. */
  outcome?: Extract<Outcome, 'ok' | 'changed'>;
  detail?: string;
  data?: Record<string, unknown>;
}

/** How a step ended: its value, the host's failure, or a skip (another host's failure stopped it). */
export type StepResult<T> = { status: 'ok'; value: T } | { status: 'failed'; error: HostFailed } | { status: 'skipped'; reason: string };

/** The value of a step that went well; undefined otherwise. */
export const valueOf = <T>(r: StepResult<T>): T | undefined => (r.status === 'ok' ? r.value : undefined);

/** A step failed; the host is out of the run (Ansible removes failed hosts from the play). */
export class HostFailed extends Error {
  readonly host: string;
  readonly step: string;
  readonly unreachable: boolean;
  /** Worth another attempt: set where the error was made (transport, S3, PostgreSQL). */
  readonly retryable: boolean;
  constructor(f: { host: string; step: string; unreachable: boolean; message: string; retryable: boolean }) {
    super(f.message);
    this.name = 'HostFailed';
    this.host = f.host;
    this.step = f.step;
    this.unreachable = f.unreachable;
    this.retryable = f.retryable;
  }
}

/** The `retryable` flag an error was made with (transport, steps, buckets); none: not worth it. */
const retryableOf = (err: unknown): boolean => typeof err === 'object' && err !== null && (err as { retryable?: unknown }).retryable === true;

export class Tracker {
  readonly recap = new Recap();
  /** Hosts that failed or were unreachable, and why (first failure). */
  readonly failures = new Map<string, HostFailed>();
  /** Bad input found while running (a masking rule naming no column of the source): the run exits 5. */
  badInput?: UserError;

  constructor(
    private readonly output: RunOutput,
    private readonly report: RunReport,
    private readonly mask: (s: string) => string,
    /** 1 for the first attempt; retries count up (stagesync_max_retry_count). */
    readonly attempt = 1,
  ) {}

  /** Every failure of this attempt is worth retrying (and there is at least one). */
  allRetryable(): boolean {
    return this.failures.size > 0 && [...this.failures.values()].every((f) => f.retryable);
  }

  /** Runs a step, named as pending work until it settles (see src/util/pending.ts). */
  step<T>(host: string, action: RunAction, fn: () => Promise<StepDone<T>>): Promise<StepResult<T>> {
    return track(`[${host}] ${action}`, this.run(host, action, fn));
  }

  private async run<T>(host: string, action: RunAction, fn: () => Promise<StepDone<T>>): Promise<StepResult<T>> {
    const startedAt = new Date();
    this.output.stepStarted({ host, action });
    try {
      const r = await fn();
      const durationMs = Date.now() - startedAt.getTime();
      const outcome = r.outcome ?? 'changed';
      this.recap.count(host, outcome);
      this.output.stepFinished({ host, action, outcome, durationMs, ...(r.detail ? { detail: r.detail } : {}), ...(r.data ? { data: r.data } : {}) });
      this.report.add({ host, action, outcome, attempt: this.attempt, startedAt: startedAt.toISOString(), durationMs, ...(r.detail ? { detail: r.detail } : {}), ...(r.data ? { data: r.data } : {}) });
      return { status: 'ok', value: r.value };
    } catch (err) {
      const durationMs = Date.now() - startedAt.getTime();
      if (err instanceof UpstreamFailed) {
        // Another host's failure stopped this step: that one is counted; this one is skipped.
        const reason = this.mask(err.message);
        this.skipped(host, action, reason, { startedAt, durationMs });
        return { status: 'skipped', reason };
      }
      return { status: 'failed', error: this.failed(host, action, err, { startedAt, durationMs }) };
    }
  }

  /** A failure found between steps (e.g. a check across hosts): recorded as this step failing. */
  fail(host: string, action: RunAction, err: unknown): HostFailed {
    return this.failed(host, action, err, { startedAt: new Date(), durationMs: 0 });
  }

  /** A step this host will not run (an earlier failure, --tags, nothing to do). */
  skip(host: string, action: RunAction, reason: string): void {
    this.skipped(host, action, reason, { startedAt: new Date() });
  }

  private failed(host: string, action: RunAction, err: unknown, when: { startedAt: Date; durationMs: number }): HostFailed {
    const failed = this.toHostFailed(host, action, err);
    const outcome: Outcome = failed.unreachable ? 'unreachable' : 'failed';
    this.recap.count(host, outcome);
    const error = this.mask(failed.message);
    this.output.stepFinished({ host, action, outcome, durationMs: when.durationMs, error });
    this.report.add({ host, action, outcome, attempt: this.attempt, startedAt: when.startedAt.toISOString(), durationMs: when.durationMs, error });
    if (!this.failures.has(host)) this.failures.set(host, failed);
    return failed;
  }

  /** Count, show and report a skip; `durationMs` when the step had started. */
  private skipped(host: string, action: RunAction, detail: string, when: { startedAt: Date; durationMs?: number }): void {
    const { startedAt, durationMs } = when;
    this.recap.count(host, 'skipped');
    this.output.stepFinished({ host, action, outcome: 'skipped', ...(durationMs === undefined ? {} : { durationMs }), detail });
    this.report.add({ host, action, outcome: 'skipped', attempt: this.attempt, startedAt: startedAt.toISOString(), durationMs: durationMs ?? 0, detail });
  }

  private toHostFailed(host: string, step: string, err: unknown): HostFailed {
    if (err instanceof HostFailed) return err;
    const unreachable = err instanceof UnreachableError || err instanceof ConnectionLostError;
    if (err instanceof Error && err.name === 'AbortError') return new HostFailed({ host, step, unreachable: false, message: 'interrupted', retryable: false });
    if (err instanceof UserError) this.badInput ??= err;
    const message = err instanceof UserError ? err.oneLine() : err instanceof Error ? err.message : String(err);
    return new HostFailed({ host, step, unreachable, message, retryable: retryableOf(err) });
  }
}
