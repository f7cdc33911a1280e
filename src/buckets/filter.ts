// include / exclude glob lists, matched against the key relative to the copy's prefix
// (so `*.jpg` and `thumbs/**` read the same whatever source_path is).
import picomatch from 'picomatch';

export type KeyFilter = (rel: string) => boolean;

/**
 * A pattern without a slash (`*.jpg`) matches the last path segment at any depth, as in rclone and
 * `aws s3 sync --exclude`; one with a slash matches the whole relative key. (picomatch's own
 * `basename` option applies to every pattern, so the split is done here.) `dot: true` because keys
 * are not files: `.well-known/x` is an ordinary object.
 */
function matcher(patterns: string[]): ((rel: string) => boolean) | undefined {
  if (!patterns.length) return undefined;
  const opts = { dot: true };
  const base = patterns.filter((p) => !p.includes('/'));
  const full = patterns.filter((p) => p.includes('/'));
  const mb = base.length ? picomatch(base, opts) : undefined;
  const mf = full.length ? picomatch(full, opts) : undefined;
  return (rel) => !!(mf?.(rel) || mb?.(rel.slice(rel.lastIndexOf('/') + 1)));
}

/**
 * Kept when it matches some include (or there are none) and no exclude. Excluded keys are left
 * alone on both sides, so they are never deleted either (as rclone's filters).
 */
export function makeKeyFilter(include: string[] = [], exclude: string[] = []): KeyFilter {
  const inc = matcher(include);
  const exc = matcher(exclude);
  return (rel) => (!inc || inc(rel)) && !exc?.(rel);
}
