// Lines for the terminal when a copy did not fully succeed: the cause, then each failed key.
import type { CopyResult } from './types.js';

export function formatCopyFailures(r: CopyResult, maxKeys = 50): string[] {
  const lines: string[] = [];
  const name = r.description ? `${r.description} (${r.source} -> ${r.dest})` : `${r.source} -> ${r.dest}`;
  if (r.error) lines.push(`${name}: ${r.error}`);
  if (r.failures.length) lines.push(`${name}: ${r.failures.length} object(s) failed:`);
  for (const f of r.failures.slice(0, maxKeys)) lines.push(`  ${f.key}: ${f.error}`);
  if (r.failures.length > maxKeys) lines.push(`  … and ${r.failures.length - maxKeys} more (see the report)`);
  if (r.deleteSkipped && r.deleteSkipped !== r.error) lines.push(`${name}: ${r.deleteSkipped}`);
  return lines;
}

const human = (b: number) =>
  b < 1024 ? `${b} B` : b < 1024 ** 2 ? `${(b / 1024).toFixed(1)} KiB` : b < 1024 ** 3 ? `${(b / 1024 ** 2).toFixed(1)} MiB` : `${(b / 1024 ** 3).toFixed(2)} GiB`;

/**
 * What `--check` prints for one copy (from planBucketCopy): the counts, and with `verbose` the keys,
 * e.g. `photos: s3://a/ -> s3://b/ (server-side): 3 of 1,024 objects to copy (1.2 MiB), 2 to delete`.
 */
export function formatCopyPlan(r: CopyResult, verbose = false): string[] {
  const name = r.description ? `${r.description}: ${r.source} -> ${r.dest}` : `${r.source} -> ${r.dest}`;
  if (r.error) return [`${name}: ${r.error}`];
  const lines = [
    `${name} (${r.mode}): ${r.toCopy} of ${r.listed} objects to copy (${human(r.toCopyBytes)}), ${r.toDelete} to delete` +
      (r.deleteSkipped ? ` — ${r.deleteSkipped}` : ''),
  ];
  if (verbose) {
    for (const k of r.wouldCopy ?? []) lines.push(`  copy   ${k}`);
    for (const k of r.wouldDelete ?? []) lines.push(`  delete ${k}`);
  }
  return lines;
}
