// The masked rows into a new copy (docs/masking.md): on the source, psql runs
// `COPY (SELECT <masked expressions> ...) TO STDOUT` in the dump's snapshot, so only masked values
// leave it; they are piped (no disk) into `COPY ... FROM STDIN` on the destination, by the
// controller or, with direct transfer, by the destination's own SSH pull from the source. Then
// the dump's post-data section (indexes, constraints, triggers) is restored: unique indexes and
// foreign keys are built and checked on the masked rows.
import { pipeline } from 'node:stream/promises';
import type { Command, Host } from '../transport/types.js';
import { valueOrNothing } from '../util/settle.js';
import { StepError, pgRetryable, tail } from './errors.js';
import { copyInSql, copyOutSql, tableSql, type MaskedTable } from './mask-sql.js';
import { listPathOf, pgRestore, readFilteredToc, writeFileAs } from './pg-restore.js';
import { PSQL_FLAGS, becomeOf, conninfo, psqlArgv, type PgConn } from './sql.js';

export interface PgSide {
  host: Host;
  backupUser: string;
  database: string;
  pg?: PgConn;
}

export interface CopyMaskedParams {
  source: PgSide;
  dest: PgSide;
  table: MaskedTable;
  salt: string;
  /** The dump's snapshot (held on the source). */
  snapshot?: string;
  /**
   * Direct transfer: the destination runs the source's command itself (its SSH pull, run as the
   * source's backup user there); the controller only sends the query, on stdin.
   */
  pullFromSource?: (remote: readonly string[]) => Command;
  signal?: AbortSignal;
}

/** psql that prints the command tag (`COPY <n>`): PSQL_FLAGS without -q. */
const tagged = (db: string, pg?: PgConn) => ['psql', ...PSQL_FLAGS.filter((f) => f !== '-q'), '-d', conninfo(db, pg, 'stagesync-mask')];

const readFailed = (p: CopyMaskedParams, status: number | string | undefined, stderr: string) =>
  new StepError(p.source.host.name, 'mask', `reading the masked rows of ${tableSql(p.table)} failed (psql exit ${status})`, { output: tail(stderr), retryable: pgRetryable(typeof status === 'number' ? status : null, stderr) });

const writeFailed = (p: CopyMaskedParams, status: number | string | undefined, stderr: string) =>
  new StepError(p.dest.host.name, 'mask', `writing the masked rows of ${tableSql(p.table)} failed (psql exit ${status})`, { output: tail(stderr), retryable: pgRetryable(typeof status === 'number' ? status : null, stderr) });

/** ssh's exit status for an error of its own (the remote command's status is passed on). */
const SSH_FAILED = 255;

const rowsOf = (tag: string) => Number(/COPY (\d+)/.exec(tag)?.[1] ?? 0);

/** One table's masked rows from the source into the destination; the number of rows. */
export function copyMasked(p: CopyMaskedParams): Promise<number> {
  return p.pullFromSource ? copyPulled(p, p.pullFromSource) : copyRelayed(p);
}

/** The source's psql that runs the masked COPY ... TO STDOUT it reads on stdin. */
const sourcePsql = (p: CopyMaskedParams) => psqlArgv(p.source.database, p.source.pg, 'stagesync-mask');

/** The destination's `COPY ... FROM STDIN` (fed by the controller, or by `feed` on the host itself); its `COPY <n>` tag kept. */
function copyInto(p: CopyMaskedParams, feed?: Command) {
  const { dest } = p;
  const proc = dest.host.spawn(
    { argv: [...tagged(dest.database, dest.pg), '-c', copyInSql(p.table)] },
    { become: becomeOf(dest.backupUser), signal: p.signal, ...(feed ? { stdinFrom: feed, feedReadsStdin: true } : {}) },
  );
  let tag = '';
  proc.stdout.on('data', (c: Buffer) => (tag += c.toString()));
  return { proc, rows: () => rowsOf(tag) };
}

/** The controller reads the source's psql and writes the destination's. */
async function copyRelayed(p: CopyMaskedParams): Promise<number> {
  const out = p.source.host.spawn({ argv: sourcePsql(p) }, { become: becomeOf(p.source.backupUser), signal: p.signal });
  const into = copyInto(p);
  out.stdin.end(copyOutSql(p.table, p.salt, p.snapshot));
  try {
    await pipeline(out.stdout, into.proc.stdin);
  } catch {
    // One side ended early: both are stopped, and their own words below say why.
    out.kill();
    into.proc.kill();
  }
  const [o, i] = await Promise.all([valueOrNothing(out.done), valueOrNothing(into.proc.done)]);
  if (o?.code !== 0) throw readFailed(p, o?.code ?? o?.signal, o?.stderr ?? '');
  if (i?.code !== 0) throw writeFailed(p, i?.code ?? i?.signal, i?.stderr ?? '');
  return into.rows();
}

/** The destination pulls the source's psql output into its own (the query goes over both links, on stdin). */
async function copyPulled(p: CopyMaskedParams, pull: (remote: readonly string[]) => Command): Promise<number> {
  const into = copyInto(p, pull(sourcePsql(p)));
  into.proc.stdin.end(copyOutSql(p.table, p.salt, p.snapshot));
  const r = await into.proc.done;
  // OpenSSH's own failure (the link between the hosts), not psql's: another attempt may get through.
  if (r.feedExit === SSH_FAILED) throw new StepError(p.dest.host.name, 'mask', `the pull of the masked rows of ${tableSql(p.table)} from ${p.source.host.name} failed (ssh exit 255)`, { output: tail(r.stderr), retryable: true });
  if (r.feedExit !== undefined) throw readFailed(p, r.feedExit, r.stderr);
  if (r.code !== 0) throw writeFailed(p, r.code ?? r.signal, r.stderr);
  return into.rows();
}

export interface PostDataParams {
  host: Host;
  backupUser: string;
  /** The database restored into (the new copy, or the live one in place). */
  database: string;
  role: string;
  /** The dump on this host. */
  dumpPath: string;
  excludeTables: string[];
  fkConstraints: boolean;
  pg?: PgConn;
  signal?: AbortSignal;
}

/** The dump's post-data section (the same entries the first pass chose), after the masked rows. */
export async function restorePostData(p: PostDataParams): Promise<void> {
  const toc = await readFilteredToc(p.host, p.backupUser, p.dumpPath, { excludeTables: p.excludeTables, fkConstraints: p.fkConstraints });
  const listPath = `${listPathOf(p.dumpPath)}.post`;
  await writeFileAs(p.host, p.backupUser, listPath, toc.list);
  try {
    await pgRestore(p.host, { database: p.database, role: p.role, backupUser: p.backupUser, dumpPath: p.dumpPath, listPath, jobs: 1, sections: 'post-data', ...(p.pg ? { pg: p.pg } : {}), ...(p.signal ? { signal: p.signal } : {}) });
  } finally {
    // Best effort: the list names tables, no data.
    await valueOrNothing(p.host.exec({ argv: ['rm', '-f', listPath] }, { become: becomeOf(p.backupUser) }));
  }
}
