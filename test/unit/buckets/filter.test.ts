import { expect } from 'chai';
import { makeKeyFilter } from '../../../src/buckets/filter.js';

describe('buckets/filter', () => {
  it('keeps everything without lists', () => {
    const f = makeKeyFilter();
    expect(f('a/b.jpg')).to.equal(true);
    expect(f('.well-known/x')).to.equal(true);
  });
  it('include keeps only matches; a slash-less pattern matches at any depth', () => {
    const f = makeKeyFilter(['*.jpg']);
    expect(f('top.jpg')).to.equal(true);
    expect(f('deep/er/x.jpg')).to.equal(true);
    expect(f('x.png')).to.equal(false);
  });
  it('exclude wins over include, and path patterns anchor at the prefix', () => {
    const f = makeKeyFilter(['uploads/**'], ['uploads/tmp/**', '*.part']);
    expect(f('uploads/a/b.jpg')).to.equal(true);
    expect(f('uploads/tmp/b.jpg')).to.equal(false);
    expect(f('uploads/a/b.part')).to.equal(false);
    expect(f('other/uploads/x')).to.equal(false);
  });
  it('matches dotfiles, spaces and unicode', () => {
    const f = makeKeyFilter([], ['**/.cache/**']);
    expect(f('a/.cache/x')).to.equal(false);
    expect(makeKeyFilter(['photos/*'])('photos/été 1.jpg')).to.equal(true);
  });
});
