// Issue 5 acceptance: different source and destination profiles. Two endpoints (the lab's moto and a
// second, private one that cannot see the lab's buckets) force streaming through us; so do two sets of
// credentials on one endpoint.
import { GetObjectAclCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { S3_KEYS } from '../../lab/index.js';
import { syncBucket, type CopySpec } from '../../../src/buckets/index.js';
import {
  bytesFor,
  client,
  createBucket,
  dropBucket,
  getBytes,
  listAll,
  makeAwsHome,
  putAll,
  removeDir,
  requireS3,
  runLimited,
  sha,
  startSecondEndpoint,
  type Obj,
} from './support.js';

function fixture(): Obj[] {
  const objs: Obj[] = [];
  for (let i = 0; i < 150; i++) {
    const key = `m/${i % 5}/obj ${i}.bin`;
    objs.push({ Key: key, Body: bytesFor(key, (i * 397) % 20000), ContentType: i % 2 ? 'image/jpeg' : 'text/plain', Metadata: i % 3 ? {} : { n: String(i) } });
  }
  objs.push(
    { Key: 'm/ünï/ça va 🎉.txt', Body: Buffer.from('unicode'), ContentType: 'text/plain; charset=utf-8', CacheControl: 'no-cache' },
    { Key: 'm/empty', Body: Buffer.alloc(0) },
    { Key: 'm/mid/two-mib.bin', Body: bytesFor('two', 2 * 1024 * 1024 + 3), ContentDisposition: 'inline' },
    { Key: 'm/big/large.bin', Body: bytesFor('large', 11 * 1024 * 1024), ContentType: 'application/zip', Metadata: { a: 'b' } },
  );
  return objs;
}

describe('buckets: streaming between different profiles', function () {
  this.timeout(180_000);
  const lab = client();
  let other: Awaited<ReturnType<typeof startSecondEndpoint>>;
  let remote: ReturnType<typeof client>;
  let home: ReturnType<typeof makeAwsHome>;
  let src: string;
  let dst: string;
  let sameEndpointDst: string;
  const objs = fixture();

  before(async function () {
    await requireS3(this);
    other = await startSecondEndpoint();
    remote = client(other.endpoint);
    home = makeAwsHome({ elsewhere: { endpoint: other.endpoint, id: 'AKIAELSEWHERE0000000', secret: 'elsewhere' } });
    src = await createBucket(lab, 'ssrc');
    dst = await createBucket(remote, 'sdst');
    sameEndpointDst = await createBucket(lab, 'sdst2');
    await putAll(lab, src, objs);
  });
  after(async () => {
    if (src) await dropBucket(lab, src);
    if (sameEndpointDst) await dropBucket(lab, sameEndpointDst);
    await other?.stop();
    if (home) removeDir(home.dir);
  });

  const spec = (): CopySpec => ({
    source_bucket: src,
    dest_bucket: dst,
    source_profile: 'production',
    dest_profile: 'elsewhere',
    acl: 'public-read',
    // Objects from 5 MB up go in parts: the 11 MiB one is a multipart upload.
    multipart_threshold: 5_000_000,
  });

  it('copies across two endpoints byte-identical, with headers, metadata and ACL', async () => {
    const r = await syncBucket(spec(), { env: home.env });
    expect(r.failures).to.deep.equal([]);
    expect(r.mode).to.equal('stream');
    expect(r.copied).to.equal(objs.length);
    expect((await listAll(remote, dst)).length).to.equal(objs.length);
    const bad: string[] = [];
    await runLimited(objs, 16, async (o) => {
      if (sha(await getBytes(remote, dst, o.Key)) !== sha(o.Body)) bad.push(o.Key);
      const h = await remote.send(new HeadObjectCommand({ Bucket: dst, Key: o.Key }));
      const s = await lab.send(new HeadObjectCommand({ Bucket: src, Key: o.Key }));
      const meta = { ...(h.Metadata ?? {}) };
      delete meta.md5chksum;
      if (h.ContentType !== s.ContentType || h.CacheControl !== s.CacheControl || h.ContentDisposition !== s.ContentDisposition) bad.push(`${o.Key} headers`);
      if (JSON.stringify(meta) !== JSON.stringify(s.Metadata ?? {})) bad.push(`${o.Key} metadata`);
    });
    expect(bad).to.deep.equal([]);
    const big = await remote.send(new HeadObjectCommand({ Bucket: dst, Key: 'm/big/large.bin' }));
    expect(big.ETag, 'uploaded in parts').to.match(/-\d+"$/);
    expect(big.Metadata?.md5chksum).to.be.a('string');
    const acl = await remote.send(new GetObjectAclCommand({ Bucket: dst, Key: 'm/big/large.bin' }));
    expect((acl.Grants ?? []).some((g) => g.Grantee?.URI?.endsWith('/global/AllUsers') && g.Permission === 'READ')).to.equal(true);
  });

  it('copies nothing on a second run, then exactly the changed object', async () => {
    const again = await syncBucket(spec(), { env: home.env });
    expect([again.copied, again.skipped, again.failures.length]).to.deep.equal([0, objs.length, 0]);
    const o = objs[7]!;
    const body = bytesFor(o.Key, o.Body.length, 9);
    await lab.send(new PutObjectCommand({ Bucket: src, Key: o.Key, Body: body }));
    const big = bytesFor('large', 11 * 1024 * 1024, 9);
    await lab.send(new PutObjectCommand({ Bucket: src, Key: 'm/big/large.bin', Body: big }));
    const r = await syncBucket(spec(), { env: home.env });
    expect([r.copied, r.failures.length]).to.deep.equal([2, 0]);
    expect(sha(await getBytes(remote, dst, o.Key))).to.equal(sha(body));
    expect(sha(await getBytes(remote, dst, 'm/big/large.bin'))).to.equal(sha(big));
  });

  it('streams between two credentials on one endpoint', async () => {
    expect(S3_KEYS.production!.id).to.not.equal(S3_KEYS.stage!.id);
    const r = await syncBucket(
      { source_bucket: src, source_path: 'm/0', dest_bucket: sameEndpointDst, source_profile: 'production', dest_profile: 'stage' },
      { env: home.env },
    );
    expect(r.mode).to.equal('stream');
    expect(r.failures).to.deep.equal([]);
    expect(r.copied).to.equal(30);
    expect((await listAll(lab, sameEndpointDst)).map((o) => o.key)).to.include('obj 0.bin');
  });
});
