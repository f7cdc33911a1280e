import { expect } from 'chai';
import { Pool } from '../../../src/buckets/pool.js';

describe('buckets/pool', () => {
  it('never runs more than the limit and drains all tasks', async () => {
    const pool = new Pool(3);
    let active = 0;
    let peak = 0;
    let done = 0;
    for (let i = 0; i < 20; i++) {
      await pool.add(async () => {
        active++;
        peak = Math.max(peak, active);
        await new Promise((r) => setTimeout(r, 1 + (i % 3)));
        active--;
        done++;
      });
    }
    await pool.drain();
    expect([peak, done]).to.deep.equal([3, 20]);
  });
  it('keeps going after a task rejects', async () => {
    const pool = new Pool(1);
    let ran = false;
    await pool.add(async () => {
      throw new Error('x');
    });
    await pool.add(async () => {
      ran = true;
    });
    await pool.drain();
    expect(ran).to.equal(true);
  });
  it('refuses a zero limit', () => {
    expect(() => new Pool(0)).to.throw(/at least 1/);
  });
});
