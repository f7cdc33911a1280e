// Runs one step on one host: times it, tells the output, counts it in the recap and records it
// in the report. Turns what went wrong into Ansible's words: unreachable, failed.
import { ConnectionLostError, UnreachableError } from '../transport/types.js';
import { StepError, UpstreamFailed } from '../steps/errors.js';
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

/** A step failed; the host is out of the run (Ansible removes failed hosts from the play). */
export class HostFailed extends Error {
  constructor(
    readonly host: string,
    readonly step: string,
    readonly unreachable: boolean,
    message: string,
    /** Worth another attempt: the host was unreachable, the connection dropped, S3 throttled. */
    readonly retryable = unreachable,
  ) {
    super(message);
    this.name = 'HostFailed';
  }
}

/** Failures a later attempt may not meet again (the network, not the data or the SQL). */
const TRANSIENT = /connection lost|connection (reset|refused|closed)|ECONNRESET|ECONNREFUSED|EPIPE|ETIMEDOUT|timed out|SlowDown|Throttl|\b50[234]\b|ServiceUnavailable/i;

export class Tracker {
  readonly recap = new Recap();
  /** Hosts that failed or were unreachable, and why (first failure). */
  readonly failures = new Map<string, HostFailed>();

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
  step<T>(host: string, action: string, fn: () => Promise<StepDone<T>>): Promise<T> {
    return track(`[${host}] ${action}`, this.run(host, action, fn));
  }

  private async run<T>(host: string, action: string, fn: () => Promise<StepDone<T>>): Promise<T> {
    const startedAt = new Date();
    this.output.stepStarted({ host, action });
    try {
      const r = await fn();
      const durationMs = Date.now() - startedAt.getTime();
      const outcome = r.outcome ?? 'changed';
      this.recap.count(host, outcome);
      this.output.stepFinished({ host, action, outcome, durationMs, ...(r.detail ? { detail: r.detail } : {}), ...(r.data ? { data: r.data } : {}) });
      this.report.add({ host, action, outcome, attempt: this.attempt, startedAt: startedAt.toISOString(), durationMs, ...(r.detail ? { detail: r.detail } : {}), ...(r.data ? { data: r.data } : {}) });
      return r.value;
    } catch (err) {
      const durationMs = Date.now() - startedAt.getTime();
      if (err instanceof UpstreamFailed) {
        // Another host's failure stopped this step: that one is counted; this one is skipped.
        this.skipped(host, action, this.mask(stripPrefix(err.message)), startedAt, durationMs);
        throw err;
      }
      const failed = this.toHostFailed(host, action, err);
      const outcome: Outcome = failed.unreachable ? 'unreachable' : 'failed';
      this.recap.count(host, outcome);
      const error = this.mask(failed.message);
      this.output.stepFinished({ host, action, outcome, durationMs, error });
      this.report.add({ host, action, outcome, attempt: this.attempt, startedAt: startedAt.toISOString(), durationMs, error });
      if (!this.failures.has(host)) this.failures.set(host, failed);
      throw failed;
    }
  }

  /** A step this host will not run (an earlier failure, --tags, nothing to do). */
  skip(host: string, action: string, reason: string): void {
    this.skipped(host, action, reason, new Date());
  }

  /** Count, show and report a skip; `durationMs` when the step had started. */
  private skipped(host: string, action: string, detail: string, startedAt: Date, durationMs?: number): void {
    this.recap.count(host, 'skipped');
    this.output.stepFinished({ host, action, outcome: 'skipped', ...(durationMs === undefined ? {} : { durationMs }), detail });
    this.report.add({ host, action, outcome: 'skipped', attempt: this.attempt, startedAt: startedAt.toISOString(), durationMs: durationMs ?? 0, detail });
  }

  private toHostFailed(host: string, action: string, err: unknown): HostFailed {
    if (err instanceof HostFailed) return err;
    if (err instanceof UnreachableError) return new HostFailed(host, action, true, err.message);
    if (err instanceof ConnectionLostError) return new HostFailed(host, action, true, err.message);
    if (err instanceof Error && err.name === 'AbortError') return new HostFailed(host, action, false, 'interrupted', false);
    const message = err instanceof StepError ? stripPrefix(err.message) : err instanceof Error ? err.message : String(err);
    return new HostFailed(host, action, false, message, TRANSIENT.test(message));
  }
}

/** StepError messages start with `host: step: `, which the output line already shows. */
function stripPrefix(message: string): string {
  return message.replace(/^[^:]+: [a-z_]+: /, '');
}
