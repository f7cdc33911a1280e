// --limit leaving out every destination of the pair: one warning line says the database part does
// not run (Ansible's "Could not match supplied host pattern"), the bucket copies run, exit 0.
import { expect } from 'chai';
import { Ops } from './support.js';
import { requireLab } from '../../lab/index.js';

describe('orchestrate: --limit leaving no destination', function () {
  this.timeout(180_000);
  let ops: Ops;
  before(async function () {
    await requireLab(this);
    ops = new Ops();
  });
  after(() => ops?.remove());

  it('warns once, runs the copies, exits 0', async () => {
    const r = await ops.run(['-e', 'vars/prod-to-stage1.yml', '-l', 'localhost:stage2']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(`${r.stdout}${r.stderr}`.match(/the database part of the pair .* does not run/g)).to.have.length(1);
    expect(r.stderr).to.match(/Could not match supplied host pattern with a destination: --limit localhost:stage2/);
    expect(r.stdout).to.match(/(ok|changed): \[localhost\] bucket_copy/);
    expect(r.stdout).to.not.match(/\[stage1\]|\[db1\]/);
    expect(r.stdout).to.match(/PLAY RECAP/);
  });
});
