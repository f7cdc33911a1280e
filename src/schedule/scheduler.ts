// `orchestrate schedule`: run a job at each tick of a cron expression (croner, 5 or 6 fields),
// never two at once: a tick that comes while a run is still going is skipped and said so.
// stop() ends the ticking and waits for the current run (which the executor aborts on its own
// when the stop came from a signal).
import { Cron } from 'croner';
import { UserError } from '../errors.js';

export interface SchedulerOptions {
  cron: string;
  /** One run; resolves to its exit code. */
  job: () => Promise<number>;
  log: (line: string) => void;
  /** IANA zone for the expression (default: the machine's). */
  timezone?: string;
}

const iso = (d: Date) => d.toISOString().replace(/\.\d+Z$/, 'Z');

/** A croner job for the expression, or a UserError naming --cron (exit 5). */
export function parseCron(expr: string, timezone?: string): Cron {
  try {
    return new Cron(expr, { paused: true, ...(timezone ? { timezone } : {}) });
  } catch (err) {
    throw new UserError(`invalid cron expression ${JSON.stringify(expr)}: ${(err as Error).message}`, { file: 'command line', path: '--cron' });
  }
}

export class Scheduler {
  private cron?: Cron;
  private current?: Promise<void>;
  private currentStart?: Date;
  private stopped = false;
  private resolveDone!: () => void;
  /** Resolves once stopped and no run is left. */
  readonly done = new Promise<void>((r) => (this.resolveDone = r));
  /** How each finished run ended, in order (exit codes). */
  readonly results: number[] = [];

  constructor(private readonly opts: SchedulerOptions) {
    parseCron(opts.cron, opts.timezone).stop(); // bad expressions fail here, before anything runs
  }

  start(): void {
    this.cron = new Cron(this.opts.cron, { ...(this.opts.timezone ? { timezone: this.opts.timezone } : {}) }, () => this.tick());
    this.logNext();
  }

  running(): boolean {
    return this.current !== undefined;
  }

  /** No more ticks; resolves when the current run (if any) has finished. */
  async stop(): Promise<void> {
    if (!this.stopped) {
      this.stopped = true;
      this.cron?.stop();
    }
    if (this.current) await this.current;
    this.resolveDone();
  }

  private tick(): void {
    if (this.stopped) return;
    const now = new Date();
    if (this.current) {
      this.opts.log(`tick at ${iso(now)} skipped: the run started at ${iso(this.currentStart!)} is still going`);
      return;
    }
    this.currentStart = now;
    this.opts.log(`run started at ${iso(now)}`);
    this.current = this.opts
      .job()
      .catch((err: unknown) => {
        this.opts.log(`run failed: ${(err as Error)?.message ?? String(err)}`);
        return 1;
      })
      .then((code) => {
        this.results.push(code);
        this.opts.log(`run finished with exit code ${code} after ${Math.round((Date.now() - now.getTime()) / 1000)}s`);
        this.current = undefined;
        if (!this.stopped) this.logNext();
      });
  }

  private logNext(): void {
    const next = this.cron?.nextRun();
    this.opts.log(next ? `next run at ${iso(next)}` : 'no further run: the expression has no future time');
    if (!next) void this.stop();
  }
}
