// The run layer's orchestration on FakeHosts (no lab): the executor the CLI uses
// (runWithRetries, runRollback) walks a plan built by the plan's own step list, against hosts
// that answer as PostgreSQL hosts would, with failures scripted in.
import { expect } from 'chai';
import { orderSteps } from '../../../src/plan/steps.js';
import type { DbDestinationPlan, DbSourcePlan, MaskingPlan, Plan } from '../../../src/plan/types.js';
import { runWithRetries } from '../../../src/run/attempts.js';
import { runRollback } from '../../../src/run/rollback.js';
import { plainOutput } from '../../../src/run/output.js';
import { RunReport } from '../../../src/run/report.js';
import { Tracker } from '../../../src/run/tracker.js';
import { ConnectionLostError, UnreachableError } from '../../../src/transport/types.js';
import { BACKUP_SCRIPT, fakePgHost } from './fake-pg.js';

const source: DbSourcePlan = {
  host: 'db1',
  database: 'prod',
  backupUser: 'postgres',
  backupGroup: 'postgres',
  backupScript: BACKUP_SCRIPT,
  cleanupScript: '/scripts/stagesync-cleanup.sh',
  createScripts: false,
  scriptTemplate: 'postgresbackup.sh.j2',
  executeBackup: true,
  backupsDir: '/backups',
  tmpDir: '/tmp',
  pipelined: false,
  compression: '1',
};

const dest = (host: string): DbDestinationPlan => ({
  host,
  database: 'stage',
  role: 'stage',
  backupUser: 'postgres',
  tmpDir: '/var/tmp/stagesync',
  mode: 'swap',
  excludeTables: [],
  fkConstraints: true,
  jobs: 1,
  pipelined: false,
  postRestoreSql: [],
  preRestoreCommands: [],
  postRestoreCommands: [],
  alwaysCommands: [],
  lockTimeoutSec: 0,
  checks: [],
});

function planOf(command: 'run' | 'rollback' | 'rehearse', destinations: DbDestinationPlan[], maxRetryCount = 0, o: { masking?: MaskingPlan; keep?: boolean } = {}): Plan {
  const { masking, keep = false } = o;
  const steps = orderSteps({ command, ...(command !== 'rollback' ? { source } : {}), destinations, copies: [], keep, ...(masking ? { masking } : {}) });
  return {
    name: 'unit',
    command,
    inventorySources: [],
    tags: [],
    skipTags: [],
    ...(command !== 'rollback' ? { db: { source, destinations, transfer: 'stream' as const, ...(masking ? { masking } : {}) } } : { rollback: { destinations } }),
    copies: [],
    hosts: [],
    steps,
    maxRetryCount,
    retryDelaySec: 0,
    forks: 5,
    secrets: [],
    warnings: [],
  };
}

function world(names: string[]) {
  const hosts = new Map(names.map((n) => [n, fakePgHost(n, { databases: n === 'db1' ? ['prod'] : ['stage'] })]));
  const lines: string[] = [];
  const output = plainOutput({ verbosity: 0, mask: (t) => t, write: (t) => void lines.push(t) });
  const report = new RunReport('unit', 'run');
  const hostOf = (n: string) => hosts.get(n)!;
  return { hosts, host: hostOf, output, report, lines };
}

async function run(w: ReturnType<typeof world>, plan: Plan): Promise<Tracker> {
  const signal = new AbortController().signal;
  return runWithRetries({ plan, hostOf: w.host, output: w.output, report: w.report, mask: (t) => t, signal, sleep: async () => undefined });
}

const dbs = (w: ReturnType<typeof world>, h: string) => [...w.host(h).pg.databases].sort();

describe('run layer on FakeHosts', () => {
  it('a destination dropping out (its copy of the dump fails) while the other one finishes', async () => {
    const w = world(['db1', 'stage1', 'stage2']);
    w.host('stage2').on({ match: (c) => c.text.includes('short write'), spawn: () => ({ onEnd: () => ({ code: 1, stderr: 'No space left on device' }) }) });
    const t = await run(w, planOf('run', [dest('stage1'), dest('stage2')]));
    expect([...t.failures.keys()]).to.deep.equal(['stage2']);
    expect(t.failures.get('stage2')!.step).to.equal('receive');
    expect(t.recap.counters('stage1').failed).to.equal(0);
    expect(t.recap.counters('stage2').failed, 'one failure, no step after it').to.equal(1);
    // stage1 swapped the new copy in; stage2 is as it was, with its lock released and its cleanup run.
    expect(dbs(w, 'stage1')).to.deep.equal(['stage', 'stage_stagesync_prev']);
    expect(dbs(w, 'stage2')).to.deep.equal(['stage']);
    expect(w.host('stage2').ran(/pg_restore --no-owner/)).to.have.length(0);
    expect(w.host('stage2').ran(/^rm -f .*\.part-\*$/), 'its cleanup').to.have.length(1);
    expect(w.host('stage2').calls.filter((c) => c.text.includes('stagesync-lock')).map((c) => c.stdinEnded), 'its lock released').to.deep.equal([true]);
    expect(w.lines.join('')).to.match(/fatal: \[stage2\] receive: FAILED!/);
    // The report lists the destinations that got to their restore.
    const destinations = w.report.toJSON(t.recap, 2, 'failed').destinations as Record<string, Record<string, unknown>>;
    expect(Object.keys(destinations)).to.deep.equal(['stage1']);
    expect(destinations.stage1).to.include({ database: 'stage', mode: 'swap', swapped: true, previous: 'stage_stagesync_prev' });
  });

  it('a retry resumes after the last completed step: no second backup or move, the restore again', async () => {
    const w = world(['db1', 'stage1']);
    const verify = (c: { argv: readonly string[]; stdin: string }) => c.argv[0] === 'psql' && c.stdin.includes('json_object_agg');
    w.host('stage1').on({ match: verify, exec: () => new ConnectionLostError('stage1', 'stage1: connection lost while the command was running'), times: 1 });
    const t = await run(w, planOf('run', [dest('stage1')], 1));
    expect(w.report.toJSON(t.recap, 0, 'ok')).to.include({ attempts: 2 });
    expect(t.failures.size).to.equal(0);
    expect(w.host('db1').ran(new RegExp(`^${BACKUP_SCRIPT}`))).to.have.length(1);
    expect(w.host('db1').calls.filter((c) => c.argv[0] === 'cat')).to.have.length(1);
    expect(w.host('stage1').ran(/pg_restore --no-owner/)).to.have.length(2);
    expect(dbs(w, 'stage1')).to.deep.equal(['stage', 'stage_stagesync_prev']);
    expect(w.lines.join('')).to.match(/attempt 1 failed[\s\S]*resumed: \/backups\/prod\.db1[\s\S]*not moved again/);
  });

  it('a failing source skips the destinations, which are never written', async () => {
    const w = world(['db1', 'stage1', 'stage2']);
    w.host('db1').on({ match: (c) => c.text.includes('@@tool'), exec: () => ({ code: 1, stderr: 'sudo: unknown user postgres' }) });
    const t = await run(w, planOf('run', [dest('stage1'), dest('stage2')]));
    expect([...t.failures.keys()]).to.deep.equal(['db1']);
    for (const h of ['stage1', 'stage2']) {
      expect(t.recap.counters(h).skipped, h).to.equal(1);
      expect(w.host(h).calls.filter((c) => c.kind !== 'connect' && !c.text.includes('@@tool')), h).to.deep.equal([]);
      expect(dbs(w, h)).to.deep.equal(['stage']);
    }
  });

  it('the lock held by another run: that destination fails at the lock and nothing is dumped for it', async () => {
    const w = world(['db1', 'stage1']);
    w.host('stage1').pg.lockHeldElsewhere = true;
    const t = await run(w, planOf('run', [dest('stage1')], 2));
    const f = t.failures.get('stage1')!;
    expect(f.step).to.equal('lock');
    expect(f.message).to.match(/another stagesync run holds the lock on stage \(pid 4242/);
    expect(f.retryable, 'another run is not a passing network problem').to.equal(false);
    expect(w.report.toJSON(t.recap, 2, 'failed')).to.include({ attempts: 1 });
    expect(w.host('db1').ran(new RegExp(`^${BACKUP_SCRIPT}`))).to.have.length(0);
    expect(dbs(w, 'stage1')).to.deep.equal(['stage']);
  });

  it("rollback's branches: swapped back, no previous copy, lock held, unreachable, only the previous copy left", async () => {
    const w = world(['stage1', 'stage2', 'stage3', 'stage4', 'stage5']);
    w.host('stage1').pg.databases.add('stage_stagesync_prev');
    w.host('stage3').pg.databases.add('stage_stagesync_prev');
    w.host('stage3').pg.lockHeldElsewhere = true;
    w.host('stage4').connectError = new UnreachableError('stage4', 'Failed to connect to the host via ssh: connection refused');
    w.host('stage5').pg.databases.clear();
    w.host('stage5').pg.databases.add('stage_stagesync_prev');
    const plan = planOf('rollback', ['stage1', 'stage2', 'stage3', 'stage4', 'stage5'].map(dest));
    const tracker = new Tracker(w.output, w.report, (x) => x);
    await runRollback({ plan, hostOf: w.host, tracker, output: w.output, signal: new AbortController().signal });
    expect(w.host('stage1').ran(/RENAME TO "stage_stagesync_rbk"/)).to.have.length(1);
    expect(dbs(w, 'stage1')).to.deep.equal(['stage', 'stage_stagesync_prev']);
    expect(tracker.failures.get('stage2')?.message).to.match(/no previous copy stage_stagesync_prev/);
    expect(tracker.failures.get('stage3')?.step).to.equal('lock');
    expect(w.host('stage3').ran(/RENAME/)).to.have.length(0);
    expect(tracker.failures.get('stage4')?.unreachable).to.equal(true);
    expect(tracker.recap.anyUnreachable()).to.equal(true);
    expect(tracker.failures.has('stage5')).to.equal(false);
    expect(dbs(w, 'stage5')).to.deep.equal(['stage']);
    // Every lock taken was released: the lock session's stdin was ended.
    for (const h of ['stage1', 'stage2', 'stage5']) expect(w.host(h).calls.filter((c) => c.text.includes('stagesync-lock')).map((c) => c.stdinEnded), h).to.deep.equal([true]);
  });

  it('checks before the swap: a failing one takes its destination out with both values, its new copy dropped; the other swaps', async () => {
    const w = world(['db1', 'stage1', 'stage2']);
    const checks = [{ name: 'users', sql: 'SELECT count(*) FROM users', expect: { value: 3 } }];
    w.host('stage2').pg.checkValue = () => 2;
    const t = await run(w, planOf('run', [{ ...dest('stage1'), checks }, { ...dest('stage2'), checks }]));
    expect([...t.failures.keys()]).to.deep.equal(['stage2']);
    expect(t.failures.get('stage2')!.message).to.equal('check "users" failed: got 2, expected 3');
    expect(dbs(w, 'stage1')).to.deep.equal(['stage', 'stage_stagesync_prev']);
    expect(dbs(w, 'stage2')).to.deep.equal(['stage']);
    const destinations = w.report.toJSON(t.recap, 2, 'failed').destinations as Record<string, Record<string, unknown>>;
    expect(destinations.stage2!.checks).to.deep.equal([{ name: 'users', value: 2, expected: '3', passed: false }]);
    expect(destinations.stage1!.checks).to.deep.equal([{ name: 'users', value: 3, expected: '3', passed: true }]);
  });

  it('rehearse: checks, then no swap: the new copy dropped, or kept as <db>_stagesync_rehearsal with --keep', async () => {
    const checks = [{ name: 'some', sql: 'SELECT 1', expect: { min: 1 } }];
    for (const keep of [false, true]) {
      const w = world(['db1', 'stage1']);
      const t = await run(w, planOf('rehearse', [{ ...dest('stage1'), checks }], 0, { keep }));
      expect(t.failures.size).to.equal(0);
      // No swap: no _stagesync_prev, `stage` is the one it was.
      expect(dbs(w, 'stage1')).to.deep.equal(keep ? ['stage', 'stage_stagesync_rehearsal'] : ['stage']);
      const destinations = w.report.toJSON(t.recap, 0, 'ok').destinations as Record<string, Record<string, unknown>>;
      expect(destinations.stage1!.rehearsal).to.deep.equal(keep ? { swapped: false, kept: 'stage_stagesync_rehearsal' } : { swapped: false });
    }
  });

  it('masking: the dump in a held snapshot without the masked rows, two restore passes around them, a leak failing one destination', async () => {
    const w = world(['db1', 'stage1', 'stage2']);
    const masking: MaskingPlan = { rules: [{ schema: 'public', name: 'users', column: 'email', transformer: { kind: 'email', domain: 'example.invalid' }, path: 'stagesync_masking.public.users.email' }], salt: 'unit-salt-1234', requireAll: false, leakSample: 10 };
    const catalog = { columns: [{ s: 'public', t: 'users', c: 'id', type: 'integer', gen: false }, { s: 'public', t: 'users', c: 'email', type: 'text', gen: false }], pks: [{ s: 'public', t: 'users', cols: ['id'] }], fks: [] };
    const db1 = w.host('db1');
    db1.on({ match: (c) => c.stdin.includes("'columns', coalesce"), exec: () => ({ stdout: JSON.stringify(catalog) + '\n' }) });
    db1.on({ match: (c) => c.text.includes('stagesync-snapshot'), spawn: () => ({ onLine: (l) => (l.includes('pg_export_snapshot') ? '00000003-0000001B-1' : undefined) }) });
    db1.on({ match: (c) => c.text.includes('stagesync-mask'), spawn: () => ({ stdout: '1\tu1@example.invalid\n' }) });
    db1.on({ match: (c) => c.stdin.includes('SELECT DISTINCT'), exec: () => ({ stdout: `${'a'.repeat(64)}\n` }) });
    for (const [h, matches] of [['stage1', '1'], ['stage2', '0']] as const) w.host(h).on({ match: (c) => c.stdin.includes('= ANY (ARRAY['), exec: () => ({ stdout: `${matches}\n` }) });
    const t = await run(w, planOf('run', [dest('stage1'), dest('stage2')], 0, { masking }));

    expect(db1.ran(new RegExp(`^${BACKUP_SCRIPT} --snapshot=00000003-0000001B-1 --exclude-table-data="public"\\."users" prod$`))).to.have.length(1);
    expect(db1.calls.filter((c) => c.text.includes('stagesync-snapshot')).map((c) => c.stdinEnded), 'the snapshot released').to.deep.equal([true]);
    const reads = db1.calls.filter((c) => c.text.includes('stagesync-mask'));
    expect(reads).to.have.length(2);
    for (const r of reads) expect(r.stdin).to.include("SET TRANSACTION SNAPSHOT '00000003-0000001B-1';").and.include("'unit-salt-1234'").and.include('AS "email"');
    for (const h of ['stage1', 'stage2']) {
      const restores = w.host(h).ran(/^pg_restore --no-owner/).map((c) => c.text);
      expect(restores.map((r) => /--section=\S+( --section=\S+)?/.exec(r)![0]), h).to.deep.equal(['--section=pre-data --section=data', '--section=post-data']);
      expect(w.host(h).ran(/COPY "public"\."users" \("id", "email"\) FROM STDIN/), h).to.have.length(1);
    }
    expect([...t.failures.keys()]).to.deep.equal(['stage1']);
    expect(t.failures.get('stage1')!.step).to.equal('leak_check');
    expect(t.failures.get('stage1')!.message).to.match(/production values found in the new copy: public\.users\.email \(1 value\(s\) of 1 sampled\)/);
    expect(dbs(w, 'stage1'), 'the old copy kept, the new one dropped').to.deep.equal(['stage']);
    expect(dbs(w, 'stage2')).to.deep.equal(['stage', 'stage_stagesync_prev']);
    const report = w.report.toJSON(t.recap, 2, 'failed') as { destinations: Record<string, { leakCheck?: unknown; masked?: unknown }>; masking: unknown };
    expect(report.destinations.stage1!.leakCheck).to.deep.equal([{ column: 'public.users.email', sampled: 1, matches: 1 }]);
    expect(report.masking).to.deep.include({ tables: ['public.users'], inherited: [] });
  });
});
