// Carries out the database part of a plan (CONTRACT §5 steps 1–4 and 6): preflight, lock,
// backup, move, restore → post-restore SQL → verify → swap, hooks, cleanup. Destinations
// that fail drop out; the others go on (as Ansible removes a failed host from the play).
import pLimit from 'p-limit';
import type { DbDestinationPlan, DbSourcePlan, HookCommand, Plan } from '../plan/types.js';
import type { Host } from '../transport/types.js';
import {
  acquireLock,
  backup,
  checkCompat,
  cleanupDest,
  dropNew,
  move,
  preflightDest,
  preflightSource,
  restoreDump,
  runCommands,
  runPostRestoreSql,
  swapIn,
  verifyRestore,
  type DestFacts,
  type DestLock,
  type PreparedRestore,
} from '../steps/index.js';
import { StepError } from '../steps/errors.js';
import { prepareDirs } from '../steps/prepare-dirs.js';
import { HostFailed, type Tracker } from './tracker.js';
import type { RunOutput } from './output.js';

export interface DbRunContext {
  plan: Plan;
  hostOf(name: string): Host;
  tracker: Tracker;
  output: RunOutput;
  signal: AbortSignal;
  /** Sets a key of the report (dump, destinations). */
  record(key: string, value: unknown): void;
}

const dirOf = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';
const mib = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;

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

    // 3. Pre-restore hooks (e.g. maintenance mode on).
    await forEachDest(ctx, live, limit, drop, async (d) => {
      if (d.preRestoreCommands.length) await runHooks(ctx, d, d.preRestoreCommands, 'pre_restore_commands');
    });
    if (live.length === 0) return;

    // 4. Backup on the source.
    const backed = await tracker
      .step(source.host, 'backup', async () => {
        const scriptDirs = source.createScripts ? [dirOf(source.backupScript), dirOf(source.cleanupScript)] : [];
        if (source.executeBackup) await prepareDirs(src, { dirs: [source.backupsDir, ...scriptDirs], owner: source.backupUser, group: source.backupGroup });
        const r = await backup(src, backupParams(source));
        return {
          value: r,
          outcome: r.ran || r.installed.length ? 'changed' : 'ok',
          detail: `${r.dump.path}, ${mib(r.dump.size)}`,
          data: { dump: r.dump.path, bytes: r.dump.size, installed: r.installed, ran: r.ran },
        };
      })
      .catch(() => undefined);
    if (!backed) return failRest(ctx, live, 'no dump to restore: the backup failed');
    dumpPath = backed.dump.path;

    // 5. Move: source → controller → every destination at once.
    const moved = await tracker
      .step(source.host, 'move', async () => {
        const r = await move({
          dumpPath: backed.dump.path,
          source: { host: src, backupUser: source.backupUser },
          dests: live.map((d) => ({ host: ctx.hostOf(d.host), backupUser: d.backupUser, tmpDir: d.tmpDir })),
          signal: ctx.signal,
          onProgress: progressEvery(ctx, source.host, backed.dump.size),
        });
        const okCount = r.dests.filter((x) => x.ok).length;
        if (okCount === 0) throw new StepError(source.host, 'move', r.dests.map((x) => (x.ok ? '' : x.error.message)).join('; '));
        return { value: r, detail: `${mib(r.bytes)} to ${okCount} host(s), sha256 ${r.sha256.slice(0, 16)}…`, data: { bytes: r.bytes, sha256: r.sha256 } };
      })
      .catch(() => undefined);
    ctx.record('dump', { path: backed.dump.path, bytes: backed.dump.size, ...(moved ? { sha256: moved.sha256 } : {}) });
    if (!moved) return failRest(ctx, live, 'the dump did not reach any destination');
    for (const r of moved.dests) {
      if (r.ok) {
        movedTo.add(r.host);
        continue;
      }
      await tracker.step(r.host, 'receive', async () => Promise.reject(r.error)).catch(() => drop(r.host));
    }

    // 6. Restore on each destination (forks bound the parallel restores).
    await forEachDest(ctx, live, limit, drop, async (d) => {
      const h = ctx.hostOf(d.host);
      const lock = locks.get(d.host)!;
      const destDump = moved.dests.find((x) => x.host === d.host && x.ok) as { path: string } | undefined;
      if (!destDump) throw new StepError(d.host, 'restore', 'the dump is not on this host');
      destReport[d.host] = { database: d.database, mode: d.mode };
      await restoreOne(ctx, d, h, lock, destDump.path, destReport[d.host]!);
      if (d.postRestoreCommands.length) await runHooks(ctx, d, d.postRestoreCommands, 'post_restore_commands');
    });
  } finally {
    await finish(ctx, db.destinations, locks, dumpPath, movedTo, source);
  }
}

async function restoreOne(ctx: DbRunContext, d: DbDestinationPlan, h: Host, lock: DestLock, dumpPath: string, rep: Record<string, unknown>): Promise<void> {
  const { tracker } = ctx;
  const prepared = await tracker.step(d.host, 'restore', async () => {
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
    for (const x of r.unmatchedExcludes) ctx.output.warn(`${d.host}: stagesync_restore_exclude_tables: ${x} matched no table of the dump`);
    rep.restoredInto = r.restoredInto;
    rep.excluded = r.excluded;
    return { value: r, detail: `${r.tables.length} tables into ${r.restoredInto}${r.excluded.length ? `, ${r.excluded.length} excluded` : ''}` };
  });
  const t = { host: h, backupUser: d.backupUser };
  try {
    if (d.postRestoreSql.length) {
      await tracker.step(d.host, 'post_restore_sql', async () => {
        const r = await runPostRestoreSql(h, { database: prepared.restoredInto, role: d.role, backupUser: d.backupUser, statements: d.postRestoreSql, signal: ctx.signal });
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
      await tracker.step(d.host, 'swap', async () => {
        lock.assertHeld();
        const r = await swapIn(t, d.database);
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
): Promise<void> {
  for (const d of destinations) {
    if (!locks.has(d.host)) continue;
    for (const hook of d.alwaysCommands) {
      await runHooks(ctx, d, [hook], 'always_commands').catch(() => undefined);
    }
  }
  await Promise.all(
    destinations
      .filter((d) => locks.has(d.host))
      .map((d) =>
        ctx.tracker
          .step(d.host, 'cleanup', async () => {
            const r = await cleanupDest(ctx.hostOf(d.host), {
              database: d.database,
              backupUser: d.backupUser,
              tmpDir: d.tmpDir,
              ...(dumpPath ? { dumpPath } : {}),
              keepNewDb: d.mode === 'in_place',
            });
            return { value: r, outcome: r.removedFiles && movedTo.has(d.host) ? 'changed' : r.droppedNewDb ? 'changed' : 'ok' };
          })
          .catch(() => undefined)
          .finally(() => locks.get(d.host)!.release().catch(() => undefined)),
      ),
  );
  // Retention on the source, with the rendered cleanup script (never the host's own files).
  if (dumpPath && source.createScripts && source.cleanupScriptContent) {
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

/** A progress line about every 10% of the dump (plain output; the terminal view draws a bar). */
function progressEvery(ctx: DbRunContext, host: string, total: number): (bytes: number) => void {
  let next = total / 10;
  const started = Date.now();
  return (bytes) => {
    if (bytes < next || total === 0) return;
    next += total / 10;
    const rate = bytes / Math.max(0.001, (Date.now() - started) / 1000);
    ctx.output.verbose(1, host, `move: ${mib(bytes)} of ${mib(total)} (${Math.round((bytes / total) * 100)}%, ${mib(rate)}/s)`);
  };
}
