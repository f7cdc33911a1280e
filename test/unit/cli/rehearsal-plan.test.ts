// Checks, migrations before the swap and `orchestrate rehearse` in the plan (issue 13): the
// order of the steps, what --check shows, bad input.
import { expect } from 'chai';
import { parseCli } from '../../../src/cli/options.js';
import { loadPlan } from '../../../src/cli/load-plan.js';
import type { CliOptions } from '../../../src/cli/options.js';
import { renderPlan } from '../../../src/plan/render.js';
import { UserError } from '../../../src/errors.js';
import { tmpTree } from '../inventory/tmp-tree.js';

const INVENTORY = '[stagesync-sourcedb]\ndb1\n[stagesync-destdb]\nstage1\n';
const PAIR = [
  'stagesync_post_restore_commands: ["bin/rails db:migrate", {command: "./contract.sh", become_user: app}]',
  'stagesync_pre_restore_commands: ["maintenance on"]',
  'stagesync_always_commands: ["maintenance off"]',
  'stagesync_checks:',
  '  - {name: pairs, sql: "SELECT count(*) FROM user_pair", expect: {equals_sql: "SELECT count(*) FROM users WHERE joined_pair_id IS NOT NULL"}}',
  '  - {name: some, sql: "SELECT count(*) FROM users", expect: {min: 1}}',
];

function planOf(command: 'run' | 'rehearse', lines: string[], more: Partial<CliOptions> = {}) {
  const cwd = tmpTree({ 'inventories/hosts': INVENTORY, 'vars/pair.yml': lines.join('\n') + '\n' });
  const opts: CliOptions = { command, inventory: ['inventories/hosts'], extraVars: ['@vars/pair.yml'], tags: [], skipTags: [], check: true, verbosity: 0, vault: { vaultIds: [], vaultPasswordFiles: [], askVaultPass: false }, ...more };
  return loadPlan(opts, cwd, { HOME: cwd }).plan;
}
const order = (p: ReturnType<typeof planOf>) => p.steps.filter((s) => s.host !== 'db1').map((s) => s.action);

describe('rehearsal in the plan', () => {
  it('parses `rehearse --keep`; --keep belongs to rehearse only', () => {
    expect(parseCli(['rehearse', '-e', 'vars/p.yml', '--keep'], '0')).to.include({ command: 'rehearse', keep: true });
    expect(parseCli(['rehearse', '-e', 'vars/p.yml'], '0')!.keep).to.equal(undefined);
    expect(() => parseCli(['-e', 'vars/p.yml', '--keep'], '0')).to.throw(UserError, '--keep is only for `orchestrate rehearse`');
  });

  it('a run without stagesync_migrate_before_swap: checks before the swap, migrations after it', () => {
    expect(order(planOf('run', PAIR))).to.deep.equal(['preflight', 'lock', 'restore', 'verify', 'checks', 'pre_restore_commands', 'swap', 'post_restore_commands', 'post_restore_commands', 'always_commands']);
  });

  it('stagesync_migrate_before_swap: the migrations on the new copy, then the checks, then the swap', () => {
    const p = planOf('run', [...PAIR, 'stagesync_migrate_before_swap: true', 'stagesync_rehearsal_max_lock_seconds: 2.5']);
    expect(order(p)).to.deep.equal(['preflight', 'lock', 'restore', 'verify', 'migrate', 'migrate', 'checks', 'pre_restore_commands', 'swap', 'always_commands']);
    expect(p.db!.destinations[0]!.migrate).to.deep.equal({ databaseUrl: 'postgresql:///{database}', maxLockSeconds: 2.5, sampleMs: 100 });
    const text = renderPlan(p);
    expect(text).to.contain('migrations:    stage1 — 2 command(s) before the swap, against stage_stagesync_new (PGDATABASE, STAGESYNC_DATABASE, DATABASE_URL); lock report, fails past 2.5 s of ACCESS EXCLUSIVE on a table');
    expect(text).to.contain('check:         stage1 — pairs: (SELECT count(*) FROM user_pair) = (SELECT count(*) FROM users WHERE joined_pair_id IS NOT NULL)');
    expect(text).to.contain('check:         stage1 — some: (SELECT count(*) FROM users) >= 1');
    expect(text).to.match(/migrate +run against stage_stagesync_new, locks sampled every 100 ms \(fails past 2\.5 s of ACCESS EXCLUSIVE on a table\): bin\/rails db:migrate/);
  });

  it('--check says when migrations run after the swap, unwatched', () => {
    expect(renderPlan(planOf('run', PAIR))).to.contain('migrations:    stage1 — 2 command(s) after the swap, against stage (stagesync_migrate_before_swap: false; no lock report)');
  });

  it('rehearse: migrations and checks on the new copy, then its end instead of the swap; no hooks that touch staging', () => {
    const p = planOf('rehearse', PAIR);
    expect(order(p)).to.deep.equal(['preflight', 'lock', 'restore', 'verify', 'migrate', 'migrate', 'checks', 'rehearsal_end']);
    expect(p.steps.find((s) => s.action === 'rehearsal_end')).to.include({ keep: false, summary: 'no swap: drop stage_stagesync_new; stage stays as it was' });
    expect(p.copies).to.deep.equal([]);
    const kept = planOf('rehearse', PAIR, { keep: true });
    expect(kept.steps.find((s) => s.action === 'rehearsal_end')).to.include({ keep: true });
    expect(renderPlan(kept)).to.contain('no swap: keep stage_stagesync_new as stage_stagesync_rehearsal');
  });

  it('rehearse restores into a new copy even when the runs restore in place', () => {
    const p = planOf('rehearse', [...PAIR, 'stagesync_restore_mode: in_place']);
    expect(p.db!.destinations[0]!.mode).to.equal('swap');
    expect(order(p)).to.include('rehearsal_end');
  });

  it('bad input: migrations before a swap that in_place does not make', () => {
    expect(() => planOf('run', [...PAIR, 'stagesync_migrate_before_swap: true', 'stagesync_restore_mode: in_place'])).to.throw(UserError, 'needs stagesync_restore_mode: swap');
  });

  it('a lock limit without migrations before the swap is a warning (it would do nothing)', () => {
    expect(planOf('run', [...PAIR, 'stagesync_rehearsal_max_lock_seconds: 3']).warnings).to.include(
      'stage1: stagesync_rehearsal_max_lock_seconds has no effect: the post-restore commands run after the swap, unwatched (set stagesync_migrate_before_swap: true, or use orchestrate rehearse)',
    );
    expect(planOf('rehearse', [...PAIR, 'stagesync_rehearsal_max_lock_seconds: 3']).warnings.join('\n')).to.not.contain('max_lock_seconds');
  });

  it('the password of the DATABASE_URL template is a secret', () => {
    const p = planOf('rehearse', [...PAIR, 'stagesync_migrate_database_url: "postgresql://app:s3cr%40t@localhost/{database}"']);
    expect(p.secrets).to.include.members(['s3cr%40t', 's3cr@t']);
  });
});
