import { expect } from 'chai';
import { shlexSplit, ShlexError } from '../../../src/inventory/shlex.js';

describe('shlexSplit (POSIX, comments)', () => {
  it('splits on whitespace and removes quotes', () => {
    expect(shlexSplit(`h a=1 b="x y" c='p q'`, { comments: true })).to.deep.equal(['h', 'a=1', 'b=x y', 'c=p q']);
  });
  it('keeps inner quotes of the other kind: v="\'22\'" → v=\'22\'', () => {
    expect(shlexSplit(`v="'22'"`, { comments: true })).to.deep.equal([`v='22'`]);
  });
  it('drops a trailing comment, even glued to a word, but not inside quotes', () => {
    expect(shlexSplit('h a=1 # c', { comments: true })).to.deep.equal(['h', 'a=1']);
    expect(shlexSplit('h a=1#c', { comments: true })).to.deep.equal(['h', 'a=1']);
    expect(shlexSplit('h a="1#c"', { comments: true })).to.deep.equal(['h', 'a=1#c']);
  });
  it('honours backslash escapes and empty quotes', () => {
    expect(shlexSplit('a\\ b c="x\\"y" d=\'\'')).to.deep.equal(['a b', 'c=x"y', "d="]);
    expect(shlexSplit("''")).to.deep.equal(['']);
  });
  it('rejects an unclosed quote', () => {
    expect(() => shlexSplit('h a="x')).to.throw(ShlexError, /No closing quotation/);
  });
});
