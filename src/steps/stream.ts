// The pipelined backup → move → restore (docs/run.md, steps 3–5 at once). The backup script, run
// with --stdout, sends its dump file on to its stdout as pg_dump writes it; the controller fans
// those bytes out to every destination (SSH channel to SSH channel, no controller disk), where
// each lands in a file that, for a one-job restore, pg_restore follows as it grows. Neither
// pg_dump nor the network waits for a slow restore (each writes a file), so the whole sync takes
// about as long as the raw `pg_dump | pg_restore` pipe, while keeping what the pipe loses: the
// backup file, the copy on each destination and a checked sha256. A restore counts as done only
// when the sha256 computed here equals that of the source's file and of that destination's
// file; the caller swaps it in later, so a stream that fails anywhere leaves every
// destination database as it was.
import { createHash, randomBytes, type Hash } from 'node:crypto';
import type { StreamingProcess } from '../transport/types.js';
import { fileDigest } from './digest.js';
import { StepError, isRetryable } from './errors.js';
import { fanOut } from './fanout.js';
import { PipelineParts, type StreamRun } from './pipeline-parts.js';
import type { DestMove } from './move.js';
import { backupEnv } from './backup.js';
import { becomeOf } from './sql.js';
import { dumpPathOf, readHead, scriptFailed, stdoutBackupArgv, tocFailure, type StreamSource } from './stream-head.js';
import { Target, type StreamDest } from './stream-target.js';
import { awaitedLater } from '../util/settle.js';

export type { StreamSource } from './stream-head.js';
export type { StreamRun } from './pipeline-parts.js';
export type { StreamDest, StreamRestore } from './stream-target.js';
export { writtenDumpPath } from './stream-head.js';

export interface StreamParams {
  source: StreamSource;
  dests: StreamDest[];
  signal?: AbortSignal;
  /** Bytes streamed so far (progress). */
  onProgress?: (bytes: number) => void;
}

export function streamDump(p: StreamParams): StreamRun {
  const s = new StreamPipeline(p);
  void s.run();
  return s.parts.run();
}

class StreamPipeline {
  // Parameters
  private readonly src: StreamSource;
  private readonly srcName: string;
  private readonly targets: Target[];
  /** What the caller sees, each part settling on its own. */
  readonly parts: PipelineParts;
  // Internal state
  private readonly hash: Hash = createHash('sha256');
  private script?: StreamingProcess;
  private chunks?: AsyncIterator<Buffer>;
  private finishing?: Promise<DestMove[]>;

  constructor(private readonly p: StreamParams) {
    this.src = p.source;
    this.srcName = p.source.host.name;
    const tag = randomBytes(4).toString('hex');
    this.targets = p.dests.map((d) => new Target(d, `${p.source.database}.${this.srcName}.stream-${tag}.part`));
    this.parts = new PipelineParts(this.srcName, p.dests);
  }

  private live(): Target[] {
    return this.targets.filter((t) => !t.error);
  }

  async run(): Promise<void> {
    try {
      await this.pipeline();
    } catch (e) {
      this.parts.failed(e, this.targets);
    }
  }

  private async pipeline(): Promise<void> {
    try {
      const head = await this.start();
      const bytes = await this.send(head);
      await this.check(bytes);
    } catch (e) {
      await this.abort();
      throw e;
    }
  }

  /**
   * The dump starts at once: pg_dump writes its file whatever the readers do (the script follows
   * it), so the destinations get ready while it runs: the databases pg_restore writes into, while
   * the head of the dump, up to the end of its TOC (`pg_restore -l` on the source stops reading
   * there), is read and kept to be sent on: each restoring destination needs its --use-list first.
   */
  private async start(): Promise<Buffer[]> {
    const { src, p } = this;
    const script = src.host.spawn({ argv: stdoutBackupArgv(src) }, { become: becomeOf(src.backupUser), signal: p.signal, env: backupEnv(src) });
    this.script = script;
    awaitedLater(script.done);
    const chunks = (this.chunks = script.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>);
    const prepared = Promise.all(this.targets.map((t) => t.prepare()));
    const headRead = this.targets.some((t) => t.d.restore)
      ? readHead(src, chunks, p.signal).catch(async (e: unknown) => {
          throw await tocFailure(src, script, e);
        })
      : Promise.resolve(undefined);
    awaitedLater(headRead);
    // Every new database is made (or not) before anything below can fail: the caller drops them.
    await prepared;
    this.parts.noneLeft(this.targets);
    const r = await headRead;
    await Promise.all(this.live().filter((t) => t.d.restore).map((t) => t.writeList(r!.toc)));
    return r?.head ?? [];
  }

  /**
   * The rest of the dump; its end counts only once the script has succeeded, so no destination
   * ever sees a clean end of a dump that failed or was cut (it is killed instead).
   */
  private async *rest(): AsyncGenerator<Buffer> {
    const chunks = this.chunks!;
    for (let r = await chunks.next(); !r.done; r = await chunks.next()) yield r.value;
    const done = await this.script!.done;
    if (done.code !== 0) throw scriptFailed(this.src, done);
  }

  /** Every destination's writer (and pg_restore), then the bytes to all of them at once. */
  private async send(head: Buffer[]): Promise<number> {
    const sinks = this.live().map((t) => t.startWriter(this.p.signal));
    this.parts.noneLeft(this.targets);
    let sent = 0;
    const bytes = await fanOut(this.rest(), sinks, (chunk) => {
      this.hash.update(chunk);
      this.p.onProgress?.((sent += chunk.length));
    }, head);
    if (sinks.every((s) => s.error)) {
      // Each destination's own failure (what its writer said, or the lost connection) first.
      await Promise.all(this.live().map((t) => t.finish('', { sha256: '', size: bytes })));
      const why = this.targets.flatMap((t) => (t.error ? [`${t.name}: ${t.error.message}`] : [])).join('; ');
      throw new StepError(this.srcName, 'move', why, { retryable: this.targets.every((t) => !t.error || isRetryable(t.error)) });
    }
    return bytes;
  }

  /**
   * The source's file is exactly what was streamed; each destination's writer (and pg_restore)
   * succeeded and its file matches too. Checked side by side: the source's file is summed while
   * the restores finish.
   */
  private async check(bytes: number): Promise<void> {
    const { src, srcName } = this;
    const path = dumpPathOf(src, await this.script!.done);
    const sha256 = this.hash.digest('hex');
    const dests = (this.finishing = Promise.all(this.targets.map((t) => t.finish(path, { sha256, size: bytes }))));
    const onSource = await fileDigest(src.host, src.backupUser, path, 'backup');
    if (onSource.sha256 !== sha256 || onSource.size !== bytes) {
      throw new StepError(srcName, 'backup', `sha256 mismatch: ${sha256} streamed (${bytes} bytes), ${onSource.sha256} in ${path} (${onSource.size} bytes)`);
    }
    this.parts.succeeded({ path, size: bytes, sha256 }, this.targets, await dests);
  }

  /** Everything stops; the files go (src/steps/pipeline-parts.ts). */
  private abort(): Promise<void> {
    return this.parts.abandon(this.targets, this.script, this.finishing);
  }
}
