import { expect } from 'chai';
import { encodeKeyPath } from '../../../src/buckets/lean-request.js';

describe('buckets/lean-request', () => {
  it('encodes a key path as the SDK does: RFC 3986 per segment, slashes kept', () => {
    expect(encodeKeyPath("a b/c+d/(x)!'*~.bin")).to.equal('a%20b/c%2Bd/%28x%29%21%27%2A~.bin');
    expect(encodeKeyPath('ü/€/😀')).to.equal('%C3%BC/%E2%82%AC/%F0%9F%98%80');
  });
});
