// What a run prints while it works: one line per step and host, Ansible's words, durations.
// Plain timestamped lines (cron, CI); every line goes through the secret mask first.
import type { Outcome } from './recap.js';

export interface StepEvent {
  host: string;
  action: string;
  outcome?: Outcome;
  durationMs?: number;
  /** Short result, e.g. "production.db1.2026-11-22-02-00-00.dump, 12.3 MB". */
  detail?: string;
  error?: string;
  /** The step's numbers (as in the report): printed as JSON from -v, as Ansible's `=> {...}`. */
  data?: Record<string, unknown>;
}

export interface RunOutput {
  stepStarted(e: StepEvent): void;
  stepFinished(e: StepEvent): void;
  /** A line shown at this verbosity or more (1 = -v ... 4 = -vvvv). */
  verbose(level: number, host: string, line: string): void;
  info(line: string): void;
  warn(line: string): void;
  /**
   * Live numbers of a running step (bytes, rate, objects). Call it as often as you like: a
   * terminal redraws the step's line, plain output prints at most one line per PROGRESS_EVERY_MS.
   */
  progress(host: string, action: string, text: string): void;
  /** Finish drawing (the terminal view); resolves once everything is on the screen. */
  close(): Promise<void>;
}

/** Plain output: at most one progress line per host and step this often (at -v). */
export const PROGRESS_EVERY_MS = 5000;

export interface PlainOutputOptions {
  verbosity: number;
  mask: (text: string) => string;
  write?: (text: string) => void;
  now?: () => Date;
}

const stamp = (d: Date) => d.toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

const WORD: Record<Outcome, string> = { ok: 'ok', changed: 'changed', failed: 'fatal', skipped: 'skipping', unreachable: 'fatal' };

/** -v: the step's result data, one JSON line. */
export function resultLine(e: StepEvent): string {
  return `<${e.host}> ${e.action} result: ${JSON.stringify(e.data)}`;
}

export function plainOutput({ verbosity, mask, write = (t) => process.stdout.write(t), now = () => new Date() }: PlainOutputOptions): RunOutput {
  const line = (text: string) => write(`${stamp(now())} ${mask(text)}\n`);
  const lastProgress = new Map<string, number>();
  return {
    stepStarted(e) {
      if (verbosity >= 1) line(`[${e.host}] ${e.action}: started`);
    },
    stepFinished(e) {
      const outcome = e.outcome ?? 'ok';
      const took = e.durationMs === undefined ? '' : ` (${formatDuration(e.durationMs)})`;
      if (outcome === 'failed' || outcome === 'unreachable') {
        const kind = outcome === 'unreachable' ? 'UNREACHABLE!' : 'FAILED!';
        line(`${WORD[outcome]}: [${e.host}] ${e.action}: ${kind} ${e.error ?? ''}${took}`.trimEnd());
      } else {
        line(`${WORD[outcome]}: [${e.host}] ${e.action}${e.detail ? ` => ${e.detail}` : ''}${took}`);
      }
      if (verbosity >= 1 && e.data) line(resultLine(e));
    },
    verbose(level, host, text) {
      if (verbosity >= level) line(`<${host}> ${text}`);
    },
    info(text) {
      line(text);
    },
    warn(text) {
      line(`[WARNING]: ${text}`);
    },
    progress(host, action, text) {
      if (verbosity < 1) return;
      // Per label too ("<copy description>: ..."): concurrent copies each get their lines. A text
      // without one (a move's "12.0 MiB (3.1 MiB/s)") is one series per step.
      const label = text.includes(': ') ? text.slice(0, text.indexOf(': ')) : '';
      const key = `${host}\0${action}\0${label}`;
      const t = now().getTime();
      if (t - (lastProgress.get(key) ?? -Infinity) < PROGRESS_EVERY_MS) return;
      lastProgress.set(key, t);
      line(`<${host}> ${action}: ${text}`);
    },
    async close() {},
  };
}
