// Walk two sorted listings side by side (a merge join on the relative key): no map of keys is ever
// built, so a million-object bucket costs two pages of memory.
import { compareKeys } from './keys.js';
import type { ObjectInfo } from './types.js';

export type Pair =
  | { rel: string; src: ObjectInfo; dst: ObjectInfo }
  | { rel: string; src: ObjectInfo; dst?: undefined }
  | { rel: string; src?: undefined; dst: ObjectInfo };

export async function* mergeListings(source: AsyncIterable<ObjectInfo>, dest: AsyncIterable<ObjectInfo>): AsyncGenerator<Pair> {
  const a = source[Symbol.asyncIterator]();
  const b = dest[Symbol.asyncIterator]();
  // Start both listings at once; each then keeps its own next page in flight.
  let [x, y] = await Promise.all([a.next(), b.next()]);
  try {
    while (!x.done || !y.done) {
      if (y.done || (!x.done && compareKeys(x.value.rel, y.value.rel) < 0)) {
        yield { rel: x.value!.rel, src: x.value! };
        x = await a.next();
      } else if (x.done || compareKeys(x.value.rel, y.value.rel) > 0) {
        yield { rel: y.value.rel, dst: y.value };
        y = await b.next();
      } else {
        yield { rel: x.value.rel, src: x.value, dst: y.value };
        [x, y] = await Promise.all([a.next(), b.next()]);
      }
    }
  } finally {
    await Promise.allSettled([a.return?.(undefined), b.return?.(undefined)]);
  }
}
