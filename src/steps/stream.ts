// The pipelined backup → move → restore (docs/run.md, steps 3–5 at once). The backup script, run
// with --stdout, sends its dump file on to its stdout as pg_dump writes it; the controller fans
// those bytes out to every destination (SSH channel to SSH channel, no controller disk), where
// each lands in a file that, for a one-job restore, pg_restore follows as it grows. Neither
// pg_dump nor the network waits for a slow restore (each writes a file), so the whole sync takes
// about as long as the raw `pg_dump | pg_restore` pipe, while keeping what the pipe loses: the
// backup file, the copy on each destination and a checked sha256. A restore counts as done only
// when the sha256 computed here equals that of the source's file and of that destination's
// file; the caller swaps it in later, so a stream that fails anywhere leaves every
// destination database as it was.
import { createHash, randomBytes } from 'node:crypto';
import type { Host, StreamingProcess } from '../transport/types.js';
import { fileDigest, SHA256_OF_STDIN } from './digest.js';
import { StepError, UpstreamFailed, tail } from './errors.js';
import { fanOut, type Sink } from './fanout.js';
import { destDumpPath, within, type DestMove, type MoveResult } from './move.js';
import { pgRestoreArgv, tocArgv, writeFileAs } from './pg-restore.js';
import { prepareTarget, type PreparedRestore } from './restore.js';
import { becomeOf, type PgConn } from './sql.js';
import { filterToc, parseToc, type Toc } from './toc.js';
import { hostScript } from '../util/host-scripts.js';

export interface StreamSource {
  host: Host;
  backupUser: string;
  /** A backup script that takes `--stdout DATABASE` (our rendered template). */
  backupScript: string;
  database: string;
}

export interface StreamRestore {
  database: string;
  role: string;
  mode: 'swap' | 'in_place';
  excludeTables: string[];
  fkConstraints: boolean;
  pg?: PgConn;
}

export interface StreamDest {
  host: Host;
  backupUser: string;
  tmpDir: string;
  /** Restore while the dump arrives; absent: the file only (a --jobs restore follows from it). */
  restore?: StreamRestore;
}

export interface StreamParams {
  source: StreamSource;
  dests: StreamDest[];
  signal?: AbortSignal;
  /** Bytes streamed so far (progress). */
  onProgress?: (bytes: number) => void;
}

export interface StreamedDump {
  /** The dump the script wrote on the source. */
  path: string;
  size: number;
  sha256: string;
}

/** Each part settles on its own, so the caller can time backup, move and each restore apart. */
export interface StreamRun {
  /** The source side: the script has exited and its dump file matches what was streamed. */
  backup: Promise<StreamedDump>;
  /** Every destination's copy, checked (each ok or failed); rejects when the source failed. */
  move: Promise<MoveResult>;
  /** Per restoring destination (by host name): pg_restore done and its input checked. */
  restores: Map<string, Promise<PreparedRestore>>;
}

/** The TOC is at the head of the dump; more than this before it is complete means no TOC at all. */
const HEAD_LIMIT = 64 * 2 ** 20;
const KILL_WAIT_MS = 15_000;

/**
 * On each destination ($1 dir, $2 temp file, $3 --use-list file, then pg_restore's argv, or none
 * for the file only): dd writes the stream to the file at the network's pace, and pg_restore
 * follows the file as it grows (GNU tail, polling as postgresbackup.sh does), so a slow restore
 * never holds up the stream and one that has read all it needs (trailing data of excluded
 * tables) just stops reading. A failing pg_restore stops dd at once. When the stream has ended
 * the file is summed (while pg_restore catches up) and the last line of stdout is
 * `sha256 <hex>`. Exit 3: pg_restore failed; 4: the file. Anything but success removes the
 * file; a hang-up or kill removes it too.
 */
const WRITER = hostScript('stream-writer.sh', { SHA256_OF_STDIN });

interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  // The caller may look at only some parts: an unobserved rejection is not an error here.
  promise.catch(() => undefined);
  return { promise, resolve, reject };
}

/** Errors keep their type (a lost connection stays one: the run counts it unreachable). */
const asError = (host: string, step: string, e: unknown): Error => (e instanceof Error ? e : new StepError(host, step, String(e)));

/** The script's last word on stderr: `dump written: <path>`. */
export function writtenDumpPath(stderr: string): string | undefined {
  const lines = stderr.split('\n').filter((l) => l.startsWith('dump written: '));
  return lines.at(-1)?.slice('dump written: '.length);
}

export function streamDump(p: StreamParams): StreamRun {
  const backup = deferred<StreamedDump>();
  const move = deferred<MoveResult>();
  const restores = new Map(p.dests.filter((d) => d.restore).map((d) => [d.host.name, deferred<PreparedRestore>()]));
  void run(p, backup, move, restores);
  return { backup: backup.promise, move: move.promise, restores: new Map([...restores].map(([h, d]) => [h, d.promise])) };
}

interface Target {
  d: StreamDest;
  name: string;
  part: string;
  list: string;
  proc?: StreamingProcess;
  /** The writer's stdout: `sha256 <hex>` of the file when it restored. */
  out: string;
  sink?: Sink;
  /** Set when this destination is out (its own failure; the others go on). */
  error?: Error;
  into?: string;
  toc?: { tables: PreparedRestore['tables']; excluded: string[]; unmatched: string[] };
}

const failTarget = (t: Target, e: unknown, step: string): Error => (t.error ??= asError(t.name, step, e));

async function run(
  p: StreamParams,
  backup: Deferred<StreamedDump>,
  move: Deferred<MoveResult>,
  restores: Map<string, Deferred<PreparedRestore>>,
): Promise<void> {
  const srcName = p.source.host.name;
  const tag = randomBytes(4).toString('hex');
  const targets: Target[] = p.dests.map((d) => {
    const part = `${d.tmpDir.replace(/\/+$/, '')}/${p.source.database}.${srcName}.stream-${tag}.part`;
    return { d, name: d.host.name, part, list: `${part}.list`, out: '' };
  });
  try {
    await pipeline(p, targets, backup, move, restores);
  } catch (e) {
    // Every destination failed (the move's error) or the source did (the backup's): each part
    // not yet settled says which, and a destination without a failure of its own is skipped.
    const err = asError(srcName, 'backup', e);
    const moveFailed = err instanceof StepError && err.step === 'move';
    backup.reject(moveFailed ? new UpstreamFailed(srcName, 'backup', `the dump went nowhere: ${err.message}`) : err);
    move.reject(moveFailed ? err : new UpstreamFailed(srcName, 'move', `the backup failed: ${err.message}`));
    for (const t of targets) {
      restores.get(t.name)?.reject(t.error ?? new UpstreamFailed(t.name, 'restore', `the dump from ${srcName} did not arrive whole: ${err.message}`));
    }
  }
}

async function pipeline(
  p: StreamParams,
  targets: Target[],
  backup: Deferred<StreamedDump>,
  move: Deferred<MoveResult>,
  restores: Map<string, Deferred<PreparedRestore>>,
): Promise<void> {
  const started = Date.now();
  const src = p.source;
  const srcName = src.host.name;
  const live = () => targets.filter((t) => !t.error);

  // The dump starts at once: pg_dump writes its file whatever the readers do (the script
  // follows it), so the destinations get ready while it runs.
  const script = src.host.spawn({ argv: ['sh', '-c', 'cd / && exec "$0" --stdout "$1"', src.backupScript, src.database] }, { become: becomeOf(src.backupUser), signal: p.signal });
  script.done.catch(() => undefined);
  const chunks = script.stdout[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  // The rest of the dump; its end counts only once the script has succeeded, so no destination
  // ever sees a clean end of a dump that failed or was cut (it is killed instead).
  const scriptFailed = (d: { code: number | null; signal?: string; stderr: string }) =>
    new StepError(srcName, 'backup', `${src.backupScript} --stdout ${src.database} exited with ${d.code ?? d.signal}`, tail(d.stderr));
  async function* rest(): AsyncGenerator<Buffer> {
    for (let r = await chunks.next(); !r.done; r = await chunks.next()) yield r.value;
    const done = await script.done;
    if (done.code !== 0) throw scriptFailed(done);
  }

  const hash = createHash('sha256');
  let sent = 0;
  let finishing: Promise<DestMove[]> | undefined;
  try {
    // 1. The databases pg_restore writes into (a destination that cannot have one is out of the
    // stream from the start) while the head of the dump, up to the end of its TOC (`pg_restore
    // -l` on the source stops reading there), is read and kept to be sent on: each restoring
    // destination needs its --use-list first.
    const prepared = Promise.all(
      targets.map(async (t) => {
        try {
          const mk = await t.d.host.exec({ argv: ['sh', '-c', 'umask 077 && mkdir -p -- "$1"', 'sh', t.d.tmpDir] }, { become: becomeOf(t.d.backupUser) });
          if (mk.code !== 0) throw new StepError(t.name, 'move', `cannot create ${t.d.tmpDir} as ${t.d.backupUser}`, tail(mk.stderr));
          if (t.d.restore) t.into = await prepareTarget(t.d.host, { ...t.d.restore, backupUser: t.d.backupUser });
        } catch (e) {
          failTarget(t, e, 'restore');
        }
      }),
    );
    const headRead = targets.some((t) => t.d.restore)
      ? readHead(src, chunks, p.signal).catch(async (e: unknown) => {
          // No TOC because the script failed (no such database…): its own words say why.
          const d = await within(script.done.catch(() => undefined), 5000, undefined);
          throw d && d.code !== 0 ? scriptFailed(d) : e;
        })
      : Promise.resolve(undefined);
    headRead.catch(() => undefined);
    // Every new database is made (or not) before anything below can fail: the caller drops them.
    await prepared;
    if (live().length === 0) throw new StepError(srcName, 'move', `no destination can take the dump: ${targets.map((t) => t.error!.message).join('; ')}`);
    const r = await headRead;
    let head: Buffer[] = r?.head ?? [];
    await Promise.all(
      live()
        .filter((t) => t.d.restore)
        .map(async (t) => {
          try {
            const f = filterToc(r!.toc, { excludeTables: t.d.restore!.excludeTables, fkConstraints: t.d.restore!.fkConstraints });
            t.toc = { tables: f.tables, excluded: f.excluded, unmatched: f.unmatched };
            await writeFileAs(t.d.host, t.d.backupUser, t.list, f.list);
          } catch (e) {
            failTarget(t, e, 'restore');
          }
        }),
    );

    // 2. Every destination's writer (and pg_restore), then the bytes to all of them at once.
    for (const t of live()) {
      const r = t.d.restore;
      const restore = r && t.into ? pgRestoreArgv({ database: t.into, role: r.role, backupUser: t.d.backupUser, listPath: t.list, jobs: 1, clean: r.mode === 'in_place', pg: r.pg }) : [];
      t.proc = t.d.host.spawn({ argv: ['sh', '-c', WRITER, 'sh', t.d.tmpDir, t.part, t.list, ...restore] }, { become: becomeOf(t.d.backupUser), signal: p.signal });
      t.proc.done.catch(() => undefined);
      t.proc.stdout.on('data', (c: Buffer) => (t.out += c.toString()));
      t.sink = { name: t.name, stream: t.proc.stdin, gone: t.proc.done };
    }
    const sinks = live().map((t) => t.sink!);
    if (sinks.length === 0) throw new StepError(srcName, 'move', `no destination can take the dump: ${targets.map((t) => t.error!.message).join('; ')}`);
    const bytes = await fanOut(rest(), sinks, (chunk) => {
      hash.update(chunk);
      p.onProgress?.((sent += chunk.length));
    }, head);
    head = [];
    if (sinks.every((s) => s.error)) {
      // Each destination's own failure (what its writer said, or the lost connection) first.
      await Promise.all(live().map((t) => finishDest(t, '', '', bytes)));
      throw new StepError(srcName, 'move', targets.map((t) => t.error?.message).filter(Boolean).join('; '));
    }

    // 3. The source's file is exactly what was streamed; each destination's writer (and
    // pg_restore) succeeded and its file matches too. Checked side by side: the source's
    // file is summed while the restores finish.
    const done = await script.done;
    const path = writtenDumpPath(done.stderr);
    if (!path) throw new StepError(srcName, 'backup', `${src.backupScript} --stdout did not name the dump it wrote`, tail(done.stderr));
    const sha256 = hash.digest('hex');
    const dests = (finishing = Promise.all(targets.map((t) => finishDest(t, path, sha256, bytes))));
    const onSource = await fileDigest(src.host, src.backupUser, path, 'backup');
    if (onSource.sha256 !== sha256 || onSource.size !== bytes) {
      throw new StepError(srcName, 'backup', `sha256 mismatch: ${sha256} streamed (${bytes} bytes), ${onSource.sha256} in ${path} (${onSource.size} bytes)`);
    }
    backup.resolve({ path, size: bytes, sha256 });
    move.resolve({ bytes, sha256, durationMs: Date.now() - started, dests: await dests });
    for (const t of targets) {
      const r = restores.get(t.name);
      if (!r) continue;
      if (t.error) r.reject(t.error);
      else r.resolve({ restoredInto: t.into!, ...t.toc!, unmatchedExcludes: t.toc!.unmatched, durationMs: Date.now() - started });
    }
  } catch (e) {
    // Everything stops; the files go. The new databases are the caller's to drop, as after any
    // failure before the swap.
    script.kill();
    for (const t of targets) t.proc?.kill();
    await Promise.all([
      within(script.done.catch(() => undefined), KILL_WAIT_MS, undefined),
      ...targets.map((t) => t.proc && within(t.proc.done.catch(() => undefined), KILL_WAIT_MS, undefined)),
    ]);
    // A destination that had finished (the source's check failed after) drops its copy too.
    const finished = (await finishing?.catch(() => [])) ?? [];
    await Promise.all(targets.map((t) => removeQuietly(t, finished.flatMap((m) => (m.host === t.name && m.ok ? [m.path] : []))[0])));
    throw e;
  }
}

/** Read the dump's head until `pg_restore -l -v` (fed the same bytes) has printed the TOC. */
async function readHead(src: StreamSource, chunks: AsyncIterator<Buffer>, signal?: AbortSignal): Promise<{ head: Buffer[]; toc: Toc }> {
  const reader = src.host.spawn({ argv: tocArgv() }, { become: becomeOf(src.backupUser), signal });
  const out: Buffer[] = [];
  reader.stdout.on('data', (c: Buffer) => out.push(c));
  // It stops reading where the TOC ends: later writes fail, and are not needed.
  reader.stdin.on('error', () => undefined);
  const ended = reader.done.then(() => 'ended' as const, () => 'ended' as const);
  const head: Buffer[] = [];
  let size = 0;
  let next = chunks.next();
  for (;;) {
    const r = await Promise.race([next, ended]);
    if (r === 'ended') {
      // A chunk asked for before the reader ended belongs to the head too.
      const last = await next;
      if (!last.done) head.push(last.value);
      break;
    }
    if (r.done) {
      reader.stdin.end();
      await ended;
      break;
    }
    head.push(r.value);
    size += r.value.length;
    if (size > HEAD_LIMIT) {
      reader.kill();
      throw new StepError(src.host.name, 'backup', `no table of contents in the first ${HEAD_LIMIT >> 20} MiB of the dump (not a custom-format dump?)`);
    }
    if (!reader.stdin.destroyed) reader.stdin.write(r.value);
    next = chunks.next();
  }
  const done = await reader.done;
  if (done.code !== 0) throw new StepError(src.host.name, 'backup', `pg_restore -l could not read the dump's table of contents (exit ${done.code ?? done.signal})`, tail(done.stderr));
  return { head, toc: parseToc(Buffer.concat(out).toString('utf8')) };
}

/** A destination after the stream: its commands' outcome, then its file checked and named. */
async function finishDest(t: Target, dumpPath: string, sha256: string, bytes: number): Promise<DestMove> {
  try {
    if (t.error) throw t.error;
    // The writer's own word first (pg_restore failed), then the stream's.
    const cut = t.sink?.error;
    const r = cut ? await within(t.proc!.done, KILL_WAIT_MS, undefined) : await t.proc!.done;
    if (r?.code === 3) throw new StepError(t.name, 'restore', `pg_restore into ${t.into} failed`, tail(r.stderr));
    // A lost connection or an abort keeps its type (unreachable, interrupted).
    if (cut && cut.name !== 'Error') throw cut;
    // The writer's own word (No space left on device...) before the relay's symptom of it.
    if (r && r.code !== 0) throw new StepError(t.name, 'move', `writing ${t.part} failed (exit ${r.code ?? r.signal})`, tail(r.stderr));
    if (cut) throw new StepError(t.name, 'move', `stream to ${t.part} failed: ${cut.message}`);
    if (!r) throw new StepError(t.name, 'move', `writing ${t.part} did not end`);
    // A restoring writer summed its file; a plain one is read back.
    const written = /^sha256 ([0-9a-f]{64})$/m.exec(t.out)?.[1];
    const got = written ?? (await fileDigest(t.d.host, t.d.backupUser, t.part, 'move')).sha256;
    if (got !== sha256) throw new StepError(t.name, 'move', `sha256 mismatch: ${sha256} sent, ${got} received`);
    const final = destDumpPath(t.d.tmpDir, dumpPath);
    const mv = await t.d.host.exec({ argv: ['mv', '-f', t.part, final] }, { become: becomeOf(t.d.backupUser) });
    if (mv.code !== 0) throw new StepError(t.name, 'move', `cannot rename ${t.part}`, tail(mv.stderr));
    return { host: t.name, ok: true, path: final, bytes, sha256 };
  } catch (e) {
    const error = failTarget(t, e, 'move');
    t.proc?.kill();
    if (t.proc) await within(t.proc.done.catch(() => undefined), KILL_WAIT_MS, undefined);
    await removeQuietly(t);
    return { host: t.name, ok: false, error };
  }
}

async function removeQuietly(t: Target, final?: string): Promise<void> {
  const leftovers = [t.part, t.list, `${t.part}.sha256`, ...(final ? [final] : [])];
  await t.d.host.exec({ argv: ['rm', '-f', ...leftovers] }, { become: becomeOf(t.d.backupUser) }).catch(() => undefined);
}
