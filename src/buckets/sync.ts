// One `stagesync_copies` item, start to end: open both sides, walk the two sorted listings together,
// copy what is missing or different (server-side or streamed), then — only if every copy succeeded
// and the count is within max_delete — delete what the source no longer has.
import { serverSideCopy } from './copy-server-side.js';
import type { deleteKeys } from './delete.js';
import { isPlainMd5, quickCompare, sameWithMetadata } from './diff.js';
import { makeKeyFilter } from './filter.js';
import { destKey, normalizePrefix } from './keys.js';
import { listObjects } from './listing.js';
import { leanCopier } from './lean-copy.js';
import { leanBucket } from './lean-request.js';
import { mergeListings, type Pair } from './merge.js';
import { Pool } from './pool.js';
import { openSide, sameAccount, type S3Side } from './profile.js';
import { ProgressTracker } from './progress.js';
import { describeError, isRetryable, withRetry, type RetryPolicy } from './retry.js';
import { s3Sdk } from './sdk.js';
import type { CopyResult, CopySpec, ObjectInfo, SyncOptions } from './types.js';

export const DEFAULT_CONCURRENCY = 64;
export const DEFAULT_MAX_DELETE = 1000;
export const DEFAULT_MULTIPART_THRESHOLD = 5 * 1024 ** 3;

/** List and diff only: what `--check` prints. Reads both buckets, writes nothing. */
export function planBucketCopy(spec: CopySpec, opts: SyncOptions = {}): Promise<CopyResult> {
  return syncBucket(spec, { ...opts, dryRun: true });
}

/**
 * Copy one item. Never throws for S3 trouble: per-object errors land in `failures`, whole-copy
 * errors (bad profile, missing bucket, listing failed, too many deletions) in `error`; the caller
 * exits 2 unless `copySucceeded(result)`.
 */
export async function syncBucket(spec: CopySpec, opts: SyncOptions = {}): Promise<CopyResult> {
  const started = Date.now();
  const dryRun = !!opts.dryRun;
  const srcPrefix = normalizePrefix(spec.source_path);
  const dstPrefix = normalizePrefix(spec.dest_path);
  const result: CopyResult = {
    ...(spec.description !== undefined ? { description: spec.description } : {}),
    source: `s3://${spec.source_bucket}/${srcPrefix}`,
    dest: `s3://${spec.dest_bucket}/${dstPrefix}`,
    mode: 'server-side',
    dryRun,
    listed: 0,
    copied: 0,
    skipped: 0,
    deleted: 0,
    bytes: 0,
    failures: [],
    retryable: true,
    durationMs: 0,
    toCopy: 0,
    toCopyBytes: 0,
    toDelete: 0,
    ...(dryRun ? { wouldCopy: [], wouldDelete: [] } : {}),
  };
  const log = opts.log ?? (() => undefined);
  const concurrency = spec.concurrency ?? DEFAULT_CONCURRENCY;
  const maxDelete = spec.max_delete ?? DEFAULT_MAX_DELETE;
  const threshold = spec.multipart_threshold ?? DEFAULT_MULTIPART_THRESHOLD;
  const retry: RetryPolicy = {
    attempts: opts.retries ?? 5,
    baseMs: opts.backoffBaseMs ?? 200,
    capMs: opts.backoffCapMs ?? 10_000,
    onRetry: (n, ms, err) => log('debug', `retry ${n} in ${ms} ms after ${describeError(err)}`),
  };
  const badSpec = checkSpec(spec, concurrency, maxDelete, threshold);
  if (badSpec) return finish(result, started, badSpec);

  const env = opts.env ?? process.env;
  const srcProfile = spec.source_profile ?? spec.aws_profile;
  const dstProfile = spec.dest_profile ?? spec.aws_profile;
  let source: S3Side;
  let dest: S3Side;
  try {
    const side = { defaultRegion: opts.defaultRegion, concurrency, env, sdkMaxAttempts: opts.sdkMaxAttempts, idleTimeoutMs: opts.idleTimeoutMs };
    source = await openSide({ ...side, profile: srcProfile });
    dest = srcProfile === dstProfile ? source : await openSide({ ...side, profile: dstProfile });
  } catch (e) {
    return finish(result, started, describeError(e));
  }
  result.mode = sameAccount(source, dest) ? 'server-side' : 'stream';
  const sameStore = (source.endpoint ?? 'aws') === (dest.endpoint ?? 'aws');
  const clash = sameStore ? overlap(spec, srcPrefix, dstPrefix) : undefined;
  if (clash) {
    closeSides(source, dest);
    return finish(result, started, clash);
  }
  log('debug', `${result.source} -> ${result.dest}: ${result.mode} copy, ${concurrency} at once`);

  const target = {
    source: source.client,
    dest: dest.client,
    sourceBucket: spec.source_bucket,
    destBucket: spec.dest_bucket,
    ...(spec.acl ? { acl: spec.acl } : {}),
    multipartThreshold: threshold,
  };
  const serverTarget = { ...target, partConcurrency: 8, lean: leanCopier(dest, spec.dest_bucket) };
  // lib-storage is loaded only for a streamed copy.
  const streamCopy = result.mode === 'stream' ? (await import('./copy-stream.js')).streamCopy : undefined;
  const copyOne = streamCopy
    ? (src: ObjectInfo, key: string) => streamCopy({ ...target, partConcurrency: 2 }, src, key)
    : (src: ObjectInfo, key: string) => serverSideCopy(serverTarget, src, key);

  // Only for `check` verdicts (a multipart ETag on either side): compare checksums in metadata.
  const sameByHead = async (src: ObjectInfo, dst: ObjectInfo): Promise<boolean> => {
    const head = async (side: S3Side, bucket: string, o: ObjectInfo) => {
      if (isPlainMd5(o.etag)) return undefined;
      const [client, { HeadObjectCommand }] = await Promise.all([side.client.get(), s3Sdk()]);
      return (await client.send(new HeadObjectCommand({ Bucket: bucket, Key: o.key }))).Metadata;
    };
    const [sm, dm] = await Promise.all([head(source, spec.source_bucket, src), head(dest, spec.dest_bucket, dst)]);
    return sameWithMetadata(src, sm, dst, dm);
  };

  const progress = new ProgressTracker(opts.onProgress);
  const pool = new Pool(concurrency);
  const toDelete: string[] = [];
  const filter = makeKeyFilter(spec.include, spec.exclude);

  const schedule = (src: ObjectInfo, dst: ObjectInfo | undefined) =>
    pool.add(async () => {
      const key = destKey(dstPrefix, src.rel);
      try {
        if (dst && (await withRetry(() => sameByHead(src, dst), retry))) {
          result.skipped++;
          return;
        }
        result.toCopy++;
        result.toCopyBytes += src.size;
        progress.update((p) => p.total++);
        if (dryRun) {
          result.wouldCopy!.push(key);
          return;
        }
        await withRetry(() => copyOne(src, key), retry);
        result.copied++;
        result.bytes += src.size;
        progress.update((p) => {
          p.done++;
          p.bytes += src.size;
        });
      } catch (e) {
        result.failures.push({ key: src.key, error: describeError(e) });
        result.retryable &&= isRetryable(e);
        progress.update((p) => p.failed++);
        log('debug', `failed: s3://${spec.source_bucket}/${src.key}: ${describeError(e)}`);
      }
    });

  try {
    const listTarget = (side: S3Side, bucket: string, prefix: string) => ({ client: side.client, lean: leanBucket(side, bucket), bucket, prefix });
    const srcList = listObjects(listTarget(source, spec.source_bucket, srcPrefix), filter, retry);
    const dstList = listObjects(listTarget(dest, spec.dest_bucket, dstPrefix), filter, retry);
    /** Counts the pair; gives the wait for a free copy slot when it needs copying (most do not). */
    const onPair = (pair: Pair): Promise<void> | undefined => {
      if (pair.src) {
        result.listed++;
        progress.update((p) => p.listed++);
        const verdict = pair.dst ? quickCompare(pair.src, pair.dst) : 'differ';
        if (verdict !== 'same') return schedule(pair.src, verdict === 'check' ? pair.dst : undefined);
        result.skipped++;
      } else if (spec.delete) {
        result.toDelete++;
        // Past the cap nothing will be deleted: count, but stop holding keys.
        if (maxDelete < 0 || toDelete.length <= maxDelete || dryRun) toDelete.push(pair.dst.key);
      }
      return undefined;
    };
    pages: for await (const pairs of mergeListings(srcList, dstList)) {
      for (const pair of pairs) {
        if (opts.signal?.aborted) {
          result.error = 'interrupted';
          result.retryable = false;
          break pages;
        }
        const slot = onPair(pair);
        if (slot) await slot;
      }
    }
    if (!result.error) progress.update((p) => (p.listingDone = true));
  } catch (e) {
    result.error = describeError(e);
    result.retryable &&= isRetryable(e);
  }
  await pool.drain();
  progress.emit(true);

  if (spec.delete) await deletePhase(result, toDelete, maxDelete, dryRun, async () => (await import('./delete.js')).deleteKeys(await dest.client.get(), spec.dest_bucket, toDelete, retry));
  closeSides(source, dest);
  return finish(result, started);
}

function closeSides(source: S3Side, dest: S3Side): void {
  // The handlers too: a side whose SDK client was never made still holds kept-alive sockets.
  for (const side of new Set([source, dest])) {
    side.client.destroy();
    side.handler.destroy();
  }
}

async function deletePhase(
  result: CopyResult,
  keys: string[],
  maxDelete: number,
  dryRun: boolean,
  run: () => ReturnType<typeof deleteKeys>,
): Promise<void> {
  if (result.toDelete === 0) return;
  const over = maxDelete >= 0 && result.toDelete > maxDelete;
  if (dryRun) {
    result.wouldDelete = keys;
    if (over) result.deleteSkipped = `would refuse: ${result.toDelete} objects to delete, more than max_delete ${maxDelete}`;
    return;
  }
  // As rclone: a failed copy may mean a broken listing, and deleting on its basis could destroy data.
  if (result.error || result.failures.length) {
    result.deleteSkipped = `not deleting ${result.toDelete} objects: the copy had errors`;
    return;
  }
  if (over) {
    result.deleteSkipped = `refusing to delete ${result.toDelete} objects from ${result.dest}: more than max_delete (${maxDelete}); raise max_delete or set it to -1`;
    result.error = result.deleteSkipped;
    result.retryable = false;
    return;
  }
  const out = await run();
  result.deleted = out.deleted;
  result.failures.push(...out.failures);
  result.retryable &&= out.retryable;
}

function checkSpec(spec: CopySpec, concurrency: number, maxDelete: number, threshold: number): string | undefined {
  if (!spec.source_bucket) return 'source_bucket is empty';
  if (!spec.dest_bucket) return 'dest_bucket is empty';
  if (!Number.isInteger(concurrency) || concurrency < 1) return `concurrency must be a positive integer, got ${concurrency}`;
  if (!Number.isInteger(maxDelete) || maxDelete < -1) return `max_delete must be -1 or a non-negative integer, got ${maxDelete}`;
  if (!Number.isInteger(threshold) || threshold < 1) return `multipart_threshold must be a positive number of bytes, got ${threshold}`;
  return undefined;
}

/** One prefix inside the other in the same bucket of the same store: a sync would eat itself. */
function overlap(spec: CopySpec, srcPrefix: string, dstPrefix: string): string | undefined {
  if (spec.source_bucket !== spec.dest_bucket) return undefined;
  if (!srcPrefix.startsWith(dstPrefix) && !dstPrefix.startsWith(srcPrefix)) return undefined;
  return `source and destination overlap: s3://${spec.source_bucket}/${srcPrefix} and s3://${spec.dest_bucket}/${dstPrefix} on the same endpoint`;
}

function finish(result: CopyResult, started: number, error?: string): CopyResult {
  if (error) {
    result.error = error;
    result.retryable = false;
  }
  result.durationMs = Date.now() - started;
  return result;
}
