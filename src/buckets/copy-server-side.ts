// Same credentials and endpoint on both sides: S3 copies the bytes itself (CopyObject, or
// UploadPartCopy in parts above the threshold); nothing but requests passes through us. The common
// case (a plain object below the threshold) is one signed request (lean-copy.ts); the rest uses the
// SDK, loaded only then (copy-server-sdk.ts).
import { isPlainMd5 } from './diff.js';
import { copySource } from './headers.js';
import { isRegionRedirect } from './lean-request.js';
import type { CopyTarget, ObjectInfo } from './types.js';

export async function serverSideCopy(t: CopyTarget, src: ObjectInfo, destKey: string): Promise<void> {
  if (src.size < t.multipartThreshold && isPlainMd5(src.etag) && t.lean && !t.lean.disabled) {
    // The copy keeps the MD5 ETag and every header (COPY).
    try {
      return await t.lean.copy(destKey, copySource(t.sourceBucket, src.key), t.acl);
    } catch (e) {
      if (!isRegionRedirect(e)) throw e;
      t.lean.disabled = true;
    }
  }
  const { sdkServerSideCopy } = await import('./copy-server-sdk.js');
  await sdkServerSideCopy(t, src, destKey);
}
