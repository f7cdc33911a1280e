// Issue 5 acceptance: behind the fault-injecting proxy a copy completes by retrying; with a
// persistent failure it names the failed keys, reports failure (exit 2 for the caller) and deletes nothing.
// A stalled endpoint (requests taken, never answered) fails those requests by the idle timeout.
import { expect } from 'chai';
import { copySucceeded, formatCopyFailures, syncBucket, type CopySpec } from '../../../src/buckets/index.js';
import { startFaultProxy, type FaultProxy, S3_KEYS } from '../../lab/index.js';
import {
  bytesFor,
  client,
  createBucket,
  dropBucket,
  getBytes,
  lab,
  listAll,
  makeAwsHome,
  putAll,
  removeDir,
  requireS3,
  runLimited,
  sha,
  type Obj,
} from './support.js';

describe('buckets: retries behind a fault-injecting proxy', function () {
  this.timeout(180_000);
  const s3 = client();
  let proxy: FaultProxy;
  let home: ReturnType<typeof makeAwsHome>;
  const buckets: string[] = [];
  const fresh = async (tag: string) => {
    const b = await createBucket(s3, tag);
    buckets.push(b);
    return b;
  };
  const objs: Obj[] = Array.from({ length: 200 }, (_, i) => {
    const key = `f/${i % 4}/o ${i}.bin`;
    return { Key: key, Body: bytesFor(key, 500 + i * 40), ContentType: 'application/x-test' };
  });
  // The SDK's own retries off (its throttling backoff starts at 500 ms): ours alone must cope.
  // With 30 % of requests faulted, one object fails all n attempts with 0.3^n: for 200 objects 8
  // attempts left ~1 % of runs red (a flaky CI); 12 leave ~1e-4.
  const fast = { retries: 12, backoffBaseMs: 20, backoffCapMs: 500, sdkMaxAttempts: 1 };
  let src: string;

  before(async function () {
    await requireS3(this);
    proxy = await startFaultProxy({ target: lab().s3.endpoint, seed: 42 });
    const keys = S3_KEYS.production!;
    home = makeAwsHome({ faulty: { endpoint: proxy.endpoint, id: keys.id, secret: keys.secret } });
    src = await fresh('fsrc');
    await putAll(s3, src, objs);
  });
  after(async () => {
    await proxy?.close();
    for (const b of buckets) await dropBucket(s3, b);
    if (home) removeDir(home.dir);
  });

  async function expectCopied(dst: string, prefix = ''): Promise<void> {
    const bad: string[] = [];
    await runLimited(objs, 16, async (o) => {
      if (sha(await getBytes(s3, dst, prefix + o.Key)) !== sha(o.Body)) bad.push(o.Key);
    });
    expect(bad).to.deep.equal([]);
  }

  it('completes a server-side copy (and its deletions) despite SlowDown and dropped connections', async () => {
    const dst = await fresh('fdst');
    await putAll(s3, dst, [{ Key: 'stale-1', Body: Buffer.from('x') }, { Key: 'stale-2', Body: Buffer.from('y') }]);
    proxy.configure({ slowDownRate: 0.2, dropRate: 0.1, includeBucketRequests: true, persistentKeys: [] });
    const before = { ...proxy.stats };
    const spec: CopySpec = { source_bucket: src, dest_bucket: dst, aws_profile: 'faulty', delete: true, concurrency: 16 };
    const r = await syncBucket(spec, { env: home.env, ...fast });
    proxy.configure({ slowDownRate: 0, dropRate: 0 });
    expect(r.error).to.equal(undefined);
    expect(r.failures).to.deep.equal([]);
    expect([r.copied, r.deleted]).to.deep.equal([objs.length, 2]);
    expect(proxy.stats.slowdowns - before.slowdowns, 'SlowDowns injected').to.be.greaterThan(10);
    expect(proxy.stats.drops - before.drops, 'connections dropped').to.be.greaterThan(5);
    await expectCopied(dst);
    expect(await listAll(s3, dst)).to.have.length(objs.length);
  });

  it('completes a streamed copy when the source side drops connections', async () => {
    const dst = await fresh('fsdst');
    proxy.configure({ slowDownRate: 0.1, dropRate: 0.15, includeBucketRequests: false, persistentKeys: [] });
    const spec: CopySpec = { source_bucket: src, dest_bucket: dst, dest_path: 'x', source_profile: 'faulty', dest_profile: 'stage', concurrency: 16 };
    const r = await syncBucket(spec, { env: home.env, ...fast });
    proxy.configure({ slowDownRate: 0, dropRate: 0 });
    expect(r.mode).to.equal('stream');
    expect(r.failures).to.deep.equal([]);
    expect(r.copied).to.equal(objs.length);
    await expectCopied(dst, 'x/');
  });

  it('with persistent failures names the failed keys and deletes nothing', async () => {
    const dst = await fresh('fpdst');
    await putAll(s3, dst, [{ Key: 'stale-1', Body: Buffer.from('x') }]);
    const failing = [objs[3]!.Key, objs[150]!.Key];
    proxy.configure({ slowDownRate: 0, dropRate: 0, persistentKeys: failing, persistentFault: 'slowdown' });
    const spec: CopySpec = { source_bucket: src, dest_bucket: dst, aws_profile: 'faulty', delete: true, concurrency: 16 };
    const r = await syncBucket(spec, { env: home.env, retries: 3, backoffBaseMs: 10, backoffCapMs: 50, sdkMaxAttempts: 1 });
    proxy.configure({ persistentKeys: [] });
    expect(copySucceeded(r)).to.equal(false);
    expect(r.failures.map((f) => f.key).sort()).to.deep.equal([...failing].sort());
    expect(r.failures[0]!.error).to.match(/SlowDown, HTTP 503/);
    expect(r.copied).to.equal(objs.length - 2);
    expect(r.deleted).to.equal(0);
    expect(r.deleteSkipped).to.match(/not deleting 1 objects: the copy had errors/);
    expect((await listAll(s3, dst)).map((o) => o.key)).to.include('stale-1');
    const lines = formatCopyFailures(r).join('\n');
    for (const k of failing) expect(lines).to.include(k);
  });

  it('retries requests a stalled endpoint never answers, and names a key that always stalls', async () => {
    const dst = await fresh('fstall');
    proxy.configure({ slowDownRate: 0, dropRate: 0, stallRate: 0.05, includeBucketRequests: false, persistentKeys: [] });
    const before = proxy.stats.stalls;
    const spec: CopySpec = { source_bucket: src, dest_bucket: dst, aws_profile: 'faulty', concurrency: 16 };
    // 1 s of silence: far above a loaded moto's answer to a copy, far below the 120 s default.
    const idle = { ...fast, idleTimeoutMs: 1000 };
    const r = await syncBucket(spec, { env: home.env, ...idle });
    expect(proxy.stats.stalls - before, 'requests stalled').to.be.greaterThan(3);
    expect(r.failures).to.deep.equal([]);
    expect(r.copied).to.equal(objs.length);
    await expectCopied(dst);

    const stuck = objs[7]!.Key;
    proxy.configure({ stallRate: 0, persistentKeys: [stuck], persistentFault: 'stall' });
    const again = await fresh('fstall2');
    const started = Date.now();
    const r2 = await syncBucket({ ...spec, dest_bucket: again }, { env: home.env, ...idle, retries: 3 });
    proxy.configure({ persistentKeys: [] });
    expect(Date.now() - started, 'ended by the idle timeout, not hung').to.be.below(30_000);
    expect(r2.failures.map((f) => f.key)).to.deep.equal([stuck]);
    expect(r2.failures[0]!.error).to.match(/timed out|Timeout/i);
    expect(r2.copied).to.equal(objs.length - 1);
  });
});
