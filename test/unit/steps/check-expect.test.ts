// Whether a check's value is what its expect says (src/steps/check-expect.ts).
import { expect } from 'chai';
import { judge, sameValue } from '../../../src/steps/check-expect.js';

describe('check expectations', () => {
  it('a value: numbers as numbers, strings as text, booleans as PostgreSQL writes them', () => {
    expect(judge(42, { value: 42 })).to.deep.equal({ passed: true, expected: '42' });
    expect(judge('42', { value: 42 }).passed).to.equal(true);
    expect(judge('42.0', { value: 42 }).passed).to.equal(true);
    expect(judge(41, { value: 42 })).to.deep.equal({ passed: false, expected: '42' });
    expect(judge('ok', { value: 'ok' }).passed).to.equal(true);
    expect(judge('OK', { value: 'ok' }).passed).to.equal(false);
    expect(judge(true, { value: true }).passed).to.equal(true);
    expect(judge('t', { value: true }).passed).to.equal(true);
    expect(judge(false, { value: true }).passed).to.equal(false);
    expect(judge(null, { value: 0 }).passed).to.equal(false);
  });

  it('equals_sql: the other query\'s value, shown with its SQL', () => {
    expect(judge(334, { equalsSql: 'SELECT count(*) FROM user_pair' }, 334)).to.deep.equal({ passed: true, expected: '334 (SELECT count(*) FROM user_pair)' });
    expect(judge(334, { equalsSql: 'SELECT 1' }, 333).passed).to.equal(false);
    expect(judge(null, { equalsSql: 'SELECT 1' }, null).passed).to.equal(false);
  });

  it('min and max: numbers only', () => {
    expect(judge(5, { min: 5 }).passed).to.equal(true);
    expect(judge(4, { min: 5 })).to.deep.equal({ passed: false, expected: '>= 5' });
    expect(judge(0, { max: 0 }).passed).to.equal(true);
    expect(judge('1', { max: 0 }).passed).to.equal(false);
    expect(judge('abc', { max: 10 }).passed).to.equal(false);
    expect(judge(null, { min: 0 }).passed).to.equal(false);
  });

  it('sameValue never equates NULL with anything', () => {
    expect(sameValue(null, 'null')).to.equal(false);
    expect(sameValue(null, null)).to.equal(false);
  });
});
