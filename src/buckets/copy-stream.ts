// Different credentials or endpoints: the bytes pass through us, GetObject body → PutObject (small)
// or a multipart Upload (lib-storage, a few parts buffered at a time) — never a whole large object.
import { GetObjectCommand, PutObjectCommand, type ObjectCannedACL } from '@aws-sdk/client-s3';
import { Upload } from '@aws-sdk/lib-storage';
import type { Readable } from 'node:stream';
import { checksumMetadata } from './diff.js';
import { headersOf, partSizeFor } from './headers.js';
import type { CopyTarget, ObjectInfo } from './types.js';


/** Below this we read the body into memory and PutObject it: one request, retryable by the SDK. */
const SMALL = 1024 * 1024;
/** Largest part we buffer: objects from here up go in parts, whatever multipart_threshold says. */
const STREAM_PART = 8 * 1024 * 1024;

export async function streamCopy(t: CopyTarget, src: ObjectInfo, destKey: string): Promise<void> {
  const ACL = t.acl as ObjectCannedACL | undefined;
  const [source, dest] = await Promise.all([t.source.get(), t.dest.get()]);
  const got = await source.send(new GetObjectCommand({ Bucket: t.sourceBucket, Key: src.key, IfMatch: `"${src.etag}"` }));
  const body = got.Body;
  if (!body) throw new Error('GetObject returned no body');
  const size = got.ContentLength ?? src.size;
  // In parts from the threshold or STREAM_PART up, so memory holds at most a few parts per object;
  // a multipart ETag is no MD5, so the copy then keeps the source's checksum in metadata.
  const threshold = Math.min(t.multipartThreshold, STREAM_PART);
  const partSize = partSizeFor(size, threshold);
  const multipart = size >= threshold;
  const headers = headersOf(got, multipart ? checksumMetadata(src, got.Metadata) : {});
  if (!multipart && size <= SMALL) {
    const bytes = await body.transformToByteArray();
    await dest.send(new PutObjectCommand({ Bucket: t.destBucket, Key: destKey, Body: bytes, ContentLength: bytes.length, ACL, ...headers }));
    return;
  }
  const upload = new Upload({
    client: dest,
    params: { Bucket: t.destBucket, Key: destKey, Body: body as Readable, ACL, ...headers },
    // Below the threshold one part (≤ STREAM_PART) holds the object: lib-storage sends one PutObject.
    partSize: multipart ? partSize : Math.max(partSize, size + 1),
    queueSize: t.partConcurrency,
    leavePartsOnError: false,
  });
  await upload.done();
}
