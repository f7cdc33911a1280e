// fauxqs 2.4.1 lists a bucket by sorting all of its keys with localeCompare on every page: O(n log n)
// per 1,000 keys (a 1 M-key bucket takes hours to list) and not S3's order, which is UTF-8 bytes
// (code points). Here: each bucket's object map keeps a sorted key array, rebuilt only after a key
// was added or removed, and a page starts by binary search.
const codePointCompare = (a, b) => {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a.charCodeAt(i);
    const y = b.charCodeAt(i);
    if (x === y) continue;
    const xs = x >= 0xd800 && x <= 0xdfff;
    const ys = y >= 0xd800 && y <= 0xdfff;
    if (xs !== ys && (xs ? y >= 0xe000 : x >= 0xe000)) return xs ? 1 : -1;
    return x - y;
  }
  return a.length - b.length;
};

class IndexedObjects extends Map {
  sorted = undefined;
  set(key, value) {
    if (this.sorted && !this.has(key)) this.sorted = undefined;
    return super.set(key, value);
  }
  delete(key) {
    const gone = super.delete(key);
    if (gone) this.sorted = undefined;
    return gone;
  }
  clear() {
    this.sorted = undefined;
    super.clear();
  }
  keysInOrder() {
    this.sorted ??= [...this.keys()].sort(codePointCompare);
    return this.sorted;
  }
}

/** First index whose key sorts after `after` (or at/after `atLeast`). */
function firstIndex(keys, bound, strict) {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const c = codePointCompare(keys[mid], bound);
    if (c < 0 || (strict && c === 0)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

function listObjects(bucket, options) {
  const objects = this.buckets.get(bucket);
  if (!(objects instanceof IndexedObjects)) return this.originalListObjects(bucket, options);
  const prefix = options?.prefix ?? '';
  const delimiter = options?.delimiter;
  const maxKeys = options?.maxKeys ?? 1000;
  const startAfter = options?.startAfter ?? options?.marker ?? '';
  const keys = objects.keysInOrder();
  const start = Math.max(firstIndex(keys, prefix, false), startAfter ? firstIndex(keys, startAfter, true) : 0);
  const result = [];
  const common = new Set();
  let isTruncated = false;
  for (let i = start; i < keys.length && keys[i].startsWith(prefix); i++) {
    const key = keys[i];
    const cut = delimiter ? key.indexOf(delimiter, prefix.length) : -1;
    const entry = cut >= 0 ? key.slice(0, cut + delimiter.length) : undefined;
    if (entry !== undefined && (common.has(entry) || (startAfter && codePointCompare(entry, startAfter) <= 0))) continue;
    if (result.length + common.size >= maxKeys) {
      isTruncated = true;
      break;
    }
    if (entry !== undefined) common.add(entry);
    else result.push(objects.get(key));
  }
  return { objects: result, commonPrefixes: [...common], isTruncated };
}

/** Patch the store class before the app builds its store. */
export function indexListings(S3Store) {
  const create = S3Store.prototype.createBucket;
  S3Store.prototype.createBucket = function (name, type) {
    const fresh = !this.buckets.has(name);
    const out = create.call(this, name, type);
    if (fresh && this.buckets.get(name) instanceof Map) this.buckets.set(name, new IndexedObjects(this.buckets.get(name)));
    return out;
  };
  S3Store.prototype.originalListObjects = S3Store.prototype.listObjects;
  S3Store.prototype.listObjects = listObjects;
}
