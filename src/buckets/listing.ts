// Streamed ListObjectsV2: one page (≤1000 keys) in hand and the next one already requested, so
// memory stays bounded for millions of keys and the network is never idle between pages.
import type { KeyFilter } from './filter.js';
import { compareKeys } from './keys.js';
import { isRegionRedirect, type LeanBucket } from './lean-request.js';
import { parseListPage, type ListPage } from './list-page.js';
import { describeError, S3ResponseError, withRetry, type RetryPolicy } from './retry.js';
import { s3Sdk, type LazyClient } from './sdk.js';
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
  client: LazyClient;
  /** Plain signed requests for this bucket (lean-request.ts); the client when absent or redirected. */
  lean?: LeanBucket;
  bucket: string;
  /** Normalized prefix ('' or ending in '/'). */
  prefix: string;
}

/** One page through the SDK: the general path (a region redirect, a store the scanner cannot read). */
async function sdkPage(target: ListTarget, token: string | undefined): Promise<ListPage> {
  const { bucket, prefix } = target;
  const [client, { ListObjectsV2Command }] = await Promise.all([target.client.get(), s3Sdk()]);
  const page = await client.send(
    new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix || undefined, ContinuationToken: token, MaxKeys: 1000, EncodingType: 'url' }),
  );
  const contents = (page.Contents ?? []).flatMap((o) => (o.Key === undefined ? [] : [{ key: o.Key, size: o.Size ?? 0, etag: o.ETag ?? '' }]));
  return { contents, truncated: !!page.IsTruncated, ...(page.NextContinuationToken ? { nextToken: page.NextContinuationToken } : {}), urlEncoded: page.EncodingType === 'url' };
}

/** One page as a plain GET read by list-page.ts; the SDK's when that cannot serve it. */
async function fetchPage(target: ListTarget, token: string | undefined): Promise<ListPage> {
  const lean = target.lean;
  if (!lean) return sdkPage(target, token);
  const query: Record<string, string> = { 'list-type': '2', 'max-keys': '1000', 'encoding-type': 'url' };
  if (target.prefix) query.prefix = target.prefix;
  if (token) query['continuation-token'] = token;
  const { status, body } = await lean.send({ method: 'GET', query });
  const error = status === 200 ? undefined : S3ResponseError.fromXml(status, body);
  if (error && !isRegionRedirect(error)) throw error;
  const page = error ? undefined : parseListPage(body);
  if (page) return page;
  target.lean = undefined; // a redirect, or a document the scanner does not know: the SDK from here on
  return sdkPage(target, token);
}

/**
 * Every object under the prefix that passes the filter, in S3's (UTF-8 byte) order, a page at a
 * time. Throws when a store lists out of order: the merge relies on it, and copying on a wrong merge
 * could delete data.
 */
export async function* listObjects(target: ListTarget, filter: KeyFilter, retry: RetryPolicy): AsyncGenerator<ObjectInfo[]> {
  const { bucket, prefix } = target;
  const nextPage = (token: string | undefined): Promise<ListPage> => {
    const p = withRetry(() => fetchPage(target, token), retry);
    p.catch(() => undefined); // handled where awaited; keeps an abandoned prefetch from crashing the process
    return p;
  };
  let pending: Promise<ListPage> | undefined = nextPage(undefined);
  let last: string | undefined;
  while (pending) {
    let page: ListPage;
    try {
      page = await pending;
    } catch (e) {
      // Name the side: "NoSuchBucket" alone does not say which of the two buckets is missing.
      throw new Error(`listing s3://${bucket}/${prefix}: ${describeError(e)}`);
    }
    pending = page.truncated && page.nextToken ? nextPage(page.nextToken) : undefined;
    const objects: ObjectInfo[] = [];
    for (const o of page.contents) {
      const key = page.urlEncoded ? decodeListedKey(o.key) : o.key;
      if (!key.startsWith(prefix)) continue;
      if (last !== undefined && compareKeys(last, key) >= 0) {
        throw new Error(`s3://${bucket}/${prefix}: the store lists keys out of order (${JSON.stringify(key)} after ${JSON.stringify(last)})`);
      }
      last = key;
      const rel = key.slice(prefix.length);
      // The prefix's own "folder" marker has no name relative to it.
      if (rel === '' || !filter(rel)) continue;
      objects.push({ key, rel, size: o.size, etag: stripQuotes(o.etag) });
    }
    yield objects;
  }
}
