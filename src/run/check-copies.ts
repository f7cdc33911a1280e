// --check for bucket copies: list and diff both sides (read-only) and say what a run would do.
// A bucket that cannot be listed is said, not fatal: the plan itself is valid.
import { formatCopyPlan, planBucketCopy, type CopyResult } from '../buckets/index.js';
import type { Plan } from '../plan/types.js';

export interface CopyPreview {
  description: string;
  toCopy?: number;
  toCopyBytes?: number;
  toDelete?: number;
  listed?: number;
  error?: string;
  wouldCopy?: string[];
  wouldDelete?: string[];
}

export async function previewCopies(plan: Plan, verbosity: number): Promise<{ lines: string[]; previews: CopyPreview[] }> {
  const results = await Promise.all(
    plan.copies.map(async (c): Promise<CopyResult | { description: string; error: string }> => {
      try {
        return await planBucketCopy(c, { defaultRegion: c.region, dryRun: true, retries: 2, sdkMaxAttempts: 2 });
      } catch (err) {
        return { description: c.description, error: (err as Error).message };
      }
    }),
  );
  const lines: string[] = [];
  const previews: CopyPreview[] = [];
  for (const r of results) {
    if (!('listed' in r)) {
      lines.push(`${r.description}: cannot list: ${r.error}`);
      previews.push({ description: r.description, error: r.error });
      continue;
    }
    lines.push(...formatCopyPlan(r, verbosity >= 1));
    previews.push({
      description: r.description ?? '',
      listed: r.listed,
      toCopy: r.toCopy,
      toCopyBytes: r.toCopyBytes,
      toDelete: r.toDelete,
      ...(r.error ? { error: r.error } : {}),
      ...(verbosity >= 1 ? { wouldCopy: r.wouldCopy ?? [], wouldDelete: r.wouldDelete ?? [] } : {}),
    });
  }
  return { lines, previews };
}
