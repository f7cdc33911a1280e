import { expect } from 'chai';
import { expandHostPattern, HostPatternError, parseAddress } from '../../../src/inventory/host-pattern.js';

describe('host entries: ranges and ports', () => {
  it('expands a zero-padded numeric range of equal width', () => {
    expect(expandHostPattern('db[01:03].x.com').names).to.deep.equal(['db01.x.com', 'db02.x.com', 'db03.x.com']);
  });
  it('expands an unpadded range without padding', () => {
    expect(expandHostPattern('w[8:10]').names).to.deep.equal(['w8', 'w9', 'w10']);
  });
  it('expands a stepped range', () => {
    expect(expandHostPattern('h[1:9:3]').names).to.deep.equal(['h1', 'h4', 'h7']);
    expect(expandHostPattern('h[01:09:4]').names).to.deep.equal(['h01', 'h05', 'h09']);
  });
  it('starts [:5] from 0', () => {
    expect(expandHostPattern('n[:2]').names).to.deep.equal(['n0', 'n1', 'n2']);
  });
  it('expands letter ranges and several ranges per name', () => {
    expect(expandHostPattern('[a:c]-[1:2]').names).to.deep.equal(['a-1', 'a-2', 'b-1', 'b-2', 'c-1', 'c-2']);
  });
  it('gives no hosts for a reversed numeric range', () => {
    expect(expandHostPattern('h[5:1]').names).to.deep.equal([]);
  });
  it('takes :port off a name or a range', () => {
    expect(expandHostPattern('db1:2222')).to.deep.equal({ names: ['db1'], port: 2222 });
    expect(expandHostPattern('db[1:2].x:22')).to.deep.equal({ names: ['db1.x', 'db2.x'], port: 22 });
    expect(expandHostPattern('[::1]:2200')).to.deep.equal({ names: ['::1'], port: 2200 });
  });
  it('keeps a bare IPv6 address whole', () => {
    expect(expandHostPattern('fe80::1')).to.deep.equal({ names: ['fe80::1'], port: undefined });
  });
  const bad = ['h[1]', 'h[1:]', 'h[1:2:3:4]', 'h[c:a]', 'h[01:100]', 'h[1:3:0]', 'h[1:x]', 'host:', 'h[1:3'];
  for (const p of bad) {
    it(`rejects the malformed entry ${p}`, () => {
      expect(() => expandHostPattern(p)).to.throw(HostPatternError);
    });
  }
  it('parseAddress says undefined for something that is not an address', () => {
    expect(parseAddress('a:b')).to.equal(undefined);
    expect(parseAddress('web-01.example.com')).to.deep.equal({ host: 'web-01.example.com', port: undefined });
  });
});
