// Issue 5 acceptance: `delete` false keeps stale destination objects, true removes them, more than
// max_delete refuses and deletes nothing; include/exclude decide what is copied and what is deleted.
import { expect } from 'chai';
import { copySucceeded, formatCopyFailures, formatCopyPlan, planBucketCopy, syncBucket, type CopySpec } from '../../../src/buckets/index.js';
import { bytesFor, client, createBucket, dropBucket, listAll, makeAwsHome, putAll, removeDir, requireS3, type Obj } from './support.js';

describe('buckets: delete, max_delete and filters', function () {
  this.timeout(120_000);
  const s3 = client();
  let home: ReturnType<typeof makeAwsHome>;
  const buckets: string[] = [];
  const fresh = async (tag: string) => {
    const b = await createBucket(s3, tag);
    buckets.push(b);
    return b;
  };
  const objs = (prefix: string, n: number, tag = 'x'): Obj[] =>
    Array.from({ length: n }, (_, i) => ({ Key: `${prefix}${tag}-${i}.txt`, Body: bytesFor(`${tag}${i}`, 100 + i) }));
  let src: string;

  before(async function () {
    await requireS3(this);
    home = makeAwsHome();
    src = await fresh('delsrc');
    await putAll(s3, src, objs('', 20, 'keep'));
  });
  after(async () => {
    for (const b of buckets) await dropBucket(s3, b);
    if (home) removeDir(home.dir);
  });

  /** A destination holding a copy of the source plus `stale` objects the source does not have. */
  async function destWithStale(stale: number): Promise<string> {
    const dst = await fresh('deldst');
    await putAll(s3, dst, [...objs('', 20, 'keep'), ...objs('', stale, 'stale')]);
    return dst;
  }

  it('delete: false (the default) keeps stale objects', async () => {
    const dst = await destWithStale(5);
    const r = await syncBucket({ source_bucket: src, dest_bucket: dst, aws_profile: 'production' }, { env: home.env });
    expect([r.copied, r.skipped, r.deleted, r.toDelete]).to.deep.equal([0, 20, 0, 0]);
    expect(await listAll(s3, dst)).to.have.length(25);
  });

  it('delete: true removes objects absent from the source', async () => {
    const dst = await destWithStale(5);
    const r = await syncBucket({ source_bucket: src, dest_bucket: dst, aws_profile: 'production', delete: true }, { env: home.env });
    expect([r.deleted, r.failures.length]).to.deep.equal([5, 0]);
    expect((await listAll(s3, dst)).map((o) => o.key).filter((k) => k.startsWith('stale'))).to.deep.equal([]);
    expect(await listAll(s3, dst)).to.have.length(20);
  });

  it('refuses, deleting nothing, when more than max_delete would go; -1 lifts the cap', async () => {
    const dst = await destWithStale(8);
    const spec: CopySpec = { source_bucket: src, dest_bucket: dst, aws_profile: 'production', delete: true, max_delete: 7 };
    const plan = await planBucketCopy(spec, { env: home.env });
    expect(plan.toDelete).to.equal(8);
    expect(plan.deleteSkipped).to.match(/would refuse/);
    const printed = formatCopyPlan(plan, true);
    expect(printed[0]).to.match(/: 0 of 20 objects to copy \(0 B\), 8 to delete — would refuse/);
    expect(printed.filter((l) => l.startsWith('  delete stale-'))).to.have.length(8);

    const r = await syncBucket(spec, { env: home.env });
    expect(copySucceeded(r)).to.equal(false);
    expect(r.deleted).to.equal(0);
    expect(r.error).to.match(/refusing to delete 8 objects .* more than max_delete \(7\)/);
    expect(formatCopyFailures(r).join('\n')).to.include('max_delete');
    expect(await listAll(s3, dst)).to.have.length(28);

    const ok = await syncBucket({ ...spec, max_delete: -1 }, { env: home.env });
    expect([ok.deleted, copySucceeded(ok)]).to.deep.equal([8, true]);
  });

  it('include/exclude choose what is copied, and excluded destination objects are never deleted', async () => {
    const fsrc = await fresh('filtsrc');
    await putAll(s3, fsrc, [
      { Key: 'site/a.jpg', Body: Buffer.from('a') },
      { Key: 'site/deep/b.jpg', Body: Buffer.from('b') },
      { Key: 'site/c.png', Body: Buffer.from('c') },
      { Key: 'site/tmp/d.jpg', Body: Buffer.from('d') },
    ]);
    const dst = await fresh('filtdst');
    await putAll(s3, dst, [
      { Key: 'stage/keep.log', Body: Buffer.from('excluded: stays') },
      { Key: 'stage/gone.jpg', Body: Buffer.from('included, absent from source: deleted') },
    ]);
    const r = await syncBucket(
      {
        source_bucket: fsrc,
        source_path: 'site',
        dest_bucket: dst,
        dest_path: 'stage',
        aws_profile: 'production',
        include: ['*.jpg'],
        exclude: ['tmp/**'],
        delete: true,
      },
      { env: home.env },
    );
    expect(r.failures).to.deep.equal([]);
    expect([r.listed, r.copied, r.deleted]).to.deep.equal([2, 2, 1]);
    expect((await listAll(s3, dst)).map((o) => o.key).sort()).to.deep.equal(['stage/a.jpg', 'stage/deep/b.jpg', 'stage/keep.log']);
  });

  it('reports a missing bucket or profile as one line, not a crash', async () => {
    const missing = await syncBucket({ source_bucket: 'no-such-bucket-stagesync', dest_bucket: src, aws_profile: 'production' }, { env: home.env });
    expect(missing.error).to.match(/^listing s3:\/\/no-such-bucket-stagesync\/: NoSuchBucket/);
    expect(missing.error).to.not.match(/\n/);
    const typo = await syncBucket({ source_bucket: src, dest_bucket: src, aws_profile: 'prodution' }, { env: home.env });
    expect(typo.error).to.match(/AWS profile "prodution" is in neither/);
  });

  it('stops when aborted, deleting nothing', async () => {
    const dst = await destWithStale(3);
    const ac = new AbortController();
    ac.abort();
    const r = await syncBucket({ source_bucket: src, dest_bucket: dst, aws_profile: 'production', delete: true }, { env: home.env, signal: ac.signal });
    expect(r.error).to.equal('interrupted');
    expect(r.deleted).to.equal(0);
    expect(await listAll(s3, dst)).to.have.length(23);
  });

  it('refuses a destination inside the source on the same endpoint', async () => {
    const r = await syncBucket({ source_bucket: src, dest_bucket: src, dest_path: 'copy', aws_profile: 'production' }, { env: home.env });
    expect(r.error).to.match(/overlap/);
    expect(await listAll(s3, src, 'copy/')).to.have.length(0);
  });
});
