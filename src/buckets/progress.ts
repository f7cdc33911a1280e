// Counts for the progress callback, sent at most every `intervalMs` (and once at the end).
import type { Progress } from './types.js';

export class ProgressTracker {
  readonly p: Progress = { listed: 0, listingDone: false, total: 0, done: 0, failed: 0, bytes: 0, rate: 0 };
  private readonly started = Date.now();
  private lastSent = 0;

  constructor(
    private readonly onProgress: ((p: Progress) => void) | undefined,
    private readonly intervalMs = 250,
  ) {}

  update(change: (p: Progress) => void): void {
    change(this.p);
    this.emit(false);
  }

  emit(force: boolean): void {
    if (!this.onProgress) return;
    const now = Date.now();
    if (!force && now - this.lastSent < this.intervalMs) return;
    this.lastSent = now;
    const secs = (now - this.started) / 1000;
    this.p.rate = secs > 0 ? Math.round(this.p.bytes / secs) : 0;
    this.onProgress({ ...this.p });
  }
}
