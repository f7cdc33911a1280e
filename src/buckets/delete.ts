// Remove destination objects absent from the source: DeleteObjects in batches of 1000 (S3's limit),
// a few batches at once, each batch retried as a whole; per-key errors come back as failures.
import { DeleteObjectsCommand, type S3Client } from '@aws-sdk/client-s3';
import { describeError, isRetryable, withRetry, type RetryPolicy } from './retry.js';
import type { KeyFailure } from './types.js';

export const DELETE_BATCH = 1000;

export interface DeleteOutcome {
  deleted: number;
  failures: KeyFailure[];
  /** Every failure may pass by itself (throttling, 5xx, the network). */
  retryable: boolean;
}

export async function deleteKeys(client: S3Client, bucket: string, keys: string[], retry: RetryPolicy, parallel = 4): Promise<DeleteOutcome> {
  const batches: string[][] = [];
  for (let i = 0; i < keys.length; i += DELETE_BATCH) batches.push(keys.slice(i, i + DELETE_BATCH));
  const out: DeleteOutcome = { deleted: 0, failures: [], retryable: true };
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      const batch = batches[next++]!;
      try {
        const res = await withRetry(
          () => client.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: batch.map((Key) => ({ Key })), Quiet: true } })),
          retry,
        );
        const errors = res.Errors ?? [];
        for (const e of errors) {
          out.failures.push({ key: e.Key ?? '?', error: `delete: ${e.Code ?? 'Error'}: ${e.Message ?? ''}`.trim() });
          out.retryable &&= isRetryable({ name: e.Code });
        }
        out.deleted += batch.length - errors.length;
      } catch (err) {
        const msg = `delete: ${describeError(err)}`;
        for (const key of batch) out.failures.push({ key, error: msg });
        out.retryable &&= isRetryable(err);
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, batches.length) }, worker));
  return out;
}
