import { expect } from 'chai';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describeError, isRetryable, S3ResponseError, withRetry } from '../../../src/buckets/retry.js';

/** What the SDK's HTTP handler really rejects with when the server drops the connection. */
async function realHangUp(): Promise<unknown> {
  const server = createServer((req) => req.socket.destroy());
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  const handler = new NodeHttpHandler();
  try {
    await handler.handle({ method: 'GET', protocol: 'http:', hostname: '127.0.0.1', port, path: '/', query: {}, headers: {} } as never);
    return undefined;
  } catch (e) {
    return e;
  } finally {
    handler.destroy();
    server.close();
  }
}

const s3err = (name: string, status: number) => Object.assign(new Error(name + ' message'), { name, $metadata: { httpStatusCode: status } });

describe('buckets/retry', () => {
  it('retries 5xx, SlowDown, throttling and dropped connections only', () => {
    expect(isRetryable(s3err('SlowDown', 503))).to.equal(true);
    expect(isRetryable(s3err('InternalError', 500))).to.equal(true);
    expect(isRetryable(s3err('ThrottlingException', 400))).to.equal(true);
    expect(isRetryable(s3err('TooManyRequests', 429))).to.equal(true);
    expect(isRetryable(Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }))).to.equal(true);
    expect(isRetryable(Object.assign(new Error('write EPIPE'), { code: 'EPIPE' }))).to.equal(true);
    // Classified by typed properties, never by the words of a message.
    expect(isRetryable(new Error('socket hang up'))).to.equal(false);
    expect(isRetryable(s3err('AccessDenied', 403))).to.equal(false);
    expect(isRetryable(s3err('NoSuchKey', 404))).to.equal(false);
    expect(isRetryable(s3err('PreconditionFailed', 412))).to.equal(false);
    expect(isRetryable(undefined)).to.equal(false);
  });
  it('retries a real dropped connection as the SDK reports it (TimeoutError, code ECONNRESET)', async () => {
    const err = (await realHangUp()) as { name?: string; code?: string };
    expect(err?.code).to.equal('ECONNRESET');
    expect(isRetryable(err)).to.equal(true);
  });
  it('classifies an S3 error answer once, where it is parsed', () => {
    const slow = S3ResponseError.fromXml(503, '<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message></Error>');
    expect([slow.name, slow.retryable, slow.$metadata.httpStatusCode]).to.deep.equal(['SlowDown', true, 503]);
    expect(describeError(slow)).to.equal('SlowDown, HTTP 503: Please reduce your request rate.');
    // A copy answered 200 with an error body (S3 does that) is an InternalError all the same.
    expect(S3ResponseError.fromXml(200, '<Error><Code>InternalError</Code></Error>').retryable).to.equal(true);
    const denied = S3ResponseError.fromXml(403, '<Error><Code>AccessDenied</Code><Message>no</Message></Error>');
    expect([denied.retryable, isRetryable(denied)]).to.deep.equal([false, false]);
    expect(isRetryable(S3ResponseError.fromXml(502, 'Bad Gateway'))).to.equal(true);
  });
  it('gives up after the attempts, waiting between them', async () => {
    const waits: number[] = [];
    let calls = 0;
    const err = s3err('SlowDown', 503);
    const p = withRetry(
      async () => {
        calls++;
        throw err;
      },
      { attempts: 4, baseMs: 100, capMs: 1000, random: () => 0.5, sleep: async (ms) => void waits.push(ms) },
    );
    await p.then(
      () => expect.fail('should fail'),
      (e) => expect(e).to.equal(err),
    );
    expect(calls).to.equal(4);
    expect(waits).to.deep.equal([50, 100, 200]);
  });
  it('does not retry a permanent error and returns a later success', async () => {
    let calls = 0;
    const policy = { attempts: 5, baseMs: 1, capMs: 1, sleep: async () => undefined };
    await withRetry(async () => {
      calls++;
      throw s3err('AccessDenied', 403);
    }, policy).catch(() => undefined);
    expect(calls).to.equal(1);
    calls = 0;
    const v = await withRetry(async () => {
      if (++calls < 3) throw s3err('SlowDown', 503);
      return 'ok';
    }, policy);
    expect([v, calls]).to.deep.equal(['ok', 3]);
  });
  it('describes S3 errors on one line', () => {
    expect(describeError(s3err('SlowDown', 503))).to.equal('SlowDown, HTTP 503: SlowDown message');
    expect(describeError(Object.assign(new Error('a\nstack'), { code: 'ECONNRESET' }))).to.equal('ECONNRESET: a');
  });
});
