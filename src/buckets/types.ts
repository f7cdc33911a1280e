import type { LazyClient } from './sdk.js';
import type { LeanCopier } from './lean-copy.js';

// Plain data in and out of the bucket engine. It knows S3, never inventories: the caller hands it
// one `stagesync_copies` item as a CopySpec and gets a CopyResult back for the report.

/** One `stagesync_copies` item (docs/variables.md), as the vars layer resolved it. */
export interface CopySpec {
  description?: string;
  source_bucket: string;
  source_path?: string;
  dest_bucket: string;
  dest_path?: string;
  /** Profile of ~/.aws/credentials and ~/.aws/config for both sides (unless overridden below). */
  aws_profile?: string;
  /** Remove destination objects absent from the source (default false). */
  delete?: boolean;
  /** Refuse to delete more than this many objects (default 1000; -1 = no cap). */
  max_delete?: number;
  /** Canned ACL applied to every copied object, e.g. `public-read`. */
  acl?: string;
  /** Glob lists matched against the key relative to source_path / dest_path. */
  include?: string[];
  exclude?: string[];
  source_profile?: string;
  dest_profile?: string;
  /** Objects in flight at once (default 64). */
  concurrency?: number;
  /** Objects of this many bytes or more are copied in parts (default 5 GiB). */
  multipart_threshold?: number;
}

/** What the listing yields for one object; `rel` is the key relative to the side's prefix. */
export interface ObjectInfo {
  key: string;
  rel: string;
  size: number;
  /** ETag without its quotes, e.g. `d41d8cd98f00b204e9800998ecf8427e` or `…-3` (multipart). */
  etag: string;
}

export interface Progress {
  /** Objects listed on the source side so far (after filters). */
  listed: number;
  /** Listing of both sides finished: `total` is final. */
  listingDone: boolean;
  /** Objects that need copying, known so far. */
  total: number;
  done: number;
  failed: number;
  bytes: number;
  /** Bytes per second since the copy started. */
  rate: number;
}

export interface Logger {
  (level: 'info' | 'debug' | 'warn', message: string): void;
}

export interface SyncOptions {
  /** `stagesync_aws_region`: used when neither the profile nor the environment names one. */
  defaultRegion?: string;
  /** List and diff only; nothing is written. */
  dryRun?: boolean;
  onProgress?: (p: Progress) => void;
  log?: Logger;
  /** Attempts per object including the first (default 5), on top of the SDK's own retries. */
  retries?: number;
  /** Base and cap of the exponential backoff in ms (defaults 200 / 10000). */
  backoffBaseMs?: number;
  backoffCapMs?: number;
  /** Attempts the SDK itself makes per request (default 3); tests set 1 to exercise ours alone. */
  sdkMaxAttempts?: number;
  /** A request whose socket stays silent this long fails and is retried (default 120 s). */
  idleTimeoutMs?: number;
  /** Aborting stops starting new copies, lets those in flight finish, and skips deletions. */
  signal?: AbortSignal;
  /** Environment to read AWS_* variables from (default process.env); tests pass their own. */
  env?: NodeJS.ProcessEnv;
}

export interface KeyFailure {
  key: string;
  error: string;
}

export interface CopyResult {
  description?: string;
  source: string;
  dest: string;
  /** `server-side` when both sides share credentials and endpoint, else `stream`. */
  mode: 'server-side' | 'stream';
  dryRun: boolean;
  /** Source objects considered (after include/exclude). */
  listed: number;
  copied: number;
  skipped: number;
  deleted: number;
  /** Bytes copied (object sizes). */
  bytes: number;
  failures: KeyFailure[];
  /** A failure of the copy as a whole (listing, access, delete refused); unset when fine. */
  error?: string;
  /**
   * Every failure of this copy may pass by itself (S3 throttling, 5xx, the network), decided from
   * each S3 error where it is caught: another attempt of the run is worth it.
   */
  retryable: boolean;
  /** Deletion was not attempted: the reason (copy errors, over max_delete). */
  deleteSkipped?: string;
  durationMs: number;
  /** Dry run only: destination keys that would be written / removed. */
  wouldCopy?: string[];
  wouldDelete?: string[];
  /** Counts, also set in dry runs (wouldCopy.length without holding keys when not asked). */
  toCopy: number;
  /** Bytes of the objects that need copying (also in dry runs). */
  toCopyBytes: number;
  toDelete: number;
}

/** True when the copy did everything it had to: the caller exits 2 otherwise. */
export function copySucceeded(r: CopyResult): boolean {
  return !r.error && r.failures.length === 0;
}

/** Where one object copy goes: both sides' clients and buckets (server-side and streamed alike). */
export interface CopyTarget {
  /** Client of the source side (HeadObject / GetObject on the source). */
  source: LazyClient;
  /** Client of the destination side (it sends the copy or upload requests). */
  dest: LazyClient;
  sourceBucket: string;
  destBucket: string;
  acl?: string;
  multipartThreshold: number;
  /** Parts of one object in flight at once (streamed parts are buffered in memory). */
  partConcurrency: number;
  /** The destination's plain-CopyObject sender past the SDK's middleware, where one can be formed. */
  lean?: LeanCopier;
}
