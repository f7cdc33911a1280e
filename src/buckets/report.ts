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
