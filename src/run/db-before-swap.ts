// A destination's steps on its new copy between the verify and the swap (docs/rehearsal.md):
// migrations with their lock report, checks, and a rehearsal's end (no swap). Each records what
// it found in the destination's report before it can fail, so a failed rehearsal still tells it.
import type { DbDestinationPlan, HookCommand, RunAction, StepOf } from '../plan/types.js';
import type { Host } from '../transport/types.js';
import type { DestFacts } from '../steps/preflight.js';
import { failedChecks, checkLine, runChecks, type CheckResult } from '../steps/checks.js';
import { heldLine, waitLine, type HeldLock } from '../steps/lock-report.js';
import { runMigration, type MigrateResult } from '../steps/migrate.js';
import { endRehearsal } from '../steps/rehearsal.js';
import { commandLine } from '../plan/rehearsal-summary.js';
import type { PreparedRestore } from '../steps/restore.js';
import type { DbRunContext } from './db-context.js';
import type { StepResult } from './tracker.js';

/** What these steps need of a destination (src/run/db-dest.ts's DestinationRun). */
interface DestinationRun {
  readonly host: string;
  readonly plan: DbDestinationPlan;
  readonly ctx: DbRunContext;
  readonly dbHost: Host;
  readonly facts?: DestFacts;
  readonly report: Record<string, unknown>;
  step<T>(action: RunAction, fn: () => Promise<{ value: T; outcome?: 'ok' | 'changed'; detail?: string; data?: Record<string, unknown> }>, where?: string): Promise<StepResult<T>>;
}

/** Held locks worth a line of output: on tables, in a mode that blocks writes (the report has them all). */
const BLOCKING_MODES = new Set(['SHARE', 'SHARE ROW EXCLUSIVE', 'EXCLUSIVE', 'ACCESS EXCLUSIVE']);
const worthALine = (h: HeldLock) => h.table && BLOCKING_MODES.has(h.mode);

const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

function migrationReport(r: MigrateResult): Record<string, unknown> {
  return { command: r.command, durationMs: r.durationMs, output: r.output, locks: r.locks.held, lockWaits: r.locks.waits };
}

export async function migrateStep(d: DestinationRun, s: { hook: HookCommand }, into: PreparedRestore): Promise<void> {
  const { plan, ctx } = d;
  const m = plan.migrate!;
  const where = s.hook.host === 'localhost' ? 'localhost' : d.host;
  const migrations = ((d.report.migrations as Record<string, unknown>[] | undefined) ??= []);
  const tell = (r: MigrateResult) => {
    migrations.push(migrationReport(r));
    for (const h of r.locks.held.filter(worthALine)) ctx.output.info(`${d.host}: ${heldLine(h)}`);
    for (const w of r.locks.waits) ctx.output.info(`${d.host}: ${waitLine(w)}`);
  };
  const params = {
    command: s.hook.command,
    ...(s.hook.becomeUser ? { becomeUser: s.hook.becomeUser } : {}),
    database: into.restoredInto,
    databaseUrl: m.databaseUrl,
    dbHost: d.dbHost,
    backupUser: plan.backupUser,
    sampleMs: m.sampleMs,
    maxLockSeconds: m.maxLockSeconds,
    ...(d.facts?.pg ? { pg: d.facts.pg } : {}),
    signal: ctx.signal,
  };
  await d.step(
    'migrate',
    async () => {
      const r = await runMigration(ctx.hostOf(where), params, tell);
      return { value: r, detail: migrateDetail(s.hook.command, r), data: migrationReport(r) };
    },
    where,
  );
}

/** `bin/rails db:migrate (13.1 s; longest ACCESS EXCLUSIVE 12.4 s on users; 1 lock wait(s))`. */
function migrateDetail(command: string, r: MigrateResult): string {
  const longest = r.locks.held.find((h) => h.table && h.mode === 'ACCESS EXCLUSIVE');
  const parts = [secs(r.durationMs), ...(longest ? [`longest ACCESS EXCLUSIVE ${secs(longest.heldMs)} on ${longest.relation}`] : []), ...(r.locks.waits.length ? [`${r.locks.waits.length} lock wait(s)`] : [])];
  return `${commandLine(command)} (${parts.join('; ')})`;
}

export async function checksStep(d: DestinationRun, into: PreparedRestore): Promise<void> {
  const { plan, ctx } = d;
  await d.step('checks', async () => {
    const results: CheckResult[] = await runChecks({ host: d.dbHost, backupUser: plan.backupUser, ...(d.facts?.pg ? { pg: d.facts.pg } : {}) }, into.restoredInto, plan.checks);
    d.report.checks = results;
    for (const r of results) ctx.output.info(`${d.host}: ${checkLine(r)}`);
    const failed = failedChecks(d.host, results);
    if (failed) throw failed;
    return { value: results, outcome: 'ok', detail: `${results.length} check(s) passed`, data: { checks: results } };
  });
}

export async function rehearsalEndStep(d: DestinationRun, s: StepOf<'rehearsal_end'>): Promise<void> {
  const { plan } = d;
  await d.step('rehearsal_end', async () => {
    const r = await endRehearsal({ host: d.dbHost, backupUser: plan.backupUser, ...(d.facts?.pg ? { pg: d.facts.pg } : {}) }, plan.database, s.keep);
    d.report.rehearsal = { swapped: false, ...(r.kept ? { kept: r.kept } : {}) };
    return { value: r, detail: r.kept ? `no swap; the rehearsed copy is kept as ${r.kept}` : `no swap; the rehearsed copy is dropped, ${plan.database} is as it was` };
  });
}
