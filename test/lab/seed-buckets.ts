// Sample media for the lab's S3 endpoint: a production bucket with a few hundred objects whose keys
// and bodies exercise a copier (nested prefixes, spaces, unicode, reserved URL characters, a 0-byte
// object, metadata and headers, one ~20 MB object), and empty staging buckets.
import {
  CreateBucketCommand,
  DeleteObjectsCommand,
  HeadBucketCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  type PutObjectCommandInput,
  type S3Client,
} from '@aws-sdk/client-s3';
import { createCipheriv, createHash } from 'node:crypto';

export const PROD_BUCKET = 'prod-media';
export const STAGE_BUCKETS = ['stage1-media', 'stage2-media', 'dev1-media'];
export const LARGE_KEY = 'media/videos/large intro.mp4';
export const LARGE_SIZE = 20 * 1024 * 1024;

/** Deterministic bytes for a key (so re-seeding yields identical objects and ETags): AES-CTR of zeros. */
function bytesFor(key: string, size: number): Buffer {
  const k = createHash('sha256').update(key).digest();
  const c = createCipheriv('aes-128-ctr', k.subarray(0, 16), k.subarray(16, 32));
  return Buffer.concat([c.update(Buffer.alloc(size)), c.final()]);
}

type Obj = Omit<PutObjectCommandInput, 'Bucket'> & { Key: string };

export function prodObjects(): Obj[] {
  const objs: Obj[] = [];
  for (let n = 1; n <= 200; n++) {
    const key = `media/uploads/avatars/${n % 10}/user-${n}.png`;
    objs.push({ Key: key, Body: bytesFor(key, 512 + ((n * 97) % 3584)), ContentType: 'image/png' });
  }
  for (let n = 1; n <= 50; n++) {
    const key = `media/documents/2025/${String(1 + (n % 12)).padStart(2, '0')}/Quarterly Report ${n}.pdf`;
    objs.push({
      Key: key,
      Body: Buffer.concat([Buffer.from('%PDF-1.4\n'), bytesFor(key, 2048 + n * 13)]),
      ContentType: 'application/pdf',
      ContentDisposition: `attachment; filename="Quarterly Report ${n}.pdf"`,
      Metadata: { owner: `user${n}`, source: 'lab-seed' },
    });
  }
  for (let n = 1; n <= 10; n++) {
    objs.push({ Key: `media/ünïcödé/café ñandú ${n}.txt`, Body: `Grüße ${n} — déjà vu\n`, ContentType: 'text/plain; charset=utf-8' });
    objs.push({ Key: `media/日本語/写真 ${n}.jpg`, Body: bytesFor(`jp${n}`, 1500), ContentType: 'image/jpeg' });
    objs.push({ Key: `media/emoji/🎉 party ${n}.txt`, Body: `party ${n} 🎉\n`, ContentType: 'text/plain; charset=utf-8' });
  }
  for (const name of ['a+b=c.txt', '100% real.txt', 'hash#tag.txt', 'question?.txt', 'semi;colon&amp.txt', "it's (quoted) [x].txt", 'tilde~and,comma.txt']) {
    objs.push({ Key: `media/odd names/${name}`, Body: `odd key: ${name}\n`, ContentType: 'text/plain' });
  }
  objs.push(
    { Key: 'media/empty/zero-byte.txt', Body: Buffer.alloc(0), ContentType: 'text/plain' },
    { Key: 'static/css/app.css', Body: 'body { font-family: sans-serif; }\n', ContentType: 'text/css', CacheControl: 'public, max-age=31536000, immutable' },
    { Key: 'static/js/app.js', Body: 'console.log("prod");\n', ContentType: 'application/javascript', CacheControl: 'public, max-age=31536000, immutable' },
    { Key: 'robots.txt', Body: 'User-agent: *\nDisallow: /media/\n', ContentType: 'text/plain', CacheControl: 'max-age=3600' },
    { Key: 'media/deep/a/b/c/d/e/f/g/nested.json', Body: '{"deep": true}\n', ContentType: 'application/json' },
    { Key: LARGE_KEY, Body: bytesFor(LARGE_KEY, LARGE_SIZE), ContentType: 'video/mp4', Metadata: { duration: '42' } },
  );
  return objs;
}

async function emptyOrCreate(s3: S3Client, bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
  } catch {
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
    return;
  }
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, ContinuationToken: token }));
    const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
    if (keys.length) await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
}

/** Recreate the lab buckets from scratch; returns the number of objects in the production bucket. */
export async function seedBuckets(s3: S3Client): Promise<number> {
  await Promise.all([PROD_BUCKET, ...STAGE_BUCKETS].map((b) => emptyOrCreate(s3, b)));
  const objs = prodObjects();
  let next = 0;
  const worker = async () => {
    while (next < objs.length) {
      const o = objs[next++]!;
      await s3.send(new PutObjectCommand({ Bucket: PROD_BUCKET, ...o }));
    }
  };
  await Promise.all(Array.from({ length: 16 }, worker));
  return objs.length;
}
