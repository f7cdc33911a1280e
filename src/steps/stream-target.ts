// One destination of the pipelined stream (src/steps/stream.ts): its database and --use-list made
// ready, its writer started, and after the stream its file checked and named, or removed.
import type { Command, Host, StreamingProcess } from '../transport/types.js';
import { fileDigest, SHA256_OF_STDIN } from './digest.js';
import { StepError, brokenPipe, tail } from './errors.js';
import type { Sink } from './fanout.js';
import { destDumpPath, killAndWait, KILL_WAIT_MS, within, type DestMove } from './move.js';
import { pgRestoreArgv, writeFileAs } from './pg-restore.js';
import { prepareTarget, type PreparedRestore } from './restore.js';
import { becomeOf, type PgConn } from './sql.js';
import { filterToc, type Toc } from './toc.js';
import { hostScript } from '../util/host-scripts.js';
import { endOfKilled, valueOrNothing } from '../util/settle.js';

export interface StreamRestore {
  database: string;
  role: string;
  mode: 'swap' | 'in_place';
  /**
   * Above 1: pre-data and data as the dump arrives (one job), then indexes and constraints
   * (post-data) with `pg_restore --jobs` from the complete file.
   */
  jobs?: number;
  excludeTables: string[];
  fkConstraints: boolean;
  /** A masked sync: pre-data and data only; post-data comes after the masked rows. */
  sections?: 'data';
  pg?: PgConn;
}

/** The dump as the source has it (or as it was streamed). */
export interface SourceFile {
  sha256: string;
  size: number;
}

export interface StreamDest {
  host: Host;
  backupUser: string;
  tmpDir: string;
  /** Restore while the dump arrives; absent: the file only (a --jobs restore follows from it). */
  restore?: StreamRestore;
}

/** Each destination's writer: scripts/host/stream-writer.sh (its header says what it does). */
const WRITER = hostScript('stream-writer.sh', { SHA256_OF_STDIN });

/** Errors keep their type (a lost connection stays one: the run counts it unreachable). */
export const asError = (host: string, step: string, e: unknown): Error => (e instanceof Error ? e : new StepError(host, step, String(e)));

export class Target {
  readonly name: string;
  readonly part: string;
  readonly list: string;
  proc?: StreamingProcess;
  /** The writer's stdout: `sha256 <hex>` of the file when it restored. */
  out = '';
  sink?: Sink;
  /** Set when this destination is out (its own failure; the others go on). */
  error?: Error;
  into?: string;
  toc?: { tables: PreparedRestore['tables']; excluded: string[]; unmatched: string[] };

  constructor(
    readonly d: StreamDest,
    /** The temporary file's name on every destination, without the directory. */
    fileName: string,
  ) {
    this.name = d.host.name;
    this.part = `${d.tmpDir.replace(/\/+$/, '')}/${fileName}`;
    this.list = `${this.part}.list`;
  }

  /** This destination is out; its first failure is the one told. */
  fail(e: unknown, step: string): Error {
    return (this.error ??= asError(this.name, step, e));
  }

  /** Its temp dir, and the database pg_restore writes into (a destination that cannot have one is out). */
  async prepare(): Promise<void> {
    const d = this.d;
    try {
      const mk = await d.host.exec({ argv: ['sh', '-c', 'umask 077 && mkdir -p -- "$1"', 'sh', d.tmpDir] }, { become: becomeOf(d.backupUser) });
      if (mk.code !== 0) throw new StepError(this.name, 'move', `cannot create ${d.tmpDir} as ${d.backupUser}`, { output: tail(mk.stderr) });
      if (d.restore) this.into = await prepareTarget(d.host, { ...d.restore, backupUser: d.backupUser });
    } catch (e) {
      this.fail(e, 'restore');
    }
  }

  /** The --use-list of the tables this destination restores, from the dump's TOC. */
  async writeList(toc: Toc): Promise<void> {
    const r = this.d.restore!;
    try {
      const f = filterToc(toc, { excludeTables: r.excludeTables, fkConstraints: r.fkConstraints });
      this.toc = { tables: f.tables, excluded: f.excluded, unmatched: f.unmatched };
      await writeFileAs(this.d.host, this.d.backupUser, this.list, f.list);
    } catch (e) {
      this.fail(e, 'restore');
    }
  }

  /**
   * The writer (and pg_restore, for a restoring destination): a sink for the fan-out, or, given
   * `feed` (a pull from the source, run as the login user), fed by that on the host itself.
   */
  startWriter(signal?: AbortSignal, feed?: Command): Sink {
    const { d } = this;
    const proc = d.host.spawn({ argv: ['sh', '-c', WRITER, 'sh', d.tmpDir, this.part, this.list, ...this.restoreWords()] }, { become: becomeOf(d.backupUser), signal, ...(feed ? { stdinFrom: feed } : {}) });
    this.proc = proc;
    // Its end is read in finish(), or it is killed; until then a rejection is not an error.
    void endOfKilled(proc.done);
    proc.stdout.on('data', (c: Buffer) => (this.out += c.toString()));
    this.sink = { name: this.name, stream: proc.stdin, gone: proc.done };
    return this.sink;
  }

  /** The writer's restore arguments: a word count, the pipelined restore, the post-data one. */
  private restoreWords(): string[] {
    const r = this.d.restore;
    if (!r || !this.into) return ['0'];
    const base = { database: this.into, role: r.role, backupUser: this.d.backupUser, listPath: this.list, clean: r.mode === 'in_place', pg: r.pg };
    const jobs = r.jobs ?? 1;
    // A masked sync restores post-data itself, after the masked rows (src/steps/mask-copy.ts).
    if (jobs <= 1 || r.sections) {
      const argv = pgRestoreArgv({ ...base, jobs: 1, ...(r.sections ? { sections: r.sections } : {}) });
      return [String(argv.length), ...argv];
    }
    const live = pgRestoreArgv({ ...base, jobs: 1, sections: 'data' });
    return [String(live.length), ...live, ...pgRestoreArgv({ ...base, jobs, sections: 'post-data', dumpPath: this.part })];
  }

  /**
   * After the stream: its commands' outcome, then its file checked against the source's (which
   * may still be being summed: it is awaited only then) and named.
   */
  async finish(dumpPath: string, source: SourceFile | Promise<SourceFile>): Promise<DestMove> {
    try {
      if (this.error) throw this.error;
      // The writer's own word first (pg_restore failed), then the stream's.
      const cut = this.sink?.error;
      const r = cut ? await within(this.proc!.done, KILL_WAIT_MS, undefined) : await this.proc!.done;
      // A pull cut short (the SSH between the hosts): whatever the writer made of the short input.
      if (r?.feedExit !== undefined) throw new StepError(this.name, 'move', `the pull from the source stopped (exit ${r.feedExit})`, { output: tail(r.stderr), retryable: true });
      if (r?.code === 3) throw new StepError(this.name, 'restore', `pg_restore into ${this.into} failed`, { output: tail(r.stderr) });
      // A lost connection or an abort keeps its type (unreachable, interrupted).
      if (cut && cut.name !== 'Error') throw cut;
      // The writer's own word (No space left on device...) before the relay's symptom of it.
      if (r && r.code !== 0) throw new StepError(this.name, 'move', `writing ${this.part} failed (exit ${r.code ?? r.signal})`, { output: tail(r.stderr) });
      if (cut) throw new StepError(this.name, 'move', `stream to ${this.part} failed: ${cut.message}`, { retryable: brokenPipe(cut), cause: cut });
      if (!r) throw new StepError(this.name, 'move', `writing ${this.part} did not end`);
      // A restoring writer summed its file; a plain one is read back.
      const written = /^sha256 ([0-9a-f]{64})$/m.exec(this.out)?.[1];
      const got = written ?? (await fileDigest(this.d.host, this.d.backupUser, this.part, 'move')).sha256;
      const { sha256, size } = await source;
      if (got !== sha256) throw new StepError(this.name, 'move', `sha256 mismatch: ${sha256} sent, ${got} received`);
      const final = destDumpPath(this.d.tmpDir, dumpPath);
      const mv = await this.d.host.exec({ argv: ['mv', '-f', this.part, final] }, { become: becomeOf(this.d.backupUser) });
      if (mv.code !== 0) throw new StepError(this.name, 'move', `cannot rename ${this.part}`, { output: tail(mv.stderr) });
      return { host: this.name, ok: true, path: final, bytes: size, sha256 };
    } catch (e) {
      const error = this.fail(e, 'move');
      await this.stop();
      await this.removeFiles();
      return { host: this.name, ok: false, error };
    }
  }

  /** The size of its copy so far (undefined when it cannot be told: the host gone, no file yet). */
  async bytesWritten(): Promise<number | undefined> {
    const r = await valueOrNothing(this.d.host.exec({ argv: ['stat', '-c', '%s', '--', this.part] }, { become: becomeOf(this.d.backupUser) }));
    const n = r?.code === 0 ? Number(r.stdout.trim()) : NaN;
    return Number.isFinite(n) ? n : undefined;
  }

  /** Kill the writer and wait (a while) for it to end. */
  stop(): Promise<void> {
    return killAndWait(this.proc);
  }

  /** Its temporary files (and the named copy, when the run fails after it was made). */
  async removeFiles(final?: string): Promise<void> {
    const leftovers = [this.part, this.list, `${this.part}.sha256`, ...(final ? [final] : [])];
    try {
      await this.d.host.exec({ argv: ['rm', '-f', ...leftovers] }, { become: becomeOf(this.d.backupUser) });
    } catch {
      // Best effort: the failure that brought us here is already told, and a leftover part file in
      // the private temp dir holds nothing the source does not have.
    }
  }
}
