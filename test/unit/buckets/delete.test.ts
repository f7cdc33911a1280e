import { expect } from 'chai';
import type { S3Client } from '@aws-sdk/client-s3';
import { deleteKeys } from '../../../src/buckets/delete.js';

/** A stand-in client recording DeleteObjects batches; keys named `bad*` come back as errors. */
function fakeClient(failFirstCalls = 0) {
  const batches: number[] = [];
  let calls = 0;
  const client = {
    send: async (cmd: { input: { Delete: { Objects: { Key: string }[] } } }) => {
      calls++;
      if (calls <= failFirstCalls) throw Object.assign(new Error('slow down'), { name: 'SlowDown', $metadata: { httpStatusCode: 503 } });
      const objs = cmd.input.Delete.Objects;
      batches.push(objs.length);
      return { Errors: objs.filter((o) => o.Key.startsWith('bad')).map((o) => ({ Key: o.Key, Code: 'AccessDenied', Message: 'no' })) };
    },
  };
  return { client: client as unknown as S3Client, batches };
}
const policy = { attempts: 3, baseMs: 1, capMs: 1, sleep: async () => undefined };

describe('buckets/delete', () => {
  it('sends batches of at most 1000 keys', async () => {
    const { client, batches } = fakeClient();
    const keys = Array.from({ length: 2500 }, (_, i) => `k${i}`);
    const out = await deleteKeys(client, 'b', keys, policy);
    expect(batches.sort((a, b) => b - a)).to.deep.equal([1000, 1000, 500]);
    expect(out).to.deep.equal({ deleted: 2500, failures: [], retryable: true });
  });
  it('reports per-key errors and retries throttled batches', async () => {
    const { client } = fakeClient(2);
    const out = await deleteKeys(client, 'b', ['a', 'bad1', 'c'], policy);
    expect(out.deleted).to.equal(2);
    expect(out.failures).to.deep.equal([{ key: 'bad1', error: 'delete: AccessDenied: no' }]);
    expect(out.retryable, 'access denied will not pass by itself').to.equal(false);
  });
  it('lists every key of a batch that failed for good', async () => {
    const { client } = fakeClient(10);
    const out = await deleteKeys(client, 'b', ['a', 'b'], policy);
    expect(out.deleted).to.equal(0);
    expect(out.failures.map((f) => f.key)).to.deep.equal(['a', 'b']);
    expect(out.failures[0]!.error).to.match(/^delete: SlowDown, HTTP 503/);
    expect(out.retryable, 'throttling may pass').to.equal(true);
  });
});
