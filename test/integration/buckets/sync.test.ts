// Issue 5 acceptance, server-side path: 1,000+ objects of every awkward kind copied byte-identical
// with headers, metadata and ACL; a second run copies nothing; one changed object is the only copy.
import {
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  GetObjectAclCommand,
  HeadObjectCommand,
  PutObjectCommand,
  UploadPartCommand,
  type S3Client,
} from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { copySucceeded, planBucketCopy, syncBucket, type CopySpec } from '../../../src/buckets/index.js';
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
  type Obj,
} from './support.js';

const THRESHOLD = 5_000_000;
const BIG = 'photos/big/video 1.mp4';
const MULTI = 'photos/big/multipart-source.bin';

function fixture(): Obj[] {
  const objs: Obj[] = [];
  for (let i = 0; i < 960; i++) {
    const key = `photos/p${i % 7}/sub ${i % 13}/file-${i}.bin`;
    const o: Obj = { Key: key, Body: bytesFor(key, 1 + ((i * 131) % 4000)) };
    if (i % 3 === 0) o.ContentType = 'image/png';
    if (i % 5 === 0) o.CacheControl = 'public, max-age=600';
    if (i % 11 === 0) o.ContentDisposition = `attachment; filename="file-${i}.bin"`;
    if (i % 4 === 0) o.Metadata = { owner: `user${i}`, 'x-origin': 'prod' };
    objs.push(o);
  }
  for (let i = 0; i < 20; i++) {
    objs.push({ Key: `photos/ünïcödé/café ñandú ${i}.txt`, Body: bytesFor(`u${i}`, 100 + i), ContentType: 'text/plain; charset=utf-8' });
    objs.push({ Key: `photos/emoji/🎉 party ${i}.txt`, Body: bytesFor(`e${i}`, 50 + i), ContentType: 'text/plain' });
    // U+FF21.. sort after the emoji in UTF-16 but before it in UTF-8: the merge must use S3's order.
    objs.push({ Key: `photos/emoji/\uFF21wide ${i}.txt`, Body: bytesFor(`w${i}`, 60 + i) });
  }
  objs.push(
    { Key: 'photos/empty/zero-byte.txt', Body: Buffer.alloc(0), ContentType: 'text/plain' },
    { Key: 'photos/odd/a+b=c & 100% (x).txt', Body: Buffer.from('odd'), ContentType: 'text/plain' },
    { Key: 'photos/deep/a/b/c/d/e/f/nested.json', Body: Buffer.from('{"deep":true}'), ContentType: 'application/json' },
    { Key: BIG, Body: bytesFor(BIG, 6 * 1024 * 1024), ContentType: 'video/mp4', CacheControl: 'max-age=60', Metadata: { duration: '42' } },
  );
  return objs;
}

/** Upload in two parts so the source itself has a multipart ETag (`…-2`). */
async function putMultipart(s3: S3Client, bucket: string, key: string, variant = 0): Promise<Buffer> {
  const body = bytesFor(key, 6 * 1024 * 1024, variant);
  const { UploadId } = await s3.send(
    new CreateMultipartUploadCommand({ Bucket: bucket, Key: key, ContentType: 'application/octet-stream', Metadata: { kind: 'multi' } }),
  );
  const split = 5 * 1024 * 1024;
  const parts = [];
  for (const [n, chunk] of [body.subarray(0, split), body.subarray(split)].entries()) {
    const r = await s3.send(new UploadPartCommand({ Bucket: bucket, Key: key, UploadId, PartNumber: n + 1, Body: chunk }));
    parts.push({ ETag: r.ETag, PartNumber: n + 1 });
  }
  await s3.send(new CompleteMultipartUploadCommand({ Bucket: bucket, Key: key, UploadId, MultipartUpload: { Parts: parts } }));
  return body;
}

describe('buckets: server-side sync on the lab endpoint', function () {
  this.timeout(180_000);
  const s3 = client();
  let home: ReturnType<typeof makeAwsHome>;
  let src: string;
  let dst: string;
  let objs: Obj[];
  let spec: CopySpec;
  const expected = new Map<string, string>(); // dest key -> sha256

  before(async function () {
    await requireS3(this);
    home = makeAwsHome();
    src = await createBucket(s3, 'src');
    dst = await createBucket(s3, 'dst');
    objs = fixture();
    await putAll(s3, src, objs);
    const multi = await putMultipart(s3, src, MULTI);
    // Outside source_path: must not be copied.
    await s3.send(new PutObjectCommand({ Bucket: src, Key: 'private/secret.txt', Body: 'no' }));
    for (const o of objs) expected.set('mirror/' + o.Key.slice('photos/'.length), sha(o.Body));
    expected.set('mirror/' + MULTI.slice('photos/'.length), sha(multi));
    spec = {
      description: 'photos',
      source_bucket: src,
      source_path: 'photos',
      dest_bucket: dst,
      dest_path: '/mirror/',
      aws_profile: 'production',
      acl: 'public-read',
      multipart_threshold: THRESHOLD,
    };
  });
  after(async () => {
    if (src) await dropBucket(s3, src);
    if (dst) await dropBucket(s3, dst);
    if (home) removeDir(home.dir);
  });

  it('copies 1,000+ objects byte-identical, server-side', async () => {
    const progress: number[] = [];
    const r = await syncBucket(spec, { env: home.env, onProgress: (p) => progress.push(p.done) });
    console.log(`      ${r.copied} objects in ${r.durationMs} ms`);
    expect(r.failures).to.deep.equal([]);
    expect(r.error).to.equal(undefined);
    expect(r.mode).to.equal('server-side');
    expect(r.listed).to.equal(expected.size).and.to.be.greaterThan(1000);
    expect(r.copied).to.equal(expected.size);
    expect(progress.at(-1)).to.equal(expected.size);
    const listed = await listAll(s3, dst);
    expect(listed.map((o) => o.key).sort()).to.deep.equal([...expected.keys()].sort());
    const mismatched: string[] = [];
    await runLimited([...expected], 32, async ([key, hash]) => {
      if (sha(await getBytes(s3, dst, key)) !== hash) mismatched.push(key);
    });
    expect(mismatched).to.deep.equal([]);
  });

  it('keeps Content-Type, Cache-Control, Content-Disposition and user metadata', async () => {
    const sample = objs.filter((o, i) => i % 9 === 0 || o.Key === BIG || o.ContentDisposition);
    await runLimited(sample, 16, async (o) => {
      const h = await s3.send(new HeadObjectCommand({ Bucket: dst, Key: 'mirror/' + o.Key.slice('photos/'.length) }));
      const s = await s3.send(new HeadObjectCommand({ Bucket: src, Key: o.Key }));
      expect(h.ContentType, o.Key).to.equal(s.ContentType);
      if (o.ContentType) expect(h.ContentType, o.Key).to.equal(o.ContentType);
      expect(h.CacheControl, o.Key).to.equal(o.CacheControl);
      expect(h.ContentDisposition, o.Key).to.equal(o.ContentDisposition);
      const meta = { ...(h.Metadata ?? {}) };
      if (o.Key === BIG) expect(meta.md5chksum, 'checksum kept on the multipart copy').to.be.a('string');
      delete meta.md5chksum;
      expect(meta, o.Key).to.deep.equal(o.Metadata ?? {});
    });
    const m = await s3.send(new HeadObjectCommand({ Bucket: dst, Key: 'mirror/big/multipart-source.bin' }));
    expect(m.ContentType).to.equal('application/octet-stream');
    expect(m.Metadata?.kind).to.equal('multi');
  });

  it('sets the ACL on every kind of copy (CopyObject, multipart)', async () => {
    for (const key of ['mirror/p0/sub 0/file-0.bin', 'mirror/big/video 1.mp4', 'mirror/big/multipart-source.bin', 'mirror/empty/zero-byte.txt']) {
      const acl = await s3.send(new GetObjectAclCommand({ Bucket: dst, Key: key }));
      const publicRead = (acl.Grants ?? []).some((g) => g.Grantee?.URI?.endsWith('/global/AllUsers') && g.Permission === 'READ');
      expect(publicRead, key).to.equal(true);
    }
  });

  it('copies nothing on a second run', async () => {
    const r = await syncBucket(spec, { env: home.env });
    expect([r.copied, r.skipped, r.failures.length]).to.deep.equal([0, expected.size, 0]);
    expect(copySucceeded(r)).to.equal(true);
  });

  it('after one object changes (same size, other bytes) plans and copies exactly that one', async () => {
    const o = objs[123]!;
    const body = bytesFor(o.Key, o.Body.length, 1);
    await s3.send(new PutObjectCommand({ Bucket: src, Key: o.Key, Body: body, ContentType: 'image/webp' }));
    const destKey = 'mirror/' + o.Key.slice('photos/'.length);

    const plan = await planBucketCopy(spec, { env: home.env });
    expect(plan.wouldCopy).to.deep.equal([destKey]);
    expect(sha(await getBytes(s3, dst, destKey)), 'dry run wrote nothing').to.equal(expected.get(destKey));

    const r = await syncBucket(spec, { env: home.env });
    expect([r.copied, r.failures.length]).to.deep.equal([1, 0]);
    expect(sha(await getBytes(s3, dst, destKey))).to.equal(sha(body));
    expect((await s3.send(new HeadObjectCommand({ Bucket: dst, Key: destKey }))).ContentType).to.equal('image/webp');
  });

  it('compares multipart copies by the checksum kept in metadata', async () => {
    // The big object's copy has a multipart ETag; the source's is a plain MD5.
    const body = bytesFor(BIG, 6 * 1024 * 1024, 2);
    await s3.send(new PutObjectCommand({ Bucket: src, Key: BIG, Body: body, ContentType: 'video/mp4' }));
    const r1 = await syncBucket(spec, { env: home.env });
    expect([r1.copied, r1.failures.length]).to.deep.equal([1, 0]);
    expect(sha(await getBytes(s3, dst, 'mirror/big/video 1.mp4'))).to.equal(sha(body));
    // A source with a multipart ETag changed in place: same size, other bytes.
    const multi = await putMultipart(s3, src, MULTI, 3);
    const r2 = await syncBucket(spec, { env: home.env });
    expect([r2.copied, r2.failures.length]).to.deep.equal([1, 0]);
    expect(sha(await getBytes(s3, dst, 'mirror/big/multipart-source.bin'))).to.equal(sha(multi));
    const r3 = await syncBucket(spec, { env: home.env });
    expect(r3.copied).to.equal(0);
  });
});
