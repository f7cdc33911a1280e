// Streamed ListObjectsV2: one page (≤1000 keys) in hand and the next one already requested, so
// memory stays bounded for millions of keys and the network is never idle between pages.
import { ListObjectsV2Command, type ListObjectsV2CommandOutput, type S3Client } from '@aws-sdk/client-s3';
import type { KeyFilter } from './filter.js';
import { compareKeys } from './keys.js';
import { describeError, withRetry, type RetryPolicy } from './retry.js';
import type { ObjectInfo } from './types.js';

export function stripQuotes(etag: string | undefined): string {
  return (etag ?? '').replace(/^"+|"+$/g, '');
}

/**
 * Keys come URL-encoded (EncodingType=url) so that characters XML 1.0 cannot carry (control
 * characters) survive the listing; S3 encodes a space as `+`, as form encoding does.
 */
export function decodeListedKey(raw: string): string {
  return decodeURIComponent(raw.replace(/\+/g, '%20'));
}

export interface ListTarget {
  client: S3Client;
  bucket: string;
  /** Normalized prefix ('' or ending in '/'). */
  prefix: string;
}

/**
 * Every object under the prefix that passes the filter, in S3's (UTF-8 byte) order. Throws when a
 * store lists out of order: the merge relies on it, and copying on a wrong merge could delete data.
 */
export async function* listObjects(target: ListTarget, filter: KeyFilter, retry: RetryPolicy): AsyncGenerator<ObjectInfo> {
  const { client, bucket, prefix } = target;
  const fetchPage = (token: string | undefined): Promise<ListObjectsV2CommandOutput> => {
    const p = withRetry(
      () =>
        client.send(
          new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token, MaxKeys: 1000, EncodingType: 'url' }),
        ),
      retry,
    );
    p.catch(() => undefined); // handled where awaited; keeps an abandoned prefetch from crashing the process
    return p;
  };
  let pending: Promise<ListObjectsV2CommandOutput> | undefined = fetchPage(undefined);
  let last: string | undefined;
  while (pending) {
    let page: ListObjectsV2CommandOutput;
    try {
      page = await pending;
    } catch (e) {
      // Name the side: "NoSuchBucket" alone does not say which of the two buckets is missing.
      throw new Error(`listing s3://${bucket}/${prefix}: ${describeError(e)}`);
    }
    pending = page.IsTruncated && page.NextContinuationToken ? fetchPage(page.NextContinuationToken) : undefined;
    const encoded = page.EncodingType === 'url';
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      const key = encoded ? decodeListedKey(o.Key) : o.Key;
      if (!key.startsWith(prefix)) continue;
      if (last !== undefined && compareKeys(last, key) >= 0) {
        throw new Error(`s3://${bucket}/${prefix}: the store lists keys out of order (${JSON.stringify(key)} after ${JSON.stringify(last)})`);
      }
      last = key;
      const rel = key.slice(prefix.length);
      // The prefix's own "folder" marker has no name relative to it.
      if (rel === '' || !filter(rel)) continue;
      yield { key, rel, size: o.Size ?? 0, etag: stripQuotes(o.ETag) };
    }
  }
}
