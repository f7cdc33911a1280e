// What the database part of a run is given (by src/run/attempts.ts), and what survives an attempt.
import type { Plan } from '../plan/types.js';
import type { Host } from '../transport/types.js';
import type { HeldSnapshot } from '../steps/mask-snapshot.js';
import type { RunOutput } from './output.js';
import type { Tracker } from './tracker.js';

export interface DbRunContext {
  plan: Plan;
  hostOf(name: string): Host;
  tracker: Tracker;
  output: RunOutput;
  signal: AbortSignal;
  /** Sets a key of the report (dump, destinations). */
  record(key: string, value: unknown): void;
  /** What earlier attempts achieved (retries resume after the last completed step). */
  resume: DbResume;
  /** True when this attempt's failures will be retried: the moved dumps are kept for it. */
  willRetry(): boolean;
}

/** Progress that survives an attempt, so a retry neither dumps nor moves again needlessly. */
export interface DbResume {
  dump?: { path: string; size: number };
  /** Destinations holding the moved dump: its path there and sha256. */
  delivered: Map<string, { path: string; sha256: string }>;
  /** Destinations whose new copy is swapped in (or restored in place). */
  restored: Set<string>;
  /** Destinations whose post-restore commands ran. */
  finished: Set<string>;
  /** A masked sync: the snapshot its dump was made in, held open for the masked reads (and a retry's). */
  snapshot?: HeldSnapshot;
}

export const freshResume = (): DbResume => ({ delivered: new Map(), restored: new Set(), finished: new Set() });
