// Key arithmetic: prefixes, relative keys, and the order S3 lists keys in.

/**
 * `source_path` / `dest_path` as a key prefix: a folder, like `aws s3 sync s3://b/media`.
 * '' and '/' mean the whole bucket; 'media' and '/media/' both become 'media/'.
 */
export function normalizePrefix(path: string | undefined): string {
  const p = (path ?? '').replace(/^\/+/, '');
  if (p === '') return '';
  return p.endsWith('/') ? p : p + '/';
}

/** The destination key for a source key relative to the source prefix. */
export function destKey(destPrefix: string, rel: string): string {
  return destPrefix + rel;
}

/**
 * Compare as S3 lists keys: by UTF-8 bytes, which is code point order. JavaScript's `<` compares
 * UTF-16 units and puts U+10000.. (surrogates, 0xD800..) before U+E000..U+FFFF; this does not.
 */
export function compareKeys(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    // Only differ in order when one is a surrogate and the other is in U+E000..U+FFFF.
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && (xs ? y >= 0xe000 : x >= 0xe000)) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
}
