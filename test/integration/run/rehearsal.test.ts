// Migration rehearsal on the lab (issue 13): the expand/contract migration and its checks, a
// failing NOT NULL, staging untouched by `orchestrate rehearse` (--keep or not, interrupted), bad input.
import { expect } from 'chai';
import { execa } from 'execa';
import { existsSync } from 'node:fs';
import { labEnv, psql, requireLab } from '../../lab/index.js';
import { orchestrateBin } from '../../support/cli.js';
import { checksums } from '../steps/support.js';
import { allOutput, dbNames, Ops } from './support.js';
import { DEST, PAIRED, USERS, migration, pairVars, readReport, rehearsalSource, rehearse, resetStage } from './rehearsal-support.js';

const EXPAND = migration(
  [
    'CREATE TABLE user_pair (user_id int PRIMARY KEY REFERENCES users(id), pair_id int NOT NULL);',
    'INSERT INTO user_pair SELECT id, joined_pair_id FROM users WHERE joined_pair_id IS NOT NULL;',
  ].join('\n'),
);
const CONTRACT = migration('ALTER TABLE users DROP COLUMN joined_pair_id;');
const ENV = '  - command: \'echo "env: $PGDATABASE $STAGESYNC_DATABASE $DATABASE_URL"\'';

describe('orchestrate rehearse: migrations and checks on the new copy, never a swap', function () {
  this.timeout(300_000);
  let ops: Ops;
  before(async function () {
    await requireLab(this);
    ops = new Ops();
    await rehearsalSource();
  });
  beforeEach(() => resetStage());
  after(() => ops?.remove());

  const expandContract = (checks: string[]) =>
    pairVars(ops, ['stagesync_post_restore_commands:', ENV, EXPAND, CONTRACT, 'stagesync_checks:', ...checks]);
  const PAIR_CHECKS = [
    '  - name: every pair moved',
    '    sql: SELECT count(*) FROM user_pair',
    '    expect: {equals_sql: "SELECT count(*) FROM users WHERE id % 3 = 0"}',
    `  - {name: pairs, sql: "SELECT count(*) FROM user_pair", expect: ${PAIRED}}`,
    '  - {name: column gone, sql: "SELECT count(*) FROM information_schema.columns WHERE column_name = \'joined_pair_id\'", expect: {max: 0}}',
  ];

  it('expand/contract: the migration passes, the equals_sql check passes and is in the report; staging untouched, nothing left', async () => {
    const vars = expandContract(PAIR_CHECKS);
    const before = await checksums('stage2', DEST);
    const r = await rehearse(ops, vars);
    expect(r.code, allOutput(r)).to.equal(0);
    expect(r.stdout).to.contain(`check "every pair moved" passed: got ${PAIRED}, expected ${PAIRED} (SELECT count(*) FROM users WHERE id % 3 = 0)`);
    const rep = readReport(ops).destinations.stage2!;
    expect(rep.checks!.map((c) => [c.name, c.value, c.passed])).to.deep.equal([['every pair moved', PAIRED, true], ['pairs', PAIRED, true], ['column gone', 0, true]]);
    expect(rep.checks![0]!.other).to.equal(PAIRED);
    // The commands got the new copy's name.
    expect(rep.migrations![0]!.output).to.contain(`env: ${DEST}_stagesync_new ${DEST}_stagesync_new postgresql:///${DEST}_stagesync_new`);
    expect(rep.migrations!.length).to.equal(3);
    for (const m of rep.migrations!) expect(m.durationMs).to.be.a('number');
    expect(rep.rehearsal).to.deep.equal({ swapped: false });
    expect(readReport(ops).steps.some((s) => s.action === 'swap')).to.equal(false);
    expect(await checksums('stage2', DEST)).to.deep.equal(before);
    expect(await dbNames('stage2', `${DEST}_stagesync%`)).to.deep.equal([]);
  });

  it('--keep keeps the rehearsed copy as <db>_stagesync_rehearsal; staging untouched', async () => {
    const vars = expandContract(PAIR_CHECKS);
    const before = await checksums('stage2', DEST);
    const r = await rehearse(ops, vars, ['--keep']);
    expect(r.code, allOutput(r)).to.equal(0);
    expect(await dbNames('stage2', `${DEST}_stagesync%`)).to.deep.equal([`${DEST}_stagesync_rehearsal`]);
    expect(await psql('stage2', 'SELECT count(*) FROM user_pair', `${DEST}_stagesync_rehearsal`)).to.equal(String(PAIRED));
    expect(await checksums('stage2', DEST)).to.deep.equal(before);
    await psql('stage2', `DROP DATABASE ${DEST}_stagesync_rehearsal`);
  });

  it('stagesync_migrate_before_swap in a run: the migrated, checked copy is swapped in; nothing runs after the swap', async () => {
    const vars = pairVars(ops, ['stagesync_migrate_before_swap: true', 'stagesync_post_restore_commands:', EXPAND, 'stagesync_checks:', ...PAIR_CHECKS.slice(0, 4)]);
    const r = await ops.run(['-e', vars, '-t', 'db', '--report', `${ops.dir}/r.json`]);
    expect(r.code, allOutput(r)).to.equal(0);
    const actions = readReport(ops).steps.filter((s) => s.host === 'stage2').map((s) => s.action);
    expect(actions.slice(actions.indexOf('verify'))).to.deep.equal(['verify', 'migrate', 'checks', 'swap', 'cleanup']);
    expect(await psql('stage2', 'SELECT count(*) FROM user_pair', DEST)).to.equal(String(PAIRED));
    expect(await dbNames('stage2', `${DEST}_stagesync%`)).to.deep.equal([`${DEST}_stagesync_prev`]);
  });

  it('rehearse --keep keeps a failed rehearsal\'s copy for inspection; staging untouched, exit 2', async () => {
    const vars = pairVars(ops, ['stagesync_post_restore_commands:', EXPAND, migration('ALTER TABLE users ALTER COLUMN email SET NOT NULL;')]);
    const before = await checksums('stage2', DEST);
    const r = await rehearse(ops, vars, ['--keep']);
    expect(r.code, allOutput(r)).to.equal(2);
    expect(r.stdout).to.contain('column "email" of relation "users" contains null values');
    expect(await dbNames('stage2', `${DEST}_stagesync%`)).to.deep.equal([`${DEST}_stagesync_rehearsal`]);
    expect(await psql('stage2', 'SELECT count(*) FROM user_pair', `${DEST}_stagesync_rehearsal`)).to.equal(String(PAIRED));
    expect(await checksums('stage2', DEST)).to.deep.equal(before);
    await psql('stage2', `DROP DATABASE ${DEST}_stagesync_rehearsal`);
  });

  it('a NOT NULL over NULLs fails the run before the swap with the migration\'s error; staging byte-identical; exit 2', async () => {
    const vars = pairVars(ops, ['stagesync_migrate_before_swap: true', 'stagesync_post_restore_commands:', migration('ALTER TABLE users ALTER COLUMN email SET NOT NULL;')]);
    const before = await checksums('stage2', DEST);
    const r = await ops.run(['-e', vars, '-t', 'db', '--report', `${ops.dir}/r.json`]);
    expect(r.code, allOutput(r)).to.equal(2);
    expect(r.stdout, allOutput(r)).to.match(/fatal: \[stage2\] migrate: FAILED![\s\S]*exited with 3/);
    expect(r.stdout).to.contain('column "email" of relation "users" contains null values');
    expect(readReport(ops).steps.some((s) => s.action === 'swap')).to.equal(false);
    expect(await checksums('stage2', DEST)).to.deep.equal(before);
    expect(await dbNames('stage2', `${DEST}_stagesync%`)).to.deep.equal([]);
  });

  it('a failing check fails the destination naming it and both values: no swap, exit 2', async () => {
    const vars = pairVars(ops, ['stagesync_checks:', `  - {name: user count, sql: "SELECT count(*) FROM users", expect: ${USERS + 1}}`]);
    const before = await checksums('stage2', DEST);
    const r = await ops.run(['-e', vars, '-t', 'db', '--report', `${ops.dir}/r.json`]);
    expect(r.code, allOutput(r)).to.equal(2);
    expect(r.stdout).to.match(new RegExp(`fatal: \\[stage2\\] checks: FAILED! check "user count" failed: got ${USERS}, expected ${USERS + 1}`));
    expect(readReport(ops).destinations.stage2!.checks).to.deep.equal([{ name: 'user count', value: USERS, expected: String(USERS + 1), passed: false }]);
    expect(await checksums('stage2', DEST)).to.deep.equal(before);
    expect(await dbNames('stage2', `${DEST}_stagesync%`)).to.deep.equal([]);
  });

  it('Ctrl-C during a migration: exit 99 at once, staging untouched, no copy, no monitor session left', async () => {
    const vars = pairVars(ops, ['stagesync_post_restore_commands:', '  - {command: "sleep 60", become_user: postgres}']);
    const before = await checksums('stage2', DEST);
    const bin = orchestrateBin;
    expect(existsSync(bin), 'built').to.equal(true);
    const started = Date.now();
    const child = execa(process.execPath, [bin, 'rehearse', '-e', vars, '-v'], { cwd: ops.dir, env: { ...process.env, ...labEnv() }, reject: false });
    let out = '';
    let sent = false;
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      // Once: a second Ctrl-C exits at once, without cleaning up.
      if (!sent && out.includes('[stage2] migrate: started')) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const r = await child;
    expect(r.exitCode, `${out}\n${r.stderr}`).to.equal(99);
    expect(Date.now() - started, 'not waiting for the sleep').to.be.below(45_000);
    expect(await checksums('stage2', DEST)).to.deep.equal(before);
    expect(await dbNames('stage2', `${DEST}_stagesync%`), out).to.deep.equal([]);
    expect(await psql('stage2', `SELECT count(*) FROM pg_stat_activity WHERE application_name = 'stagesync lock monitor'`)).to.equal('0');
  });

  for (const [what, lines] of [
    ['a check with no sql', ['stagesync_checks:', '  - {name: a, expect: 1}']],
    ['an unknown expect form', ['stagesync_checks:', '  - {name: a, sql: "SELECT 1", expect: {between: [1, 2]}}']],
    ['a lock limit of 0', ['stagesync_rehearsal_max_lock_seconds: 0']],
    ['a negative lock limit', ['stagesync_rehearsal_max_lock_seconds: -1.5']],
  ] as const) {
    it(`bad input (${what}) → exit 5, one line, nothing touched`, async () => {
      const vars = pairVars(ops, [...lines]);
      const before = await checksums('stage2', DEST);
      const r = await rehearse(ops, vars);
      expect(r.code, allOutput(r)).to.equal(5);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.match(/^ERROR! .*vars\/rh\.yml.*: stagesync_(checks\[0\]|rehearsal_max_lock_seconds)/);
      expect(r.stdout).to.equal('');
      expect(await checksums('stage2', DEST)).to.deep.equal(before);
      expect(await dbNames('stage2', `${DEST}_stagesync%`)).to.deep.equal([]);
    });
  }
});
