// What the two pipelined transfers share (src/steps/stream.ts through the controller,
// src/steps/direct.ts host to host): the parts the caller sees, settled one by one, and how a
// failure of the whole transfer is told to each of them.
import type { StreamingProcess } from '../transport/types.js';
import { deferred, type Deferred } from '../util/settle.js';
import { StepError, UpstreamFailed } from './errors.js';
import { killAndWait, type DestMove, type MoveResult } from './move.js';
import type { PreparedRestore } from './restore.js';
import { asError, type StreamDest, type Target } from './stream-target.js';

export interface StreamedDump {
  /** The dump the script wrote on the source. */
  path: string;
  size: number;
  sha256: string;
}

/** Each part settles on its own, so the caller can time backup, move and each restore apart. */
export interface StreamRun {
  /** The source side: the script has exited and its dump file matches what was streamed. */
  backup: Promise<StreamedDump>;
  /** Every destination's copy, checked (each ok or failed); rejects when the source failed. */
  move: Promise<MoveResult>;
  /** Per restoring destination (by host name): pg_restore done and its input checked. */
  restores: Map<string, Promise<PreparedRestore>>;
}

export class PipelineParts {
  readonly backup = deferred<StreamedDump>();
  readonly move = deferred<MoveResult>();
  readonly restores: Map<string, Deferred<PreparedRestore>>;
  readonly started = Date.now();

  constructor(
    private readonly srcName: string,
    dests: StreamDest[],
  ) {
    this.restores = new Map(dests.filter((d) => d.restore).map((d) => [d.host.name, deferred<PreparedRestore>()]));
  }

  run(): StreamRun {
    return { backup: this.backup.promise, move: this.move.promise, restores: new Map([...this.restores].map(([h, d]) => [h, d.promise])) };
  }

  /** No destination can take the dump: the move fails with each one's reason. */
  noneLeft(targets: Target[]): void {
    if (targets.every((t) => t.error)) throw new StepError(this.srcName, 'move', `no destination can take the dump: ${targets.map((t) => `${t.name}: ${t.error!.message}`).join('; ')}`);
  }

  /** The source's file checked and every destination finished: each part says how it went. */
  succeeded(dump: StreamedDump, targets: Target[], dests: MoveResult['dests']): void {
    this.backup.resolve(dump);
    this.move.resolve({ bytes: dump.size, sha256: dump.sha256, durationMs: Date.now() - this.started, dests });
    for (const t of targets) {
      const r = this.restores.get(t.name);
      if (!r) continue;
      if (t.error) r.reject(t.error);
      else r.resolve({ restoredInto: t.into!, ...t.toc!, unmatchedExcludes: t.toc!.unmatched, durationMs: Date.now() - this.started });
    }
  }

  /**
   * Every destination failed (the move's error) or the source did (the backup's): each part not
   * yet settled says which, and a destination without a failure of its own is skipped.
   */
  failed(e: unknown, targets: Target[]): void {
    const { srcName } = this;
    const err = asError(srcName, 'backup', e);
    const moveFailed = err instanceof StepError && err.step === 'move';
    this.backup.reject(moveFailed ? new UpstreamFailed(srcName, 'backup', `the dump went nowhere: ${err.message}`) : err);
    this.move.reject(moveFailed ? err : new UpstreamFailed(srcName, 'move', `the backup failed: ${err.message}`));
    for (const t of targets) {
      this.restores.get(t.name)?.reject(t.error ?? new UpstreamFailed(t.name, 'restore', `the dump from ${srcName} did not arrive whole: ${err.message}`));
    }
  }

  /**
   * Everything stops and the files go (the new databases are the caller's to drop, as after any
   * failure before the swap). A destination that had finished (a check failed after) drops its
   * copy too.
   */
  async abandon(targets: Target[], source: StreamingProcess | undefined, finishing?: Promise<DestMove[]>): Promise<void> {
    await Promise.all([killAndWait(source), ...targets.map((t) => t.stop())]);
    const finished = finishing ? await finishing : [];
    await Promise.all(targets.map((t) => t.removeFiles(finished.flatMap((m) => (m.host === t.name && m.ok ? [m.path] : []))[0])));
  }
}
