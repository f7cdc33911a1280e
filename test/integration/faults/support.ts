// The fault suite's runs: orchestrate started as a cron job would (a db-only pair db1 → stage2
// into a database of the test's own), a fault injected at an observable moment of the run, then
// what the run said (exit code, cause, recap, report) and what it left (the destination's
// fingerprint, leftovers) checked, and a clean run after it.
import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CliRun } from '../../support/cli.js';
import { startOrchestrate, type LiveRun } from '../../support/live-run.js';
import { checksums } from '../steps/support.js';
import { dbNames, Ops, staleDest } from '../run/support.js';
import { labEnv, psql, requireLab } from '../../lab/index.js';

export const DEST = 'stage2';

/** A pair of the test's own: db1's production → stage2's `db`, the database part only. */
export class FaultPair {
  readonly ops = new Ops();
  readonly vars: string;
  readonly report: string;
  constructor(
    readonly db: string,
    extraVars = '',
  ) {
    this.report = join(this.ops.dir, 'report.json');
    this.vars = this.ops.write(
      `vars/${db}.yml`,
      [`stagesync_dest_hosts: ${DEST}`, `stagesync_destdb: ${db}`, `stagesync_source_backups_dir: /opt/backups/${db}`, `stagesync_dest_tmp_dir: /tmp/${db}`, 'stagesync_copies: []', extraVars, ''].join('\n'),
    );
  }

  /** The destination with stale content of its own; returns its fingerprint. */
  async reset(): Promise<Record<string, string>> {
    await staleDest(DEST, this.db);
    return checksums(DEST, this.db);
  }

  start(args: string[] = [], env: Record<string, string> = {}): LiveRun {
    return startOrchestrate(['-e', `vars/${this.db}.yml`, '-t', 'db', '-v', '--report', this.report, ...args], { cwd: this.ops.dir, env: { ...labEnv(), ...env } });
  }

  async run(args: string[] = []): Promise<CliRun> {
    return this.start(args).result;
  }

  readReport(): Record<string, unknown> {
    expect(existsSync(this.report), 'the --report file was written').to.equal(true);
    return JSON.parse(readFileSync(this.report, 'utf8')) as Record<string, unknown>;
  }

  /** After a fault: the destination is the old copy, whole, and nothing temporary is left. */
  async expectOldCopy(before: Record<string, string>): Promise<void> {
    expect(await checksums(DEST, this.db)).to.deep.equal(before);
    expect(await dbNames(DEST, `${this.db}\\_stagesync\\_new`)).to.deep.equal([]);
  }

  /** After a run that could not clean up (SIGKILL): the live database is the old copy, whole. */
  async expectOldCopyLive(before: Record<string, string>): Promise<void> {
    expect(await checksums(DEST, this.db)).to.deep.equal(before);
  }

  /** The run after the fault succeeds, quickly (no lock left to wait on), and leaves the new copy. */
  async expectCleanRun(): Promise<CliRun> {
    const started = Date.now();
    const r = await this.run();
    expect(r.code, tail(r)).to.equal(0);
    expect(r.stdout).to.not.match(/waiting for the stagesync lock/);
    expect(Date.now() - started).to.be.below(60_000);
    expect(await psql(DEST, `SELECT count(*) FROM auth_user`, this.db)).to.equal(await psql('db1', `SELECT count(*) FROM auth_user`, 'production'));
    expect(await dbNames(DEST, `${this.db}\\_stagesync\\_new`)).to.deep.equal([]);
    return r;
  }

  async remove(): Promise<void> {
    await psql(DEST, ['', '_stagesync_new', '_stagesync_prev'].map((s) => `DROP DATABASE IF EXISTS ${this.db}${s} WITH (FORCE);`).join('\n')).catch(() => undefined);
    this.ops.remove();
  }
}

/** The run's word: exit code, a recap, a report agreeing with the exit code. */
export function expectReported(r: CliRun, pair: FaultPair, code: number, cause: RegExp): Record<string, unknown> {
  expect(r.code, tail(r)).to.equal(code);
  expect(r.stdout, tail(r)).to.match(/PLAY RECAP/);
  expect(`${r.stdout}\n${r.stderr}`, tail(r)).to.match(cause);
  const report = pair.readReport();
  expect(report.exitCode).to.equal(code);
  return report;
}

/** Polls until `f` is true (a moment of the run seen from outside, e.g. pg_restore running). */
export async function until(what: string, f: () => Promise<boolean>, ms = 120_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await f().catch(() => false))) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** pg_restore is writing the new copy on the destination. */
export const restoring = (db: string) => async () =>
  (await psql(DEST, `SELECT count(*) FROM pg_stat_activity WHERE datname = '${db}_stagesync_new' AND application_name = 'stagesync-restore' AND state = 'active'`)) !== '0';

export const tail = (r: CliRun): string => `exit ${r.code}\n${r.stdout.slice(-4000)}\n${r.stderr.slice(-2000)}`;

/**
 * One fault's suite: the lab required, a FaultPair of its own for `db` (read through `pair()`
 * once `before` has made it), removed after the tests, with `cleanup` first when given.
 */
export function describeFault(title: string, db: string, body: (pair: () => FaultPair) => void, cleanup?: () => Promise<void>): void {
  describe(`fault: ${title}`, function () {
    this.timeout(240_000);
    let made: FaultPair | undefined;
    before(async function () {
      await requireLab(this);
      made = new FaultPair(db);
    });
    after(async () => {
      await cleanup?.();
      await made?.remove();
    });
    body(() => made!);
  });
}
