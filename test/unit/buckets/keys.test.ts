import { expect } from 'chai';
import { compareKeys, destKey, normalizePrefix } from '../../../src/buckets/keys.js';

describe('buckets/keys', () => {
  it('normalizes source_path / dest_path to folder prefixes', () => {
    expect(normalizePrefix(undefined)).to.equal('');
    expect(normalizePrefix('')).to.equal('');
    expect(normalizePrefix('/')).to.equal('');
    expect(normalizePrefix('media')).to.equal('media/');
    expect(normalizePrefix('/media/')).to.equal('media/');
    expect(normalizePrefix('a/b')).to.equal('a/b/');
    expect(destKey('stage/', 'x/y.jpg')).to.equal('stage/x/y.jpg');
  });

  it('orders keys as S3 does (UTF-8 bytes), unlike JavaScript string <', () => {
    const astral = '\u{1F600}'; // surrogate pair D83D DE00, UTF-8 F0 9F 98 80
    const bmpHigh = '\uFF21'; // fullwidth A, UTF-8 EF BC A1
    expect(astral < bmpHigh).to.equal(true); // JS: 0xD83D < 0xFF21
    expect(compareKeys(astral, bmpHigh)).to.be.greaterThan(0); // bytes: F0 > EF
    expect(compareKeys('a', 'a/')).to.be.lessThan(0);
    expect(compareKeys('a b', 'a/b')).to.be.lessThan(0); // space 0x20 < slash 0x2F
    expect(compareKeys('same', 'same')).to.equal(0);
  });

  it('agrees with Buffer.compare on random unicode keys', () => {
    const pool = ['a', 'Z', '/', ' ', 'é', '\u00ff', '\u0800', '\uE000', '\uFFFD', '\u{10000}', '\u{1F600}', '\u{10FFFF}'];
    let seed = 7;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const key = () => Array.from({ length: 1 + Math.floor(rnd() * 5) }, () => pool[Math.floor(rnd() * pool.length)]).join('');
    for (let i = 0; i < 5000; i++) {
      const a = key();
      const b = key();
      expect(Math.sign(compareKeys(a, b)), `${a} vs ${b}`).to.equal(Math.sign(Buffer.compare(Buffer.from(a), Buffer.from(b))));
    }
  });
});
