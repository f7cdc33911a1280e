// Waiting between attempts, for every retry loop (an S3 object, a whole run, dropping a copy
// across a server restart) and every poll (the destination's lock): one exponential schedule,
// one sleep that a signal ends.

/**
 * full: uniform in [0, d) — many clients retrying at once spread out (AWS Architecture Blog,
 * "Exponential Backoff And Jitter"); equal: uniform in [d/2, d] — never much shorter than asked;
 * none: d itself.
 */
export type Jitter = 'full' | 'equal' | 'none';

export interface Backoff {
  baseMs: number;
  capMs: number;
  jitter: Jitter;
  random?: () => number;
}

/** The wait before retry `retry` (0: the first): d = min(cap, base·2^retry), jittered. */
export function backoffDelay(retry: number, b: Backoff): number {
  const d = Math.min(b.capMs, b.baseMs * 2 ** retry);
  const random = b.random ?? Math.random;
  if (b.jitter === 'full') return Math.floor(random() * d);
  if (b.jitter === 'equal') return Math.round(d / 2 + (random() * d) / 2);
  return d;
}

/** Wait `ms`; an aborted `signal` ends the wait early (it resolves: the caller looks at the signal). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
