// Move (docs/run.md, step 4): the dump streams source → controller → every destination at once
// (SSH channel to SSH channel, no controller disk), lands under a temporary name, and is renamed
// only when the sha256 computed here while streaming equals the file's on both ends.
import { createHash, randomBytes } from 'node:crypto';
import type { Host, StreamingProcess } from '../transport/types.js';
import { StepError, brokenPipe, isRetryable, tail } from './errors.js';
import { fileDigest } from './digest.js';
import { fanOut, type Sink } from './fanout.js';
import { becomeOf } from './sql.js';
import { hostScript } from '../util/host-scripts.js';
import { awaitedLater, endOfKilled } from '../util/settle.js';

export interface MoveEnd {
  host: Host;
  backupUser: string;
}

export interface MoveParams {
  /** The dump on the source (path from the backup step). */
  dumpPath: string;
  source: MoveEnd;
  dests: (MoveEnd & { tmpDir: string })[];
  signal?: AbortSignal;
  /** Bytes streamed so far (progress). */
  onProgress?: (bytes: number) => void;
}

export type DestMove =
  | { host: string; ok: true; path: string; bytes: number; sha256: string }
  | { host: string; ok: false; error: Error };

export interface MoveResult {
  bytes: number;
  sha256: string;
  durationMs: number;
  dests: DestMove[];
}

/** How long to wait for a killed command to report its end before going on without it. */
export const KILL_WAIT_MS = 15_000;

/** `p`, or `fallback` once `ms` have passed. */
export function within<T, F>(p: Promise<T>, ms: number, fallback: F): Promise<T | F> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<F>((resolve) => (timer = setTimeout(() => resolve(fallback), ms)));
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

/** Kill a command and wait (a while) for its end; whatever it says then is not an error. */
export async function killAndWait(proc: StreamingProcess | undefined): Promise<void> {
  if (!proc) return;
  proc.kill();
  await within(endOfKilled(proc.done), KILL_WAIT_MS, undefined);
}

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);

/** The final path of the dump on a destination. */
export const destDumpPath = (tmpDir: string, dumpPath: string): string => `${tmpDir.replace(/\/+$/, '')}/${baseName(dumpPath)}`;

/** Writer on the destination: scripts/host/move-writer.sh ($1 dir, $2 temp, $3 size). */
const WRITER = hostScript('move-writer.sh');

const sha256Of = async (end: MoveEnd, path: string): Promise<string> => (await fileDigest(end.host, end.backupUser, path, 'move')).sha256;

async function removeQuietly(end: MoveEnd, path: string): Promise<void> {
  try {
    await end.host.exec({ argv: ['rm', '-f', path] }, { become: becomeOf(end.backupUser) });
  } catch {
    // Best effort after a failure already told: a part file left in the private temp dir holds
    // nothing the source does not have.
  }
}

const asStepError = (host: string, e: unknown): StepError =>
  e instanceof StepError ? e : new StepError(host, 'move', e instanceof Error ? e.message : String(e), { retryable: isRetryable(e), cause: e });

/** One destination's writer: the temp file it writes, the final name, its sink. */
interface MoveTarget {
  d: MoveEnd & { tmpDir: string };
  final: string;
  temp: string;
  proc: StreamingProcess;
  sink: Sink;
}

export async function move(p: MoveParams): Promise<MoveResult> {
  const started = Date.now();
  const src = p.source;
  const st = await src.host.exec({ argv: ['stat', '-c', '%s', p.dumpPath] }, { become: becomeOf(src.backupUser) });
  const size = Number(st.stdout.trim());
  if (st.code !== 0 || Number.isNaN(size)) throw new StepError(src.host.name, 'move', `cannot read ${p.dumpPath}`, { output: tail(st.stderr) });
  // Read twice on the source (here and by the stream): a dump changing under us shows as a mismatch.
  const sourceSum = awaitedLater(sha256Of(src, p.dumpPath));
  const tag = randomBytes(4).toString('hex');
  const targets = p.dests.map((d): MoveTarget => {
    const final = destDumpPath(d.tmpDir, p.dumpPath);
    const temp = `${final}.part-${tag}`;
    const proc = d.host.spawn({ argv: ['sh', '-c', WRITER, 'sh', d.tmpDir, temp, String(size)] }, { become: becomeOf(d.backupUser), signal: p.signal });
    // Read in land(), or the writer is killed.
    awaitedLater(proc.done);
    return { d, final, temp, proc, sink: { name: d.host.name, stream: proc.stdin, gone: proc.done } };
  });
  const { bytes, sha256 } = await streamOut(p, size, targets);
  const srcSha = await sourceSum.catch((e: unknown) => asStepError(src.host.name, e));
  const dests = await Promise.all(targets.map((t) => land(t, { bytes, sha256, srcSha, srcName: src.host.name })));
  return { bytes, sha256, durationMs: Date.now() - started, dests };
}

/** `cat` on the source, fanned out to every writer; a failure of the source side stops them all. */
async function streamOut(p: MoveParams, size: number, targets: MoveTarget[]): Promise<{ bytes: number; sha256: string }> {
  const src = p.source;
  const reader = src.host.spawn({ argv: ['cat', p.dumpPath] }, { become: becomeOf(src.backupUser), signal: p.signal });
  awaitedLater(reader.done);
  const hash = createHash('sha256');
  let sent = 0;
  try {
    const bytes = await fanOut(reader.stdout, targets.map((t) => t.sink), (chunk) => {
      hash.update(chunk);
      sent += chunk.length;
      p.onProgress?.(sent);
    });
    // Every destination failed: the fan-out stopped reading, so stop `cat` too; each
    // destination reports its own failure below.
    const allFailed = targets.every((t) => t.sink.error);
    if (allFailed) reader.kill();
    const r = allFailed ? await within(reader.done, KILL_WAIT_MS, { code: null, stderr: '' }) : await reader.done;
    if (!allFailed && (r.code !== 0 || bytes !== size)) {
      throw new StepError(src.host.name, 'move', `reading ${p.dumpPath} failed after ${bytes} of ${size} bytes`, { output: tail(r.stderr) });
    }
    return { bytes, sha256: hash.digest('hex') };
  } catch (e) {
    // Source side failed: every destination's writer sees a short file and removes it.
    reader.kill();
    await Promise.all(targets.map((t) => killAndWait(t.proc)));
    await Promise.all(targets.map((t) => removeQuietly(t.d, t.temp)));
    throw asStepError(src.host.name, e);
  }
}

/** A destination after the stream: its writer's outcome, both sums checked, the file renamed. */
async function land(t: MoveTarget, sent: { bytes: number; sha256: string; srcSha: string | StepError; srcName: string }): Promise<DestMove> {
  const name = t.d.host.name;
  const { sha256, srcSha } = sent;
  try {
    const cut = t.sink.error;
    // The writer's own word (No space left on device...) before the relay's symptom of it.
    const r = cut ? await within(t.proc.done, KILL_WAIT_MS, undefined) : await t.proc.done;
    if (r && r.code !== 0) throw new StepError(name, 'move', `writing ${t.temp} failed (exit ${r.code ?? r.signal})`, { output: tail(r.stderr) });
    if (cut || !r) {
      const why = cut?.message ?? 'the writer did not end';
      throw new StepError(name, 'move', `stream to ${t.temp} failed: ${why}`, { retryable: cut !== undefined && brokenPipe(cut), ...(cut ? { cause: cut } : {}) });
    }
    if (srcSha instanceof StepError) throw srcSha;
    if (srcSha !== sha256) throw new StepError(name, 'move', `sha256 mismatch: ${sha256} streamed, ${srcSha} on ${sent.srcName}`);
    const destSha = await sha256Of(t.d, t.temp);
    if (destSha !== sha256) throw new StepError(name, 'move', `sha256 mismatch: ${sha256} sent, ${destSha} received`);
    const mv = await t.d.host.exec({ argv: ['mv', '-f', t.temp, t.final] }, { become: becomeOf(t.d.backupUser) });
    if (mv.code !== 0) throw new StepError(name, 'move', `cannot rename ${t.temp}`, { output: tail(mv.stderr) });
    return { host: name, ok: true, path: t.final, bytes: sent.bytes, sha256 };
  } catch (e) {
    await killAndWait(t.proc);
    await removeQuietly(t.d, t.temp);
    return { host: name, ok: false, error: asStepError(name, e) };
  }
}
