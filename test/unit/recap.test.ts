import { expect } from 'chai';
import { Recap } from '../../src/run/recap.js';

describe('PLAY RECAP', () => {
  it('prints hosts sorted, names padded to 26 columns, counters as name=%-4s', () => {
    const r = new Recap();
    r.count('stage1', 'changed');
    r.count('stage1', 'ok');
    r.count('db1', 'ok');
    r.count('stage2', 'unreachable');
    const lines = r.render().split('\n');
    expect(lines[1]).to.match(/^PLAY RECAP \*{3,}$/);
    expect(lines[1]!.length).to.equal(80);
    expect(lines[2]).to.equal('db1                        : ok=1    changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0');
    expect(lines[3]).to.equal('stage1                     : ok=2    changed=1    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0');
    expect(lines[4]).to.contain('unreachable=1 ');
    expect(r.anyUnreachable()).to.equal(true);
    expect(r.anyFailed()).to.equal(false);
  });
});
