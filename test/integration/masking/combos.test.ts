// Masking together with the other ways a sync runs: the dump pulled by the destination straight
// from db1 (stagesync_transfer: direct), and `orchestrate rehearse` of a masked sync (its checks
// read the masked copy; staging stays as it was).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { psql, requireLab } from '../../lab/index.js';
import { checksums } from '../steps/support.js';
import { allOutput, dbNames, Ops, staleDest, startSshAgent, type SshAgent } from '../run/support.js';
import { pairVars, RULES, rowCounts, SALT } from './support.js';

const DB = 'stage';
const productionEmails = `SELECT count(*) FROM customers WHERE email LIKE '%@Example-Prod.com' OR email LIKE '%prod-mail%'`;

describe('masking with direct transfer and with rehearse (lab)', function () {
  this.timeout(600_000);
  let ops: Ops;
  let agent: SshAgent;

  before(async function () {
    await requireLab(this);
    ops = new Ops();
    agent = await startSshAgent(ops.dir);
  });
  after(() => {
    agent?.stop();
    ops?.remove();
  });

  it('direct: stage1 pulls the dump and the masked rows from db1; counts equal production', async () => {
    await staleDest('stage1', DB);
    ops.write('vars/direct.yml', pairVars('stage1', { salt: SALT, extra: 'stagesync_transfer: direct' }));
    const plan = await ops.run(['-e', 'vars/direct.yml', '-t', 'db', '--check']);
    expect(plan.stdout, allOutput(plan)).to.match(/stage1 +mask +COPY the masked rows of .* pulled from db1 over SSH/);
    const report = join(ops.dir, 'direct.json');
    const r = await ops.run(['-e', 'vars/direct.yml', '-t', 'db', '-e', 'ansible_ssh_extra_args=-A', '--report', report], { SSH_AUTH_SOCK: agent.sock });
    expect(r.code, allOutput(r)).to.equal(0);
    expect(r.stdout).to.match(/changed: \[stage1\] mask => 48000 masked rows in 3 table\(s\)/);
    expect(r.stdout).to.match(/ok: \[stage1\] leak_check => /);
    expect(await psql('stage1', productionEmails, DB)).to.equal('0');
    expect(await rowCounts('stage1', DB)).to.deep.equal(await rowCounts('db1', 'production'));
    // The masked rows (~9 MB through the controller before they were pulled directly) come from
    // db1 to stage1 too; what the controller reads of db1 is the catalog and the leak check's hashes.
    const received = (JSON.parse(readFileSync(report, 'utf8')) as { controllerBytesReceived: Record<string, number> }).controllerBytesReceived;
    expect(received.db1, 'bytes the controller received from db1').to.be.below(1024 * 1024);
  });

  it('direct: a masked read that fails on db1 fails stage1 naming the table and db1\'s error; staging unchanged', async () => {
    await staleDest('stage1', DB);
    const before = await checksums('stage1', DB);
    const rules = RULES.replace('phone: phone', 'phone: {sql: "CASE WHEN phone IS NOT NULL THEN (1 / 0)::text END"}');
    ops.write('vars/bad.yml', pairVars('stage1', { salt: SALT, rules, extra: 'stagesync_transfer: direct' }));
    const r = await ops.run(['-e', 'vars/bad.yml', '-t', 'db', '-e', 'ansible_ssh_extra_args=-A'], { SSH_AUTH_SOCK: agent.sock });
    expect(r.code, allOutput(r)).to.equal(2);
    expect(r.stdout, allOutput(r)).to.match(/fatal: \[stage1\] mask: FAILED! reading the masked rows of "public"\."customers" failed \(psql exit 3\)\nERROR: +division by zero/);
    expect(allOutput(r)).not.to.contain(SALT);
    expect(await checksums('stage1', DB)).to.deep.equal(before);
    expect(await dbNames('stage1', `${DB}\\_stagesync%`)).to.deep.equal([]);
  });

  it('rehearse: the checks read the masked copy; staging and its databases stay as they were', async () => {
    await staleDest('stage2', DB);
    const before = await checksums('stage2', DB);
    const checks = ['stagesync_checks:', `  - {name: no production email, sql: "${productionEmails}", expect: 0}`].join('\n');
    ops.write('vars/rehearse.yml', pairVars('stage2', { salt: SALT, extra: checks }));
    const r = await ops.run(['rehearse', '-e', 'vars/rehearse.yml']);
    expect(r.code, allOutput(r)).to.equal(0);
    expect(r.stdout).to.match(/changed: \[stage2\] mask => 48000 masked rows in 3 table\(s\)/);
    expect(r.stdout).to.contain('check "no production email" passed: got 0');
    expect(await checksums('stage2', DB)).to.deep.equal(before);
    expect(await dbNames('stage2', `${DB}\\_stagesync%`)).to.deep.equal([]);
  });
});
