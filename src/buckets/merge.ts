// Walk two sorted listings side by side (a merge join on the relative key): no map of keys is ever
// built, so a million-object bucket costs two pages of memory. Listings arrive and pairs leave a
// page at a time: per object, only plain loop steps, no promise (a million keys made millions).
import { compareKeys } from './keys.js';
import type { ObjectInfo } from './types.js';

export type Pair =
  | { rel: string; src: ObjectInfo; dst: ObjectInfo }
  | { rel: string; src: ObjectInfo; dst?: undefined }
  | { rel: string; src?: undefined; dst: ObjectInfo };

/** Where one listing stands: its current page and the position in it. */
class Cursor {
  private page: ObjectInfo[] = [];
  private at = 0;
  private ended = false;
  constructor(private readonly pages: AsyncIterator<ObjectInfo[]>) {}

  /** The current object; undefined at the end of the listing (or of a page: see `needsPage`). */
  get head(): ObjectInfo | undefined {
    return this.page[this.at];
  }
  get done(): boolean {
    return this.ended;
  }
  get needsPage(): boolean {
    return !this.ended && this.at >= this.page.length;
  }
  advance(): void {
    this.at++;
  }
  /** Reads pages until there is an object or the listing ended (a page may be all filtered out). */
  async fill(): Promise<void> {
    while (this.needsPage) {
      const r = await this.pages.next();
      if (r.done) this.ended = true;
      else [this.page, this.at] = [r.value, 0];
    }
  }
  async close(): Promise<void> {
    await this.pages.return?.(undefined);
  }
}

/** Pairs from the objects in hand, until either side needs its next page. */
function pairsInHand(a: Cursor, b: Cursor): Pair[] {
  const out: Pair[] = [];
  while (!a.needsPage && !b.needsPage) {
    const x = a.head;
    const y = b.head;
    if (!x && !y) break;
    const order = !x ? 1 : !y ? -1 : compareKeys(x.rel, y.rel);
    if (order < 0) {
      out.push({ rel: x!.rel, src: x! });
      a.advance();
    } else if (order > 0) {
      out.push({ rel: y!.rel, dst: y! });
      b.advance();
    } else {
      out.push({ rel: x!.rel, src: x!, dst: y! });
      a.advance();
      b.advance();
    }
  }
  return out;
}

export async function* mergeListings(source: AsyncIterable<ObjectInfo[]>, dest: AsyncIterable<ObjectInfo[]>): AsyncGenerator<Pair[]> {
  const a = new Cursor(source[Symbol.asyncIterator]());
  const b = new Cursor(dest[Symbol.asyncIterator]());
  try {
    // Both listings start at once; each then keeps its own next page in flight.
    await Promise.all([a.fill(), b.fill()]);
    while (!a.done || !b.done) {
      const pairs = pairsInHand(a, b);
      if (pairs.length) yield pairs;
      await Promise.all([a.fill(), b.fill()]);
    }
  } finally {
    await Promise.allSettled([a.close(), b.close()]);
  }
}
