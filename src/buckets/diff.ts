// Is the destination object already the source's? Size + ETag where ETags are MD5s; where one is a
// multipart ETag (`…-N`), a checksum we keep in user metadata, as rclone does.
import type { ObjectInfo } from './types.js';

/** rclone's key: base64 of the object's MD5, written on multipart copies (X-Amz-Meta-Md5chksum). */
export const MD5_META = 'md5chksum';
/** Ours, when the source's MD5 is unknown too: the source ETag this copy was made from. */
export const SOURCE_ETAG_META = 'stagesync-source-etag';

export function isPlainMd5(etag: string): boolean {
  return /^[0-9a-f]{32}$/i.test(etag);
}

export type Verdict = 'same' | 'differ' | 'check';

/** Decide from the listings alone where possible; `check` needs the objects' metadata. */
export function quickCompare(src: ObjectInfo, dst: ObjectInfo): Verdict {
  if (src.size !== dst.size) return 'differ';
  if (src.etag && src.etag === dst.etag) return 'same';
  if (isPlainMd5(src.etag) && isPlainMd5(dst.etag)) return 'differ';
  return 'check';
}

export function hexToBase64(hex: string): string {
  return Buffer.from(hex, 'hex').toString('base64');
}

/** The MD5 of an object as base64, from its ETag or from the metadata we (or rclone) wrote. */
export function knownMd5(etag: string, metadata: Record<string, string> | undefined): string | undefined {
  if (isPlainMd5(etag)) return hexToBase64(etag);
  const m = metadata?.[MD5_META];
  return m && /^[A-Za-z0-9+/]{22}==$/.test(m) ? m : undefined;
}

/** For a `check` verdict, with both objects' user metadata at hand (HeadObject). */
export function sameWithMetadata(
  src: ObjectInfo,
  srcMeta: Record<string, string> | undefined,
  dst: ObjectInfo,
  dstMeta: Record<string, string> | undefined,
): boolean {
  if (src.size !== dst.size) return false;
  const a = knownMd5(src.etag, srcMeta);
  const b = knownMd5(dst.etag, dstMeta);
  if (a && b) return a === b;
  return dstMeta?.[SOURCE_ETAG_META] === src.etag;
}

/** Metadata to add to a copy whose ETag will not be the source's MD5 (multipart, or re-written). */
export function checksumMetadata(src: ObjectInfo, srcMeta: Record<string, string> | undefined): Record<string, string> {
  const md5 = knownMd5(src.etag, srcMeta);
  return md5 ? { [MD5_META]: md5 } : { [SOURCE_ETAG_META]: src.etag };
}
