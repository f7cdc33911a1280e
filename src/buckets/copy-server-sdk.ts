// Server-side copies through the SDK: what the plain request (lean-copy.ts) does not do — a
// redirected bucket, headers carried with REPLACE, UploadPartCopy in parts.
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CopyObjectCommand,
  CreateMultipartUploadCommand,
  HeadObjectCommand,
  UploadPartCopyCommand,
  type ObjectCannedACL,
  type S3Client,
} from '@aws-sdk/client-s3';
import { checksumMetadata, isPlainMd5 } from './diff.js';
import { copySource, headersOf, partSizeFor } from './headers.js';
import type { CopyTarget, ObjectInfo } from './types.js';

export async function sdkServerSideCopy(t: CopyTarget, src: ObjectInfo, destKey: string): Promise<void> {
  const ACL = t.acl as ObjectCannedACL | undefined;
  const CopySource = copySource(t.sourceBucket, src.key);
  const dest = await t.dest.get();
  if (src.size < t.multipartThreshold && isPlainMd5(src.etag)) {
    // One request: the copy keeps the MD5 ETag and every header (COPY).
    await dest.send(new CopyObjectCommand({ Bucket: t.destBucket, Key: destKey, CopySource, MetadataDirective: 'COPY', ACL }));
    return;
  }
  // The copy's ETag will not be the source's MD5: carry the headers ourselves plus a checksum.
  const head = await (await t.source.get()).send(new HeadObjectCommand({ Bucket: t.sourceBucket, Key: src.key }));
  const headers = headersOf(head, checksumMetadata(src, head.Metadata));
  if (src.size < t.multipartThreshold) {
    await dest.send(new CopyObjectCommand({ Bucket: t.destBucket, Key: destKey, CopySource, MetadataDirective: 'REPLACE', ACL, ...headers }));
    return;
  }
  await multipartCopy({ ...t, client: dest }, src, destKey, CopySource, { ...headers, ACL });
}

async function multipartCopy(
  t: CopyTarget & { client: S3Client },
  src: ObjectInfo,
  destKey: string,
  CopySource: string,
  create: ReturnType<typeof headersOf> & { ACL?: ObjectCannedACL },
): Promise<void> {
  const { UploadId } = await t.client.send(new CreateMultipartUploadCommand({ Bucket: t.destBucket, Key: destKey, ...create }));
  if (!UploadId) throw new Error('CreateMultipartUpload returned no UploadId');
  const partSize = partSizeFor(src.size, Math.min(t.multipartThreshold, 512 * 1024 * 1024));
  const count = Math.max(1, Math.ceil(src.size / partSize));
  const etags: string[] = new Array(count);
  try {
    let next = 0;
    const worker = async () => {
      while (next < count) {
        const i = next++;
        const start = i * partSize;
        const end = Math.min(src.size, start + partSize) - 1;
        const out = await t.client.send(
          new UploadPartCopyCommand({
            Bucket: t.destBucket,
            Key: destKey,
            UploadId,
            PartNumber: i + 1,
            CopySource,
            CopySourceRange: `bytes=${start}-${end}`,
            // A source replaced mid-copy must not give a mix of two versions.
            CopySourceIfMatch: `"${src.etag}"`,
          }),
        );
        etags[i] = out.CopyPartResult?.ETag ?? '';
      }
    };
    await Promise.all(Array.from({ length: Math.min(t.partConcurrency, count) }, worker));
    await t.client.send(
      new CompleteMultipartUploadCommand({
        Bucket: t.destBucket,
        Key: destKey,
        UploadId,
        MultipartUpload: { Parts: etags.map((ETag, i) => ({ ETag, PartNumber: i + 1 })) },
      }),
    );
  } catch (e) {
    // Leave no half upload billing storage behind. Nothing lost if this fails: the copy's own
    // error is thrown next, and the object is copied again by the next run.
    await t.client.send(new AbortMultipartUploadCommand({ Bucket: t.destBucket, Key: destKey, UploadId })).catch(() => undefined);
    throw e;
  }
}
