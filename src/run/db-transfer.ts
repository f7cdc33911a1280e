// The backup and the move (docs/run.md, steps 3–4): the complete dump file moved once written,
// or, pipelined, the dump streamed on while it is written with the one-job restores beside it.
import { mib } from '../util/units.js';
import type { DbSourcePlan } from '../plan/types.js';
import type { Host } from '../transport/types.js';
import { acquireLock } from '../steps/lock.js';
import { backup, installScripts } from '../steps/backup.js';
import { move, type MoveResult } from '../steps/move.js';
import { StepError, UpstreamFailed } from '../steps/errors.js';
import { streamDump, type StreamDest, type StreamRun } from '../steps/stream.js';
import { directDump, type DirectLink } from '../steps/direct.js';
import { fileDigest } from '../steps/digest.js';
import { prepareDirs } from '../steps/prepare-dirs.js';
import type { DbRunContext } from './db-context.js';
import type { DestinationRun } from './db-dest.js';
import { valueOf, type StepDone } from './tracker.js';

export interface TransferInput {
  ctx: DbRunContext;
  source: DbSourcePlan;
  /** The source's Host. */
  src: Host;
  /** The destinations still in the run. */
  dests: DestinationRun[];
  /** stagesync_transfer: direct — the destinations pull from the source themselves. */
  link?: DirectLink;
  /** Options for pg_dump, made right before the dump (a masked sync's snapshot and exclusions). */
  dumpArgs?: () => Promise<string[]>;
}

export interface Sent {
  /** The dump on the source; absent when the backup failed. */
  backed?: { path: string; size: number };
  /** sha256 and the destinations the move failed for; absent when it reached none. */
  moved?: { sha256: string; failed: { host: string; error: Error }[] };
}

type Moved = NonNullable<Sent['moved']>;
const dirOf = (p: string) => p.slice(0, p.lastIndexOf('/')) || '/';

/** Dump, then move the complete file (a retry reuses the dump and the copies still intact). */
export async function fileBackup(t: TransferInput): Promise<Sent> {
  const { ctx, source, src } = t;
  const { tracker, resume } = ctx;
  const backed = valueOf(
    await tracker.step(source.host, 'backup', async () => {
      if (resume.dump) return { value: resume.dump, outcome: 'ok', detail: `resumed: ${resume.dump.path} from the previous attempt` };
      const r = await withScriptLock(t, async () => backup(src, { ...source, signal: ctx.signal, dumpArgs: (await t.dumpArgs?.()) ?? [] }));
      resume.dump = { path: r.dump.path, size: r.dump.size };
      return {
        value: resume.dump,
        outcome: r.ran || r.installed.length ? 'changed' : 'ok',
        detail: `${r.dump.path}, ${mib(r.dump.size)}`,
        data: { dump: r.dump.path, bytes: r.dump.size, installed: r.installed, ran: r.ran },
      };
    }),
  );
  if (!backed) return {};

  // A retry moves only to the destinations whose copy of the dump is missing or no longer
  // matches its sha256.
  const unrestored = t.dests.filter((d) => !resume.restored.has(d.host));
  const stillThere = await keptDeliveries(ctx, unrestored);
  const toMove = unrestored.filter((d) => !stillThere.has(d.host));
  const moved = valueOf(
    await tracker.step(source.host, 'move', async (): Promise<StepDone<Moved>> => {
      if (toMove.length === 0) {
        const sha = [...resume.delivered.values()][0]?.sha256 ?? '';
        return { value: { sha256: sha, failed: [] }, outcome: 'ok', detail: 'resumed: the dump is already on every destination' };
      }
      const dests = toMove.map((d) => ({ host: ctx.hostOf(d.host), backupUser: d.plan.backupUser, tmpDir: d.plan.tmpDir }));
      const r = t.link
        ? await directDump({ source: sourceOf(t), dests, link: t.link, dumpPath: backed.path, signal: ctx.signal, onProgress: progressOf(ctx, source.host, backed.size) }).move
        : await move({ dumpPath: backed.path, source: { host: src, backupUser: source.backupUser }, dests, signal: ctx.signal, onProgress: progressOf(ctx, source.host, backed.size) });
      return movedOutcome(ctx, source.host, r);
    }),
  );
  return { backed, ...(moved ? { moved } : {}) };
}

/**
 * Dump, move and one-job restores at once (src/steps/stream.ts): the backup, the move and each
 * such restore are steps of their own, running together. A restore done here is the
 * destination's `prepared`.
 */
export async function streamBackup(t: TransferInput, restoring: Set<string>): Promise<Sent> {
  const { ctx, source, src } = t;
  const { tracker, resume } = ctx;
  let started!: (s: StreamRun | undefined) => void;
  const stream = new Promise<StreamRun | undefined>((resolve) => (started = resolve));
  const streamOf = async (host: string, step: string) => {
    const s = await stream;
    if (!s) throw new UpstreamFailed(host, step, `the backup on ${source.host} did not start`);
    return s;
  };

  const backed = tracker.step(source.host, 'backup', async () => {
    try {
      return await withScriptLock(t, async () => {
        const installed = await installScripts(src, source);
        const dumpArgs = (await t.dumpArgs?.()) ?? [];
        const dests = streamDests(t, restoring);
        const from = { ...sourceOf(t), dumpArgs };
        const s = t.link
          ? directDump({ source: from, dests, link: t.link, signal: ctx.signal, onProgress: progressOf(ctx, source.host) })
          : streamDump({ source: from, dests, signal: ctx.signal, onProgress: progressOf(ctx, source.host) });
        started(s);
        const dump = await s.backup;
        resume.dump = { path: dump.path, size: dump.size };
        return {
          value: resume.dump,
          detail: `${dump.path}, ${mib(dump.size)}, ${t.link ? 'pulled by the destinations' : 'sent on'} while written`,
          data: { dump: dump.path, bytes: dump.size, installed, ran: true, pipelined: true },
        };
      });
    } finally {
      started(undefined);
    }
  });

  const moved = tracker.step(source.host, 'move', async () => movedOutcome(ctx, source.host, await (await streamOf(source.host, 'move')).move));

  const restored = t.dests
    .filter((d) => restoring.has(d.host))
    .map(async (d) => {
      const r = await d.step('restore', async () => {
        const restoring = (await streamOf(d.host, 'restore')).restores.get(d.host)!;
        d.maskWhileRestoring(restoring);
        const p = await restoring;
        d.listInReport();
        return { value: p, detail: `${d.restoredDetail(p)}, as the dump arrived` };
      });
      if (r.status === 'ok') d.prepared = r.value;
    });
  const [b, m] = await Promise.all([backed, moved, ...restored]);
  const bv = valueOf(b);
  const mv = valueOf(m);
  return { ...(bv ? { backed: bv } : {}), ...(mv ? { moved: mv } : {}) };
}

/** Each destination of a pipelined transfer; those in `restoring` restore as the dump arrives. */
function streamDests(t: TransferInput, restoring: Set<string>): StreamDest[] {
  return t.dests.map((d) => ({
    host: t.ctx.hostOf(d.host),
    backupUser: d.plan.backupUser,
    tmpDir: d.plan.tmpDir,
    ...(restoring.has(d.host)
      ? { restore: { database: d.plan.database, role: d.plan.role, mode: d.plan.mode, excludeTables: d.plan.excludeTables, fkConstraints: d.plan.fkConstraints, jobs: d.plan.jobs, pg: d.plan.pg, ...(t.ctx.plan.db?.masking ? { sections: 'data' as const } : {}) } }
      : {}),
  }));
}

const sourceOf = ({ source, src }: TransferInput) => ({ host: src, backupUser: source.backupUser, backupScript: source.backupScript, database: source.database, tmpDir: source.tmpDir, pg: source.pg, compression: source.compression });

/** Pairs sharing a source host share its backup script: one run at a time installs and runs it,
 * so no run executes a script another pair rendered with other settings. */
async function withScriptLock<T>(t: TransferInput, fn: () => Promise<T>): Promise<T> {
  const { source, src, ctx } = t;
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
    // Releasing ends the lock's session; one that failed to end has ended with its connection.
    await scriptLock.release().catch((e: Error) => ctx.output.verbose(1, source.host, `backup script lock: ${e.message}`));
  }
}

/** The move step's result: deliveries remembered for a retry; fails only when none arrived. */
function movedOutcome(ctx: DbRunContext, host: string, r: MoveResult): StepDone<Moved> {
  for (const x of r.dests) if (x.ok) ctx.resume.delivered.set(x.host, { path: x.path, sha256: x.sha256 });
  const failed = r.dests.flatMap((x) => (x.ok ? [] : [{ host: x.host, error: x.error }]));
  if (failed.length === r.dests.length) {
    const retryable = failed.every((x) => (x.error as { retryable?: boolean }).retryable === true);
    throw new StepError(host, 'move', failed.map((x) => `${x.host}: ${x.error.message}`).join('; '), { retryable });
  }
  return { value: { sha256: r.sha256, failed }, detail: `${mib(r.bytes)} to ${r.dests.length - failed.length} host(s), sha256 ${r.sha256.slice(0, 16)}…`, data: { bytes: r.bytes, sha256: r.sha256 } };
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
async function keptDeliveries(ctx: DbRunContext, dests: DestinationRun[]): Promise<Set<string>> {
  const kept = new Set<string>();
  await Promise.all(
    dests.map(async (d) => {
      const had = ctx.resume.delivered.get(d.host);
      if (!had) return;
      // Unreadable counts as gone: the dump is moved again.
      const now = await fileDigest(ctx.hostOf(d.host), d.plan.backupUser, had.path, 'move').catch(() => undefined); // nothing lost: a miss means "move it again"
      if (now?.sha256 === had.sha256) {
        kept.add(d.host);
        ctx.output.info(`${d.host}: resumed: ${had.path} is still there with sha256 ${had.sha256.slice(0, 16)}…; not moved again`);
      } else ctx.resume.delivered.delete(d.host);
    }),
  );
  return kept;
}
