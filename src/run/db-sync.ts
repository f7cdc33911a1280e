// Carries out the database part of a plan (docs/run.md, steps 1–6 and 8): preflight, lock,
// backup, move, restore → post-restore SQL → verify → swap, hooks, cleanup. Destinations
// that fail drop out; the others go on (as Ansible removes a failed host from the play).
import pLimit from 'p-limit';
import { mib } from '../util/units.js';
import type { DbDestinationPlan, DbSourcePlan, HookCommand, Plan } from '../plan/types.js';
import type { Host } from '../transport/types.js';
import { acquireLock, type DestLock } from '../steps/lock.js';
import { backup, installScripts } from '../steps/backup.js';
import { checkCompat, preflightDest, preflightSource, type DestFacts } from '../steps/preflight.js';
import { cleanupDest } from '../steps/cleanup.js';
import { dropNew, restoreDump, type PreparedRestore } from '../steps/restore.js';
import { move, type MoveResult } from '../steps/move.js';
import { runCommands } from '../steps/post-commands.js';
import { runPostRestoreSql } from '../steps/post-sql.js';
import { swapIn, dropRetired } from '../steps/swap.js';
import { verifyRestore } from '../steps/verify.js';
import { StepError, UpstreamFailed } from '../steps/errors.js';
import { streamDump, type StreamRun } from '../steps/stream.js';
import { fileDigest } from '../steps/digest.js';
import type { PgConn } from '../steps/sql.js';
import { prepareDirs } from '../steps/prepare-dirs.js';
import { sayLeftovers } from './leftovers.js';
import { HostFailed, type StepDone, type Tracker } from './tracker.js';
import type { RunOutput } from './output.js';

export interface DbRunContext {
  plan: Plan;
  hostOf(name: string): Host;
  tracker: Tracker;
  output: RunOutput;
  signal: AbortSignal;
  /** Sets a key of the report (dump, destinations). */
  record(key: string, value: unknown): void;
  /** What earlier attempts achieved (retries resume after the last completed step). */
  resume: DbResume;
  /** True when this attempt's failures will be retried: the moved dumps are kept for it. */
  willRetry(): boolean;
}

/** Progress that survives an attempt, so a retry neither dumps nor moves again needlessly. */
export interface DbResume {
  dump?: { path: string; size: number };
  /** Destinations holding the moved dump: its path there and sha256. */
  delivered: Map<string, { path: string; sha256: string }>;
  /** Destinations whose new copy is swapped in (or restored in place). */
  restored: Set<string>;
  /** Destinations whose post-restore commands ran. */
  finished: Set<string>;
}

export const freshResume = (): DbResume => ({ delivered: new Map(), restored: new Set(), finished: new Set() });

const dirOf = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';

export async function runDbSync(ctx: DbRunContext): Promise<void> {
  const db = ctx.plan.db;
  if (!db) return;
  const { source } = db;
  const { tracker } = ctx;
  const limit = pLimit(ctx.plan.forks);
  let live = db.destinations.slice();
  const drop = (host: string) => {
    live = live.filter((d) => d.host !== host);
  };
  const locks = new Map<string, DestLock>();
  let dumpPath: string | undefined;
  const movedTo = new Set<string>();
  const retiring: Promise<void>[] = [];
  const destReport: Record<string, Record<string, unknown>> = {};
  ctx.record('destinations', destReport);

  try {
    // 1. Preflight: every host, before anything is written anywhere.
    const src = ctx.hostOf(source.host);
    const destFacts = new Map<string, DestFacts>();
    const [sourceFacts] = await Promise.all([
      tracker
        .step(source.host, 'preflight', async () => {
          await src.connect();
          const f = await preflightSource(src, { backupUser: source.backupUser, database: source.database, backupsDir: source.backupsDir });
          return { value: f, outcome: 'ok', detail: `PostgreSQL ${f.serverMajor}, ${source.database} ${f.dbSize === undefined ? 'missing' : mib(f.dbSize)}` };
        })
        .catch(() => undefined),
      ...live.map((d) =>
        limit(() =>
          tracker
            .step(d.host, 'preflight', async () => {
              const h = ctx.hostOf(d.host);
              await h.connect();
              const f = await preflightDest(h, { backupUser: d.backupUser, database: d.database, tmpDir: d.tmpDir, mode: d.mode });
              destFacts.set(d.host, f);
              return { value: f, outcome: 'ok', detail: `PostgreSQL ${f.serverMajor}` };
            })
            .catch(() => drop(d.host)),
        ),
      ),
    ]);
    if (!sourceFacts) return failRest(ctx, live, 'the source failed its preflight');
    // Across hosts: dump format vs pg_restore, disk room. Errors stop that host before anything moves.
    const problems = checkCompat({ source: sourceFacts, dests: live.map((d) => destFacts.get(d.host)!).filter(Boolean) });
    for (const p of problems.filter((x) => x.level === 'warning')) ctx.output.warn(`${p.host}: ${p.problem}`);
    const blocking = problems.filter((p) => p.level === 'error');
    if (blocking.some((p) => p.host === source.host)) {
      const why = blocking.filter((p) => p.host === source.host).map((p) => p.problem).join('; ');
      await tracker.step(source.host, 'compatibility', async () => Promise.reject(new StepError(source.host, 'preflight', why))).catch(() => undefined);
      return failRest(ctx, live, 'the source cannot be dumped');
    }
    for (const host of new Set(blocking.map((p) => p.host))) {
      const why = blocking.filter((p) => p.host === host).map((p) => p.problem).join('; ');
      await tracker.step(host, 'compatibility', async () => Promise.reject(new StepError(host, 'preflight', why))).catch(() => drop(host));
    }
    if (live.length === 0) return;

    // 2. Lock each destination: two runs never write the same one.
    await Promise.all(
      live.map((d) =>
        tracker
          .step(d.host, 'lock', async () => {
            const lock = await acquireLock(ctx.hostOf(d.host), {
              database: d.database,
              backupUser: d.backupUser,
              timeoutMs: d.lockTimeoutSec * 1000,
              onWait: (m) => ctx.output.info(m),
            });
            locks.set(d.host, lock);
            return { value: lock, outcome: 'ok', detail: `holding the stagesync lock on ${d.database}` };
          })
          .catch(() => drop(d.host)),
      ),
    );
    if (live.length === 0) return;
    await sayLeftovers(ctx, source, live);

    // 3–4. Backup and move. Pipelined (the rendered script streams, first attempt): the move and
    // the one-job restores run while the dump is written. Otherwise the complete dump is moved.
    const { resume } = ctx;
    const prepared = new Map<string, PreparedRestore>();
    const pipelined = source.pipelined && !resume.dump;
    if (pipelined) {
      // in_place restores write the live database from their first byte: their hooks come first.
      await forEachDest(ctx, live.filter((d) => d.pipelined && d.mode === 'in_place'), limit, drop, (d) => runHooks(ctx, d, d.preRestoreCommands, 'pre_restore_commands'));
      if (live.length === 0) return;
    }
    const sent = pipelined ? await streamBackup(ctx, src, live, prepared, drop, destReport) : await fileBackup(ctx, src, live);
    if (!sent.backed) return failRest(ctx, live.filter((d) => !prepared.has(d.host) && !(pipelined && d.pipelined)), 'no dump to restore: the backup failed');
    dumpPath = sent.backed.path;
    const moved = sent.moved;
    ctx.record('dump', { path: sent.backed.path, bytes: sent.backed.size, ...(moved ? { sha256: moved.sha256 } : {}) });
    if (!moved) return failRest(ctx, live.filter((d) => !(pipelined && d.pipelined)), 'the dump did not reach any destination');
    for (const f of moved.failed) {
      // A pipelined destination's restore step has already told its failure.
      if (pipelined && live.find((d) => d.host === f.host)?.pipelined) drop(f.host);
      else await tracker.step(f.host, 'receive', async () => Promise.reject(f.error)).catch(() => drop(f.host));
    }
    for (const d of live) if (resume.delivered.has(d.host) || resume.restored.has(d.host)) movedTo.add(d.host);

    // 5. Pre-restore hooks of in_place restores from the file (e.g. maintenance mode on): as late
    // as possible, so the staging app is down only while its database is replaced.
    await forEachDest(ctx, live.filter((d) => d.mode === 'in_place' && !prepared.has(d.host) && !resume.restored.has(d.host)), limit, drop, (d) =>
      runHooks(ctx, d, d.preRestoreCommands, 'pre_restore_commands'),
    );
    if (live.length === 0) return;

    // 6. Restore on each destination (forks bound the parallel restores), or what follows a
    // restore done during the move; then swap mode's pre-restore hooks and the swap.
    await forEachDest(ctx, live, limit, drop, async (d) => {
      const h = ctx.hostOf(d.host);
      const lock = locks.get(d.host)!;
      destReport[d.host] ??= { database: d.database, mode: d.mode };
      if (resume.restored.has(d.host)) {
        ctx.output.info(`${d.host}: resumed: ${d.database} was already replaced by the previous attempt`);
      } else {
        const destDump = resume.delivered.get(d.host);
        if (!destDump) throw new StepError(d.host, 'restore', 'the dump is not on this host');
        await restoreOne(ctx, d, h, lock, prepared.get(d.host) ?? destDump.path, destReport[d.host]!, retiring, destFacts.get(d.host)?.pg);
        resume.restored.add(d.host);
      }
      if (d.postRestoreCommands.length && !resume.finished.has(d.host)) await runHooks(ctx, d, d.postRestoreCommands, 'post_restore_commands');
      resume.finished.add(d.host);
    });
  } finally {
    await finish(ctx, db.destinations, locks, dumpPath, movedTo, source, retiring);
  }
}

/** Restore from the moved file (unless done during the move), post-restore SQL, verify, swap. */
async function restoreOne(
  ctx: DbRunContext,
  d: DbDestinationPlan,
  h: Host,
  lock: DestLock,
  from: string | PreparedRestore,
  rep: Record<string, unknown>,
  retiring: Promise<void>[],
  /** Where preflight's psql reached the server (the post-restore SQL relay connects there). */
  pg?: PgConn,
): Promise<void> {
  const { tracker } = ctx;
  const dumpPath = typeof from === 'string' ? from : '';
  const prepared = typeof from !== 'string' ? from : await tracker.step(d.host, 'restore', async () => {
    const r: PreparedRestore = await restoreDump(h, {
      database: d.database,
      role: d.role,
      backupUser: d.backupUser,
      mode: d.mode,
      excludeTables: d.excludeTables,
      fkConstraints: d.fkConstraints,
      jobs: d.jobs,
      postRestoreSql: d.postRestoreSql,
      dumpPath,
      signal: ctx.signal,
    });
    return { value: r, detail: restoredDetail(ctx, d, r, rep) };
  });
  const t = { host: h, backupUser: d.backupUser };
  try {
    if (d.postRestoreSql.length) {
      await tracker.step(d.host, 'post_restore_sql', async () => {
        const r = await runPostRestoreSql(h, { database: prepared.restoredInto, role: d.role, backupUser: d.backupUser, statements: d.postRestoreSql, pg, signal: ctx.signal });
        rep.postRestoreSql = r.statements;
        return { value: r, detail: r.statements.map((s) => `${s.command} ${s.rowCount ?? ''}`.trim()).join(', ') };
      });
    }
    await tracker.step(d.host, 'verify', async () => {
      const r = await verifyRestore(t, prepared.restoredInto, prepared.tables);
      rep.rowCounts = r.rowCounts;
      const rows = Object.values(r.rowCounts).reduce((a, b) => a + b, 0);
      return { value: r, outcome: 'ok', detail: `${r.tables} tables present, ${rows} rows` };
    });
    if (d.mode === 'swap') {
      // Maintenance on (say) only now: until the swap, the live database was never touched.
      await runHooks(ctx, d, d.preRestoreCommands, 'pre_restore_commands');
      await tracker.step(d.host, 'swap', async () => {
        lock.assertHeld();
        const r = await swapIn(t, d.database);
        // The generation before: dropped while the run goes on (a large one takes seconds).
        if (r.retired) retiring.push(dropRetired(t, d.database).catch((e: Error) => ctx.output.warn(`${d.host}: cannot drop ${r.retired}: ${e.message}`)));
        rep.swapped = true;
        rep.previous = r.previous ?? null;
        return { value: r, detail: r.previous ? `${d.database} is the new copy; the old one is ${r.previous}` : `${d.database} created` };
      });
    }
  } catch (e) {
    // Before the swap nothing of the live database was touched: drop the new copy, keep it as it was.
    if (d.mode === 'swap') await dropNew(h, { database: d.database, backupUser: d.backupUser }).catch(() => undefined);
    throw e;
  }
}

/** The restore step's detail; the report's restoredInto and excluded; typos in excludes warned. */
function restoredDetail(ctx: DbRunContext, d: DbDestinationPlan, r: PreparedRestore, rep: Record<string, unknown>): string {
  for (const x of r.unmatchedExcludes) ctx.output.warn(`${d.host}: stagesync_restore_exclude_tables: ${x} matched no table of the dump`);
  rep.restoredInto = r.restoredInto;
  rep.excluded = r.excluded;
  return `${r.tables.length} tables into ${r.restoredInto}${r.excluded.length ? `, ${r.excluded.length} excluded` : ''}`;
}

interface Sent {
  /** The dump on the source; absent when the backup failed. */
  backed?: { path: string; size: number };
  /** sha256 and the destinations the move failed for; absent when it reached none. */
  moved?: { sha256: string; failed: { host: string; error: Error }[] };
}

/** Dump, then move the complete file (a retry reuses the dump and the copies still intact). */
async function fileBackup(ctx: DbRunContext, src: Host, live: DbDestinationPlan[]): Promise<Sent> {
  const { tracker, resume } = ctx;
  const source = ctx.plan.db!.source;
  const backed = await tracker
    .step(source.host, 'backup', async () => {
      if (resume.dump) {
        return { value: resume.dump, outcome: 'ok', detail: `resumed: ${resume.dump.path} from the previous attempt` };
      }
      const r = await withScriptLock(ctx, src, () => backup(src, { ...backupParams(source), signal: ctx.signal }));
      resume.dump = { path: r.dump.path, size: r.dump.size };
      return {
        value: resume.dump,
        outcome: r.ran || r.installed.length ? 'changed' : 'ok',
        detail: `${r.dump.path}, ${mib(r.dump.size)}`,
        data: { dump: r.dump.path, bytes: r.dump.size, installed: r.installed, ran: r.ran },
      };
    })
    .catch(() => undefined);
  if (!backed) return {};

  // A retry moves only to the destinations whose copy of the dump is missing or no longer
  // matches its sha256.
  const stillThere = await keptDeliveries(ctx, live.filter((d) => !resume.restored.has(d.host)));
  const toMove = live.filter((d) => !resume.restored.has(d.host) && !stillThere.has(d.host));
  const moved = await tracker
    .step(source.host, 'move', async () => {
      if (toMove.length === 0) {
        const sha = [...resume.delivered.values()][0]?.sha256 ?? '';
        return { value: { sha256: sha, failed: [] }, outcome: 'ok', detail: 'resumed: the dump is already on every destination' };
      }
      const r = await move({
        dumpPath: backed.path,
        source: { host: src, backupUser: source.backupUser },
        dests: toMove.map((d) => ({ host: ctx.hostOf(d.host), backupUser: d.backupUser, tmpDir: d.tmpDir })),
        signal: ctx.signal,
        onProgress: progressOf(ctx, source.host, backed.size),
      });
      return movedOutcome(ctx, r);
    })
    .catch(() => undefined);
  return { backed, ...(moved ? { moved } : {}) };
}

/**
 * Dump, move and one-job restores at once (src/steps/stream.ts): the backup, the move and each
 * such restore are steps of their own, running together. Restores done here go into `prepared`.
 */
async function streamBackup(
  ctx: DbRunContext,
  src: Host,
  live: DbDestinationPlan[],
  prepared: Map<string, PreparedRestore>,
  drop: (host: string) => void,
  destReport: Record<string, Record<string, unknown>>,
): Promise<Sent> {
  const { tracker, resume } = ctx;
  const source = ctx.plan.db!.source;
  let started!: (s: StreamRun | undefined) => void;
  const stream = new Promise<StreamRun | undefined>((resolve) => (started = resolve));
  const streamOf = async (host: string, step: string) => {
    const s = await stream;
    if (!s) throw new UpstreamFailed(host, step, `the backup on ${source.host} did not start`);
    return s;
  };

  const backed = tracker
    .step(source.host, 'backup', async () => {
      try {
        return await withScriptLock(ctx, src, async () => {
          const installed = await installScripts(src, backupParams(source));
          const s = streamDump({
            source: { host: src, backupUser: source.backupUser, backupScript: source.backupScript, database: source.database },
            dests: live.map((d) => ({
              host: ctx.hostOf(d.host),
              backupUser: d.backupUser,
              tmpDir: d.tmpDir,
              ...(d.pipelined ? { restore: { database: d.database, role: d.role, mode: d.mode, excludeTables: d.excludeTables, fkConstraints: d.fkConstraints } } : {}),
            })),
            signal: ctx.signal,
            onProgress: progressOf(ctx, source.host),
          });
          started(s);
          const dump = await s.backup;
          resume.dump = { path: dump.path, size: dump.size };
          return {
            value: resume.dump,
            detail: `${dump.path}, ${mib(dump.size)}, sent on while written`,
            data: { dump: dump.path, bytes: dump.size, installed, ran: true, pipelined: true },
          };
        });
      } finally {
        started(undefined);
      }
    })
    .catch(() => undefined);

  const moved = tracker
    .step(source.host, 'move', async () => movedOutcome(ctx, await (await streamOf(source.host, 'move')).move))
    .catch(() => undefined);

  const restored = live
    .filter((d) => d.pipelined)
    .map((d) =>
      tracker
        .step(d.host, 'restore', async () => {
          const r = await (await streamOf(d.host, 'restore')).restores.get(d.host)!;
          destReport[d.host] = { database: d.database, mode: d.mode };
          return { value: r, detail: `${restoredDetail(ctx, d, r, destReport[d.host]!)}, as the dump arrived` };
        })
        .then((r) => void prepared.set(d.host, r))
        .catch(() => drop(d.host)),
    );
  const [b, m] = await Promise.all([backed, moved, ...restored]);
  return { ...(b ? { backed: b } : {}), ...(m ? { moved: m } : {}) };
}

/** Pairs sharing a source host share its backup script: one run at a time installs and runs it,
 * so no run executes a script another pair rendered with other settings. */
async function withScriptLock<T>(ctx: DbRunContext, src: Host, fn: () => Promise<T>): Promise<T> {
  const source = ctx.plan.db!.source;
  const scriptDirs = source.createScripts ? [dirOf(source.backupScript), dirOf(source.cleanupScript)] : [];
  const scriptLock = await acquireLock(src, {
    database: `backup-script:${source.backupScript}`,
    backupUser: source.backupUser,
    onWait: () => ctx.output.info(`${source.host}: waiting for another run's backup with ${source.backupScript}`),
  });
  try {
    if (source.executeBackup) await prepareDirs(src, { dirs: [source.backupsDir, ...scriptDirs], owner: source.backupUser, group: source.backupGroup });
    return await fn();
  } finally {
    await scriptLock.release().catch(() => undefined);
  }
}

/** The move step's result: deliveries remembered for a retry; fails only when none arrived. */
function movedOutcome(ctx: DbRunContext, r: MoveResult): StepDone<NonNullable<Sent['moved']>> {
  const host = ctx.plan.db!.source.host;
  for (const x of r.dests) if (x.ok) ctx.resume.delivered.set(x.host, { path: x.path, sha256: x.sha256 });
  const failed = r.dests.flatMap((x) => (x.ok ? [] : [{ host: x.host, error: x.error }]));
  if (failed.length === r.dests.length) throw new StepError(host, 'move', failed.map((x) => x.error.message).join('; '));
  return { value: { sha256: r.sha256, failed }, detail: `${mib(r.bytes)} to ${r.dests.length - failed.length} host(s), sha256 ${r.sha256.slice(0, 16)}…`, data: { bytes: r.bytes, sha256: r.sha256 } };
}

/** Runs `fn` per live destination (bounded by forks); a failing host drops out of the run. */
async function forEachDest(
  ctx: DbRunContext,
  live: DbDestinationPlan[],
  limit: ReturnType<typeof pLimit>,
  drop: (host: string) => void,
  fn: (d: DbDestinationPlan) => Promise<void>,
): Promise<void> {
  await Promise.all(
    live.map((d) =>
      limit(async () => {
        if (ctx.signal.aborted) return drop(d.host);
        try {
          await fn(d);
        } catch (e) {
          if (!(e instanceof HostFailed)) {
            await ctx.tracker.step(d.host, 'restore', async () => Promise.reject(e)).catch(() => undefined);
          }
          drop(d.host);
        }
      }),
    ),
  );
}

async function runHooks(ctx: DbRunContext, d: DbDestinationPlan, hooks: HookCommand[], action: string): Promise<void> {
  for (const hook of hooks) {
    const where = hook.host === 'localhost' ? 'localhost' : d.host;
    await ctx.tracker.step(where, action, async () => {
      const r = await runCommands(ctx.hostOf(where), [{ command: hook.command, ...(hook.becomeUser ? { becomeUser: hook.becomeUser } : {}) }], { signal: ctx.signal, step: action });
      return { value: r, detail: hook.command, data: { command: hook.command, output: r[0]?.output ?? '' } };
    });
  }
}

/** Always: always-commands, cleanup of temporary dumps and databases, locks released. */
async function finish(
  ctx: DbRunContext,
  destinations: DbDestinationPlan[],
  locks: Map<string, DestLock>,
  dumpPath: string | undefined,
  movedTo: Set<string>,
  source: DbSourcePlan,
  retiring: Promise<void>[],
): Promise<void> {
  for (const d of destinations) {
    if (!locks.has(d.host)) continue;
    for (const hook of d.alwaysCommands) {
      await runHooks(ctx, d, [hook], 'always_commands').catch(() => undefined);
    }
  }
  // A retry coming reuses the dumps already moved (checked against their sha256 first).
  const keepDumps = ctx.willRetry();
  // The destinations' cleanups and the source's retention touch different hosts: side by side.
  const dests = Promise.all(
    destinations
      .filter((d) => locks.has(d.host))
      .map((d) =>
        ctx.tracker
          .step(d.host, 'cleanup', async () => {
            const r = await cleanupDest(ctx.hostOf(d.host), {
              database: d.database,
              backupUser: d.backupUser,
              tmpDir: d.tmpDir,
              ...(dumpPath && !(keepDumps && ctx.resume.delivered.has(d.host)) ? { dumpPath } : {}),
              // Swapped in: its _stagesync_new is now the live database (no psql round trip to ask).
              keepNewDb: d.mode === 'in_place' || ctx.resume.restored.has(d.host),
            });
            return { value: r, outcome: r.removedFiles && movedTo.has(d.host) ? 'changed' : r.droppedNewDb ? 'changed' : 'ok' };
          })
          .catch(() => undefined)
          // Older generations (dropping during the cleanup) are gone before the locks go.
          .finally(() => Promise.all(retiring).then(() => locks.get(d.host)!.release().catch(() => undefined))),
      ),
  );
  await Promise.all([dests, retention(ctx, dumpPath, source, keepDumps)]);
}

/** Retention on the source, with the rendered cleanup script (never the host's own files). */
async function retention(ctx: DbRunContext, dumpPath: string | undefined, source: DbSourcePlan, keepDumps: boolean): Promise<void> {
  if (dumpPath && source.createScripts && source.cleanupScriptContent && !keepDumps) {
    await ctx.tracker
      .step(source.host, 'cleanup', async () => {
        // From /: sudo keeps the login user's cwd, which the backup user may not enter.
        const r = await ctx.hostOf(source.host).exec({ argv: ['sh', '-c', 'cd / && exec "$0"', source.cleanupScript] }, { become: { user: source.backupUser } });
        if (r.code !== 0) throw new StepError(source.host, 'cleanup', `${source.cleanupScript} exited with ${r.code}`, r.stderr.trim());
        const removed = r.stdout.trim().split('\n').filter(Boolean).length;
        return { value: r, outcome: removed ? 'changed' : 'ok', detail: removed ? `${removed} dump(s) past the retention removed` : 'no dump past the retention' };
      })
      .catch(() => undefined);
  }
}

/** Destinations still in the run are skipped once the source side has failed. */
function failRest(ctx: DbRunContext, live: DbDestinationPlan[], reason: string): void {
  for (const d of live) ctx.tracker.skip(d.host, 'restore', reason);
}

function backupParams(s: DbSourcePlan) {
  return {
    database: s.database,
    backupUser: s.backupUser,
    backupGroup: s.backupGroup,
    backupScript: s.backupScript,
    cleanupScript: s.cleanupScript,
    createScripts: s.createScripts,
    ...(s.backupScriptContent ? { backupScriptContent: s.backupScriptContent } : {}),
    ...(s.cleanupScriptContent ? { cleanupScriptContent: s.cleanupScriptContent } : {}),
    executeBackup: s.executeBackup,
    backupsDir: s.backupsDir,
  };
}

/** Live bytes and rate of the move (the output decides how often to show it); no total while the dump is written. */
function progressOf(ctx: DbRunContext, host: string, total?: number): (bytes: number) => void {
  const started = Date.now();
  return (bytes) => {
    const rate = mib(bytes / Math.max(0.001, (Date.now() - started) / 1000));
    const text = total === undefined ? `${mib(bytes)} (${rate}/s)` : `${mib(bytes)} of ${mib(total)} (${total ? Math.round((bytes / total) * 100) : 100}%, ${rate}/s)`;
    ctx.output.progress(host, 'move', text);
  };
}

/** Destinations that still hold the dump an earlier attempt moved there, unchanged. */
async function keptDeliveries(ctx: DbRunContext, dests: DbDestinationPlan[]): Promise<Set<string>> {
  const kept = new Set<string>();
  await Promise.all(
    dests.map(async (d) => {
      const had = ctx.resume.delivered.get(d.host);
      if (!had) return;
      const now = await fileDigest(ctx.hostOf(d.host), d.backupUser, had.path, 'move').catch(() => undefined);
      if (now?.sha256 === had.sha256) {
        kept.add(d.host);
        ctx.output.info(`${d.host}: resumed: ${had.path} is still there with sha256 ${had.sha256.slice(0, 16)}…; not moved again`);
      } else ctx.resume.delivered.delete(d.host);
    }),
  );
  return kept;
}
