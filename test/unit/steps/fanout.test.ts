import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { PassThrough, Readable, Writable } from 'node:stream';
import { fanOut, type Sink } from '../../../src/steps/fanout.js';

/** A writer that takes `delayMs` per chunk, with a tiny buffer: forces backpressure. */
function slowSink(name: string, delayMs: number, fail?: { afterBytes: number }) {
  const got: Buffer[] = [];
  let n = 0;
  let resolveGone!: (v: unknown) => void;
  const gone = new Promise((r) => (resolveGone = r));
  const stream = new Writable({
    highWaterMark: 1024,
    write(chunk: Buffer, _e, cb) {
      n += chunk.length;
      if (fail && n > fail.afterBytes) {
        resolveGone({ code: 1 });
        return cb(new Error(`${name} broke`));
      }
      got.push(chunk);
      setTimeout(cb, delayMs);
    },
    final(cb) {
      resolveGone({ code: 0 });
      cb();
    },
  });
  const sink: Sink = { name, stream, gone };
  return { sink, got };
}

function source(chunks: number, size: number) {
  let i = 0;
  let maxBuffered = 0;
  const r = new Readable({
    highWaterMark: size,
    read() {
      maxBuffered = Math.max(maxBuffered, this.readableLength);
      if (i++ < chunks) this.push(Buffer.alloc(size, i % 251));
      else this.push(null);
    },
  });
  return { r, maxBuffered: () => maxBuffered };
}

describe('steps/fanout: one source to many sinks', () => {
  it('delivers identical bytes to every sink, reading no faster than the slowest sink', async () => {
    const src = source(200, 4096);
    const a = slowSink('a', 0);
    const b = slowSink('b', 1);
    const h = createHash('sha256');
    let reads = 0;
    const bytes = await fanOut(src.r, [a.sink, b.sink], (c) => {
      h.update(c);
      reads++;
    });
    expect(bytes).to.equal(200 * 4096);
    const ha = createHash('sha256').update(Buffer.concat(a.got)).digest('hex');
    const hb = createHash('sha256').update(Buffer.concat(b.got)).digest('hex');
    expect(ha).to.equal(h.digest('hex'));
    expect(hb).to.equal(ha);
    expect(reads).to.be.greaterThan(0);
    // Backpressure: the source never ran more than a couple of chunks ahead.
    expect(src.maxBuffered()).to.be.at.most(2 * 4096);
  });

  it('drops a failing sink and keeps feeding the others', async () => {
    const src = source(50, 1000);
    const good = slowSink('good', 0);
    const bad = slowSink('bad', 0, { afterBytes: 10_000 });
    const bytes = await fanOut(src.r, [good.sink, bad.sink], () => undefined);
    expect(bytes).to.equal(50_000);
    expect(Buffer.concat(good.got).length).to.equal(50_000);
    expect(bad.sink.error?.message).to.match(/bad broke|ended before the data did/);
    expect(good.sink.error).to.equal(undefined);
  });

  it('stops reading when every sink has failed, and never hangs on a sink whose consumer is gone', async () => {
    const src = source(1000, 1000);
    const stuck = new PassThrough({ highWaterMark: 10 }); // nobody reads it: 'drain' never comes
    let goneNow!: (v: unknown) => void;
    const sink: Sink = { name: 'stuck', stream: stuck, gone: new Promise((r) => (goneNow = r)) };
    setTimeout(() => goneNow({ code: 1 }), 50);
    const bytes = await fanOut(src.r, [sink], () => undefined);
    expect(bytes).to.be.below(1_000_000);
    expect(sink.error).to.be.instanceOf(Error);
  });
});
