import { expect } from 'chai';
import { mergeListings, type Pair } from '../../../src/buckets/merge.js';
import type { ObjectInfo } from '../../../src/buckets/types.js';

const obj = (rel: string, prefix = ''): ObjectInfo => ({ key: prefix + rel, rel, size: 1, etag: 'e' });
/** Pages of two objects, and an empty page (a page all filtered out) between them. */
async function* gen(items: ObjectInfo[]) {
  for (let i = 0; i < items.length; i += 2) {
    yield items.slice(i, i + 2);
    yield [];
  }
}
async function collect(a: ObjectInfo[], b: ObjectInfo[]): Promise<string[]> {
  const out: string[] = [];
  for await (const page of mergeListings(gen(a), gen(b)) as AsyncIterable<Pair[]>) {
    for (const p of page) out.push(`${p.src ? 'S' : '-'}${p.dst ? 'D' : '-'} ${p.rel}`);
  }
  return out;
}

describe('buckets/merge', () => {
  it('pairs equal relative keys across different prefixes', async () => {
    const out = await collect([obj('a', 'p/'), obj('b', 'p/'), obj('d', 'p/')], [obj('b', 'q/'), obj('c', 'q/'), obj('d', 'q/'), obj('e', 'q/')]);
    expect(out).to.deep.equal(['S- a', 'SD b', '-D c', 'SD d', '-D e']);
    const many = Array.from({ length: 25 }, (_, i) => obj(`k${String(i).padStart(2, '0')}`));
    const odd = many.filter((_, i) => i % 3 === 0);
    expect(await collect(many, odd)).to.deep.equal(many.map((o, i) => `${'S'}${i % 3 === 0 ? 'D' : '-'} ${o.rel}`));
  });
  it('handles empty sides', async () => {
    expect(await collect([], [])).to.deep.equal([]);
    expect(await collect([obj('x')], [])).to.deep.equal(['S- x']);
    expect(await collect([], [obj('x')])).to.deep.equal(['-D x']);
  });
  it('uses S3 byte order for astral characters', async () => {
    // S3 lists U+FF21 before U+1F600; a merge using JS `<` would split this pair in two.
    const keys = ['\uFF21', '\u{1F600}'];
    expect(await collect(keys.map((k) => obj(k)), keys.map((k) => obj(k)))).to.deep.equal(['SD \uFF21', 'SD \u{1F600}']);
  });
  it('stops both listings when the consumer stops early', async () => {
    let closed = 0;
    async function* tracked(items: ObjectInfo[]) {
      try {
        yield items;
      } finally {
        closed++;
      }
    }
    for await (const _ of mergeListings(tracked([obj('a'), obj('b')]), tracked([obj('a'), obj('b')]))) break;
    expect(closed).to.equal(2);
  });
});
