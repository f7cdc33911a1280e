// The headers that travel with an object's bytes. CopyObject with MetadataDirective COPY keeps them
// itself; every other path (REPLACE, multipart, streaming) has to carry them over by hand.
import type { GetObjectCommandOutput, HeadObjectCommandOutput } from '@aws-sdk/client-s3';

export interface ObjectHeaders {
  ContentType?: string;
  CacheControl?: string;
  ContentDisposition?: string;
  ContentEncoding?: string;
  ContentLanguage?: string;
  Expires?: Date;
  WebsiteRedirectLocation?: string;
  Metadata?: Record<string, string>;
}

export function headersOf(o: HeadObjectCommandOutput | GetObjectCommandOutput, extraMeta: Record<string, string> = {}): ObjectHeaders {
  const h: ObjectHeaders = {};
  if (o.ContentType) h.ContentType = o.ContentType;
  if (o.CacheControl) h.CacheControl = o.CacheControl;
  if (o.ContentDisposition) h.ContentDisposition = o.ContentDisposition;
  if (o.ContentEncoding) h.ContentEncoding = o.ContentEncoding;
  if (o.ContentLanguage) h.ContentLanguage = o.ContentLanguage;
  if (o.Expires) h.Expires = o.Expires;
  if (o.WebsiteRedirectLocation) h.WebsiteRedirectLocation = o.WebsiteRedirectLocation;
  const meta = { ...(o.Metadata ?? {}), ...extraMeta };
  if (Object.keys(meta).length) h.Metadata = meta;
  return h;
}

/** `x-amz-copy-source`: bucket/key with the key URL-encoded (slashes kept), as S3 expects. */
export function copySource(bucket: string, key: string): string {
  return `${bucket}/${key.split('/').map(encodeURIComponent).join('/')}`;
}

/** Part size for an object: at least 5 MiB (S3's minimum), few enough parts (S3's max 10,000). */
export function partSizeFor(size: number, preferred: number): number {
  const MiB = 1024 * 1024;
  return Math.max(5 * MiB, preferred, Math.ceil(size / 10_000));
}
