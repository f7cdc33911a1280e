// The --report JSON: what happened, step by step, with numbers. Secrets are masked on write.
import type { Outcome, Recap } from './recap.js';

export interface StepRecord {
  host: string;
  action: string;
  outcome: Outcome;
  /** 1, or the retry this step ran in. */
  attempt?: number;
  startedAt: string;
  durationMs: number;
  detail?: string;
  error?: string;
  /** Step-specific numbers: bytes moved, sha256, row counts, objects copied... */
  data?: Record<string, unknown>;
}

export class RunReport {
  readonly steps: StepRecord[] = [];
  private readonly started = new Date();
  readonly extra: Record<string, unknown> = {};

  constructor(private readonly pair: string, private readonly command: string) {}

  add(step: StepRecord): void {
    this.steps.push(step);
  }

  set(key: string, value: unknown): void {
    this.extra[key] = value;
  }

  toJSON(recap: Recap, exitCode: number, result: string): Record<string, unknown> {
    const finished = new Date();
    return {
      version: 1,
      pair: this.pair,
      command: this.command,
      result,
      exitCode,
      startedAt: this.started.toISOString(),
      finishedAt: finished.toISOString(),
      durationMs: finished.getTime() - this.started.getTime(),
      steps: this.steps,
      ...this.extra,
      recap: recap.toJSON(),
    };
  }
}
