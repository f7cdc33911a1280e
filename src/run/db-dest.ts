// One destination of a database sync: its lock, its facts, its restore, its part of the report
// and where it stands. It walks its own steps of the plan (src/plan/steps.ts) after the move.
import type { DbDestinationPlan, HookCommand, PlanStep, RunAction } from '../plan/types.js';
import type { Host } from '../transport/types.js';
import { acquireLock, type DestLock } from '../steps/lock.js';
import { preflightDest, type DestFacts } from '../steps/preflight.js';
import { dropNew, restoreDump, type PreparedRestore } from '../steps/restore.js';
import { runCommands } from '../steps/post-commands.js';
import { runPostRestoreSql } from '../steps/post-sql.js';
import { swapIn, dropRetired } from '../steps/swap.js';
import { verifyRestore } from '../steps/verify.js';
import { StepError } from '../steps/errors.js';
import { checksStep, migrateStep, rehearsalEndStep } from './db-before-swap.js';
import { endRehearsal } from '../steps/rehearsal.js';
import { newDbName } from '../steps/sql.js';
import { LeakFound } from '../steps/mask-leak.js';
import type { DbRunContext } from './db-context.js';
import type { StepResult } from './tracker.js';
import type { MaskingRun } from './db-mask.js';

/** Where a destination stands; `out` once a step of its own failed (it takes no further part). */
export type DestPhase = 'new' | 'ready' | 'locked' | 'received' | 'restored' | 'done' | 'out';

export class DestinationRun {
  // Parameters
  readonly host: string;
  private readonly h: Host;

  // Internal state
  phase: DestPhase = 'new';
  facts?: DestFacts;
  lock?: DestLock;
  /** The restore made while the dump streamed in (pipelined); else it restores from the file. */
  prepared?: PreparedRestore;
  /** This destination's entry in the report's `destinations`. */
  readonly report: Record<string, unknown>;
  /** A masked sync in swap mode: the masked rows going in while the restore runs. */
  private earlyMask?: Promise<Record<string, number>>;

  constructor(
    readonly ctx: DbRunContext,
    readonly plan: DbDestinationPlan,
    /** The run's shared state: the report's `destinations` (by host), and the older generations
     * being dropped after a swap (the run waits for them before unlocking). */
    private readonly run: { reports: Record<string, Record<string, unknown>>; retiring: Promise<void>[]; masking?: MaskingRun },
  ) {
    this.host = plan.host;
    this.h = ctx.hostOf(plan.host);
    this.report = { database: plan.database, mode: plan.mode };
  }

  /** The destination host (where its databases are). */
  get dbHost(): Host {
    return this.h;
  }

  /** In the report's `destinations` once it gets to its restore. */
  listInReport(): void {
    this.run.reports[this.host] = this.report;
  }

  get live(): boolean {
    return this.phase !== 'out';
  }

  /** The step's outcome; a failure takes this destination out of the run. */
  async step<T>(action: RunAction, fn: () => Promise<{ value: T; outcome?: 'ok' | 'changed'; detail?: string; data?: Record<string, unknown> }>, where = this.host): Promise<StepResult<T>> {
    const r = await this.ctx.tracker.step(where, action, fn);
    if (r.status !== 'ok') this.phase = 'out';
    return r;
  }

  /** Recorded against this destination without running anything (a check across hosts, the move). */
  failWith(action: RunAction, err: unknown): void {
    this.ctx.tracker.fail(this.host, action, err);
    this.phase = 'out';
  }

  async preflight(): Promise<void> {
    const d = this.plan;
    await this.step('preflight', async () => {
      await this.h.connect();
      const f = await preflightDest(this.h, { backupUser: d.backupUser, database: d.database, tmpDir: d.tmpDir, mode: d.mode, pg: d.pg });
      this.facts = f;
      this.phase = 'ready';
      return { value: f, outcome: 'ok', detail: `PostgreSQL ${f.serverMajor}` };
    });
  }

  async takeLock(): Promise<void> {
    const d = this.plan;
    await this.step('lock', async () => {
      const lock = await acquireLock(this.h, { database: d.database, backupUser: d.backupUser, pg: d.pg, timeoutMs: d.lockTimeoutSec * 1000, onWait: (m) => this.ctx.output.info(m) });
      this.lock = lock;
      this.phase = 'locked';
      return { value: lock, outcome: 'ok', detail: `holding the stagesync lock on ${d.database}` };
    });
  }

  /** One hook of the plan (a pre-, post- or always-command), here or on the controller. */
  async hook(action: 'pre_restore_commands' | 'post_restore_commands' | 'always_commands', hook: HookCommand): Promise<boolean> {
    const where = hook.host === 'localhost' ? 'localhost' : this.host;
    const r = await this.step(
      action,
      async () => {
        const cmd = { command: hook.command, ...(hook.becomeUser ? { becomeUser: hook.becomeUser } : {}) };
        const out = await runCommands(this.ctx.hostOf(where), [cmd], { signal: this.ctx.signal, step: action });
        return { value: out, detail: hook.command, data: { command: hook.command, output: out[0]?.output ?? '' } };
      },
      where,
    );
    return r.status === 'ok';
  }

  /**
   * The plan's steps for this destination after the move, in order: restore (from the file,
   * unless it was done during the move), post-restore SQL, verify, migrations and checks on the
   * new copy, swap mode's pre-restore hooks and the swap (or a rehearsal's end), post-restore
   * hooks. A failure before the swap drops the new copy.
   */
  async walk(steps: PlanStep[], from: string | undefined): Promise<void> {
    const { resume } = this.ctx;
    const restoring = steps.filter((s) => s.action !== 'post_restore_commands');
    if (this.ctx.signal.aborted) {
      this.phase = 'out';
      return;
    }
    this.listInReport();
    if (resume.restored.has(this.host)) {
      const done = this.ctx.plan.command === 'rehearse' ? 'rehearsed' : 'replaced';
      this.ctx.output.info(`${this.host}: resumed: ${this.plan.database} was already ${done} by the previous attempt`);
    } else {
      if (!(await this.restoreChain(restoring, from))) return;
      resume.restored.add(this.host);
    }
    this.phase = 'restored';
    if (!resume.finished.has(this.host)) {
      for (const s of steps) if (s.action === 'post_restore_commands' && !(await this.hook(s.action, s.hook))) return;
    }
    resume.finished.add(this.host);
    this.phase = 'done';
  }

  private async restoreChain(steps: PlanStep[], from: string | undefined): Promise<boolean> {
    let into = this.prepared;
    for (const s of steps) {
      if (s.action === 'restore') {
        if (s.from === 'file' || !this.prepared) into = await this.restoreFile(from);
      } else if (s.action === 'pre_restore_commands') {
        await this.hook(s.action, s.hook);
      } else if (into && (s.action === 'mask' || s.action === 'leak_check')) {
        await this.masked(s.action, into, from);
      } else if (into && (s.action === 'post_restore_sql' || s.action === 'verify' || s.action === 'swap')) {
        await this.after(s.action, into);
      } else if (into && s.action === 'migrate') {
        await migrateStep(this, s, into);
      } else if (into && s.action === 'checks') {
        await checksStep(this, into);
      } else if (s.action === 'rehearsal_end') {
        await rehearsalEndStep(this, s);
      }
      if (!this.live || !into) {
        // Before the swap nothing of the live database was touched: drop the new copy, keep it as it was.
        if (this.plan.mode === 'swap' && into) await this.dropNewCopy(steps);
        this.phase = 'out';
        return false;
      }
    }
    return true;
  }

  private async restoreFile(from: string | undefined): Promise<PreparedRestore | undefined> {
    const d = this.plan;
    const r = await this.step('restore', async () => {
      if (!from) throw new StepError(d.host, 'restore', 'the dump is not on this host');
      const p = { database: d.database, role: d.role, backupUser: d.backupUser, mode: d.mode, excludeTables: d.excludeTables, fkConstraints: d.fkConstraints, jobs: d.jobs, pg: d.pg, ...(this.run.masking ? { sections: 'data' as const } : {}) };
      const restoring = restoreDump(this.h, { ...p, postRestoreSql: d.postRestoreSql, dumpPath: from, signal: this.ctx.signal });
      this.maskWhileRestoring(restoring);
      const prepared = await restoring;
      return { value: prepared, detail: this.restoredDetail(prepared) };
    });
    return r.status === 'ok' ? r.value : undefined;
  }

  /** The restore step's detail; the report's restoredInto and excluded; typos in excludes warned. */
  restoredDetail(r: PreparedRestore): string {
    for (const x of r.unmatchedExcludes) this.ctx.output.warn(`${this.host}: stagesync_restore_exclude_tables: ${x} matched no table of the dump`);
    this.report.restoredInto = r.restoredInto;
    this.report.excluded = r.excluded;
    return `${r.tables.length} tables into ${r.restoredInto}${r.excluded.length ? `, ${r.excluded.length} excluded` : ''}`;
  }

  private async after(action: 'post_restore_sql' | 'verify' | 'swap', into: PreparedRestore): Promise<void> {
    const d = this.plan;
    const t = { host: this.h, backupUser: d.backupUser, pg: d.pg };
    if (action === 'post_restore_sql') {
      await this.step(action, async () => {
        const r = await runPostRestoreSql(this.h, { database: into.restoredInto, role: d.role, backupUser: d.backupUser, statements: d.postRestoreSql, pg: this.facts?.pg ?? d.pg, signal: this.ctx.signal });
        this.report.postRestoreSql = r.statements;
        return { value: r, detail: r.statements.map((s) => `${s.command} ${s.rowCount ?? ''}`.trim()).join(', ') };
      });
    } else if (action === 'verify') {
      await this.step(action, async () => {
        const r = await verifyRestore(t, into.restoredInto, into.tables);
        this.report.rowCounts = r.rowCounts;
        const rows = Object.values(r.rowCounts).reduce((a, b) => a + b, 0);
        return { value: r, outcome: 'ok', detail: `${r.tables} tables present, ${rows} rows` };
      });
    } else {
      await this.step(action, async () => {
        this.lock?.assertHeld();
        const r = await swapIn(t, d.database);
        // The generation before: dropped while the run goes on (a large one takes seconds).
        if (r.retired) this.run.retiring.push(dropRetired(t, d.database).catch((e: Error) => this.ctx.output.warn(`${d.host}: cannot drop ${r.retired}: ${e.message}`)));
        this.report.swapped = true;
        this.report.previous = r.previous ?? null;
        return { value: r, detail: r.previous ? `${d.database} is the new copy; the old one is ${r.previous}` : `${d.database} created` };
      });
    }
  }

  /** Swap mode, masked: the rows of the masked tables go into the fresh copy beside the restore. */
  maskWhileRestoring(restoring: Promise<unknown>): void {
    const m = this.run.masking;
    if (!m || this.plan.mode !== 'swap') return;
    this.earlyMask = m.copyWhileRestoring({ host: this.h, backupUser: this.plan.backupUser, database: newDbName(this.plan.database), ...(this.facts?.pg ? { pg: this.facts.pg } : {}) }, restoring);
  }

  /** A masked sync: the masked rows and post-data into the new copy; the leak check before the swap. */
  private async masked(action: 'mask' | 'leak_check', into: PreparedRestore, dumpPath: string | undefined): Promise<void> {
    const d = this.plan;
    const masking = this.run.masking;
    const target = () => {
      if (!masking || !dumpPath) throw new StepError(d.host, action, 'the dump is not on this host');
      const restored = new Set(into.tables.map((t) => `${t.schema}.${t.name}`));
      return { masking, t: { host: this.h, backupUser: d.backupUser, role: d.role, database: into.restoredInto, dumpPath, excludeTables: d.excludeTables, fkConstraints: d.fkConstraints, restored, ...(this.facts?.pg ? { pg: this.facts.pg } : {}) } };
    };
    if (action === 'mask') {
      await this.step(action, async () => {
        const { masking: m, t } = target();
        const rows = await m.load(t, this.earlyMask);
        this.report.masked = rows;
        const total = Object.values(rows).reduce((a, b) => a + b, 0);
        return { value: rows, detail: `${total} masked rows in ${Object.keys(rows).length} table(s); indexes and constraints built on them`, data: { rows } };
      });
    } else {
      await this.step(action, async () => {
        const { masking: m, t } = target();
        const r = await m.leaks(t).catch((e: unknown) => {
          if (e instanceof LeakFound) this.report.leakCheck = e.results;
          throw e;
        });
        this.report.leakCheck = r;
        return { value: r, outcome: 'ok', detail: `${r.length} column(s), ${r.reduce((a, c) => a + c.sampled, 0)} production values compared: none in the new copy` };
      });
    }
  }

  /** A rehearsal with --keep keeps the failed copy for inspection too (as `<db>_stagesync_rehearsal`). */
  private async dropNewCopy(steps: PlanStep[]): Promise<void> {
    const keep = steps.some((s) => s.action === 'rehearsal_end' && s.keep);
    try {
      if (keep) await endRehearsal({ host: this.h, backupUser: this.plan.backupUser, pg: this.plan.pg }, this.plan.database, true);
      else await dropNew(this.h, { database: this.plan.database, backupUser: this.plan.backupUser, pg: this.plan.pg });
    } catch (e) {
      // The step's own failure is already told; the leftover is named, and the next run's cleanup drops it.
      this.ctx.output.warn(`${this.host}: cannot drop ${this.plan.database}_stagesync_new: ${(e as Error).message}`);
    }
  }
}
