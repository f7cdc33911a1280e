// include / exclude glob lists, matched against the key relative to the copy's prefix
// (so `*.jpg` and `thumbs/**` read the same whatever source_path is).
import picomatch from 'picomatch';

export type KeyFilter = (rel: string) => boolean;

/**
 * Kept when it matches some include (or there are none) and no exclude. `dot: true` because
 * keys are not files: `.well-known/x` is an ordinary object. `basename: true` makes a pattern
 * without a slash (`*.jpg`) match at any depth, as in rclone and `aws s3 sync --exclude`.
 * Excluded keys are left alone on both sides, so they are never deleted either (as rclone's filters).
 */
export function makeKeyFilter(include: string[] = [], exclude: string[] = []): KeyFilter {
  const opts = { dot: true, basename: true };
  const inc = include.length ? picomatch(include, opts) : undefined;
  const exc = exclude.length ? picomatch(exclude, opts) : undefined;
  return (rel) => (!inc || inc(rel)) && !(exc && exc(rel));
}
