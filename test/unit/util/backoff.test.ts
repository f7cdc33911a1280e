import { expect } from 'chai';
import { backoffDelay, sleep } from '../../../src/util/backoff.js';

describe('backoff', () => {
  const at = (jitter: 'full' | 'equal' | 'none', r: number) => (retry: number) => backoffDelay(retry, { baseMs: 100, capMs: 10_000, jitter, random: () => r });

  it('full jitter: uniform below base·2^retry, under the cap', () => {
    expect([0, 3, 20].map(at('full', 0.999))).to.deep.equal([99, 799, 9990]);
    expect(at('full', 0.5)(3)).to.equal(400);
    expect(at('full', 0)(5)).to.equal(0);
  });
  it('equal jitter: never under half of it', () => {
    expect([0, 3, 20].map(at('equal', 0))).to.deep.equal([50, 400, 5000]);
    expect([0, 3, 20].map(at('equal', 1))).to.deep.equal([100, 800, 10_000]);
  });
  it('no jitter: doubling up to the cap', () => {
    expect([0, 1, 2, 6, 7, 30].map(at('none', 0.3))).to.deep.equal([100, 200, 400, 6400, 10_000, 10_000]);
  });
  it('sleep: waits, or ends as soon as its signal aborts', async () => {
    let t = Date.now();
    await sleep(60);
    expect(Date.now() - t).to.be.at.least(55);
    const ac = new AbortController();
    t = Date.now();
    setTimeout(() => ac.abort(), 20);
    await sleep(5_000, ac.signal);
    expect(Date.now() - t).to.be.below(1_000);
    t = Date.now();
    await sleep(5_000, ac.signal);
    expect(Date.now() - t).to.be.below(100);
  });
});
