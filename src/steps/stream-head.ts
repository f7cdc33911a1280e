// The source side of a pipelined dump, shared by src/steps/stream.ts and src/steps/direct.ts: the
// backup script run with --stdout, how its failure and its dump's path are told, and the head of
// the dump up to the end of its table of contents (each restoring destination needs its
// --use-list before the data).
import type { StreamingProcess } from '../transport/types.js';
import { valueOrNothing } from '../util/settle.js';
import { StepError, pgRetryable, tail } from './errors.js';
import { within } from './move.js';
import { tocArgv } from './pg-restore.js';
import { becomeOf, type PgConn } from './sql.js';
import { parseToc, type Toc } from './toc.js';
import type { Host } from '../transport/types.js';

export interface StreamSource {
  host: Host;
  backupUser: string;
  /** A backup script that takes `--stdout DATABASE` (our rendered template). */
  backupScript: string;
  database: string;
  /** The source's cluster when it is not the default one (PGHOST/PGPORT for the script). */
  pg?: PgConn;
  /** pg_dump's --compress (STAGESYNC_DUMP_COMPRESS for the script). */
  compression?: string;
  /** Options the script passes on to pg_dump (a masked sync's --snapshot, --exclude-table-data). */
  dumpArgs?: string[];
}

/** The TOC is at the head of the dump; more than this before it is complete means no TOC at all. */
const HEAD_LIMIT = 64 * 2 ** 20;

type ScriptEnd = Awaited<StreamingProcess['done']>;

/** The backup script sending its dump on to stdout as pg_dump writes it (run as the backup user: from `/`, src/transport/become.ts). */
export function stdoutBackupArgv(src: StreamSource): string[] {
  return [src.backupScript, '--stdout', ...(src.dumpArgs ?? []), src.database];
}

/** The backup script failed: its exit and its last words. */
export function scriptFailed(src: StreamSource, end: ScriptEnd): StepError {
  const output = tail(end.stderr);
  return new StepError(src.host.name, 'backup', `${src.backupScript} --stdout ${src.database} exited with ${end.code ?? end.signal}`, { output, retryable: pgRetryable(null, output) });
}

/**
 * The TOC could not be read: when the script failed (no such database…), its own words say why,
 * if its end comes soon; else `tocError` is the one told.
 */
export async function tocFailure(src: StreamSource, script: StreamingProcess, tocError: unknown, failed = scriptFailed): Promise<unknown> {
  const end = await within(valueOrNothing(script.done), 5000, undefined);
  return end && end.code !== 0 ? failed(src, end) : tocError;
}

/** The script's last word on stderr: `dump written: <path>`. */
export function writtenDumpPath(stderr: string): string | undefined {
  const lines = stderr.split('\n').filter((l) => l.startsWith('dump written: '));
  return lines.at(-1)?.slice('dump written: '.length);
}

/** The path of the dump the script wrote, from its last words. */
export function dumpPathOf(src: StreamSource, end: ScriptEnd): string {
  const path = writtenDumpPath(end.stderr);
  if (!path) throw new StepError(src.host.name, 'backup', `${src.backupScript} --stdout did not name the dump it wrote`, { output: tail(end.stderr) });
  return path;
}

/** Read the dump's head until `pg_restore -l -v` (fed the same bytes) has printed the TOC. */
export async function readHead(src: StreamSource, chunks: AsyncIterator<Buffer>, signal?: AbortSignal): Promise<{ head: Buffer[]; toc: Toc }> {
  const reader = src.host.spawn({ argv: tocArgv() }, { become: becomeOf(src.backupUser), signal });
  const out: Buffer[] = [];
  reader.stdout.on('data', (c: Buffer) => out.push(c));
  // It stops reading where the TOC ends: later writes fail, and are not needed.
  reader.stdin.on('error', () => undefined);
  const head = await feed(src, reader, chunks);
  const done = await reader.done;
  if (done.code !== 0) throw new StepError(src.host.name, 'backup', `pg_restore -l could not read the dump's table of contents (exit ${done.code ?? done.signal})`, { output: tail(done.stderr) });
  return { head, toc: parseToc(Buffer.concat(out).toString('utf8')) };
}

/** Chunks to the TOC reader until it has ended (read its TOC) or the dump has; what it was fed. */
async function feed(src: StreamSource, reader: StreamingProcess, chunks: AsyncIterator<Buffer>): Promise<Buffer[]> {
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
      return head;
    }
    if (r.done) {
      reader.stdin.end();
      await ended;
      return head;
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
}
