import { expect } from 'chai';
import { decodeListedKey, stripQuotes } from '../../../src/buckets/listing.js';

describe('buckets/listing', () => {
  it('decodes url-encoded keys, with S3 (+) or moto (%20) spaces', () => {
    expect(decodeListedKey('a+b%2Bc%2520d.txt')).to.equal('a b+c%20d.txt');
    expect(decodeListedKey('a%20b')).to.equal('a b');
    expect(decodeListedKey('ctl%01x')).to.equal('ctl\u0001x');
    expect(decodeListedKey('%C3%A9/%F0%9F%8E%89%20x')).to.equal('é/🎉 x');
  });
  it('strips the quotes S3 puts around ETags', () => {
    expect(stripQuotes('"abc-2"')).to.equal('abc-2');
    expect(stripQuotes(undefined)).to.equal('');
  });
});
