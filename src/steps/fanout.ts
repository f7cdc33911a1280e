// One readable copied to several writables with backpressure: the next chunk is read only when
// every live sink has taken the previous one, so memory stays at a chunk or so whatever the size.
// A sink that fails is dropped (the others go on); its error is kept for its own result.
import type { Readable, Writable } from 'node:stream';

export interface Sink {
  name: string;
  stream: Writable;
  /** Settles when the consumer behind the stream is gone (process ended, channel closed). */
  gone: Promise<unknown>;
  /** Set when the sink failed; it then gets no more data. */
  error?: Error;
}

/** Resolve when `w` took the chunk (immediately, or at 'drain'); reject if the sink goes first. */
function write(sink: Sink, chunk: Buffer): Promise<void> {
  const w = sink.stream;
  if (w.destroyed || w.writableEnded) return Promise.reject(new Error(`${sink.name}: the receiving end is closed`));
  if (w.write(chunk)) return Promise.resolve();
  return new Promise<void>((resolve, reject) => {
    const done = (err?: Error) => {
      w.off('drain', onDrain);
      w.off('error', onError);
      w.off('close', onClose);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const onError = (e: Error) => done(e);
    const onClose = () => done(new Error(`${sink.name}: the receiving end closed`));
    w.on('drain', onDrain);
    w.on('error', onError);
    w.on('close', onClose);
  });
}

/**
 * Copy `prefix` then `source` to every sink; `onChunk` sees each chunk once (hashing, progress).
 * Resolves with the byte count when the source ends (sinks are ended too) or when every sink has
 * failed (the source is then destroyed).
 */
export async function fanOut(source: AsyncIterable<Buffer>, sinks: Sink[], onChunk: (chunk: Buffer) => void, prefix: Buffer[] = []): Promise<number> {
  let bytes = 0;
  // A sink's stream may error while idle: keep it from becoming an uncaught exception.
  for (const s of sinks) {
    s.stream.on('error', (e: Error) => (s.error ??= e));
    // The consumer went away: break any wait for 'drain' (which would never come).
    const why = (e?: unknown) => e instanceof Error ? e : new Error(`${s.name}: the receiving command ended before the data did`);
    s.gone.then(
      () => !s.stream.writableEnded && s.stream.destroy(why()),
      (e: unknown) => s.stream.destroy(why(e)),
    );
  }
  async function* all(): AsyncGenerator<Buffer> {
    yield* prefix;
    yield* source;
  }
  for await (const chunk of all()) {
    onChunk(chunk);
    bytes += chunk.length;
    const live = sinks.filter((s) => !s.error);
    await Promise.all(live.map((s) => write(s, chunk).catch((e: Error) => (s.error ??= e))));
    if (sinks.every((s) => s.error)) {
      (source as Partial<Readable>).destroy?.();
      return bytes;
    }
  }
  for (const s of sinks) if (!s.error) s.stream.end();
  return bytes;
}
