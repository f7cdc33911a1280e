// The bucket-copy engine's public face: one CopySpec in, one CopyResult out.
export { syncBucket, planBucketCopy, DEFAULT_CONCURRENCY, DEFAULT_MAX_DELETE, DEFAULT_MULTIPART_THRESHOLD } from './sync.js';
export { copySucceeded } from './types.js';
export type { CopySpec, CopyResult, SyncOptions, Progress, KeyFailure, Logger } from './types.js';
export { formatCopyFailures, formatCopyPlan } from './report.js';
