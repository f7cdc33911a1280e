// The masked rows into a new copy (docs/masking.md): on the source, psql runs
// `COPY (SELECT <masked expressions> ...) TO STDOUT` in the dump's snapshot, so only masked values
// leave it; the controller pipes them (no disk) into `COPY ... FROM STDIN` on the destination. Then
// the dump's post-data section (indexes, constraints, triggers) is restored: unique indexes and
// foreign keys are built and checked on the masked rows.
import { pipeline } from 'node:stream/promises';
import type { Host } from '../transport/types.js';
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
  signal?: AbortSignal;
}

/** psql that prints the command tag (`COPY <n>`): PSQL_FLAGS without -q. */
const tagged = (db: string, pg?: PgConn) => ['psql', ...PSQL_FLAGS.filter((f) => f !== '-q'), '-d', conninfo(db, pg, 'stagesync-mask')];

/** One table's masked rows from the source into the destination; the number of rows. */
export async function copyMasked(p: CopyMaskedParams): Promise<number> {
  const { source, dest, table } = p;
  const out = source.host.spawn({ argv: psqlArgv(source.database, source.pg, 'stagesync-mask') }, { become: becomeOf(source.backupUser), signal: p.signal });
  const into = dest.host.spawn({ argv: [...tagged(dest.database, dest.pg), '-c', copyInSql(table)] }, { become: becomeOf(dest.backupUser), signal: p.signal });
  let tag = '';
  into.stdout.on('data', (c: Buffer) => (tag += c.toString()));
  out.stdin.end(copyOutSql(table, p.salt, p.snapshot));
  try {
    await pipeline(out.stdout, into.stdin);
  } catch {
    // One side ended early: both are stopped, and their own words below say why.
    out.kill();
    into.kill();
  }
  const [o, i] = await Promise.all([valueOrNothing(out.done), valueOrNothing(into.done)]);
  if (o?.code !== 0) {
    const stderr = o?.stderr ?? '';
    throw new StepError(source.host.name, 'mask', `reading the masked rows of ${tableSql(table)} failed (psql exit ${o?.code ?? o?.signal})`, { output: tail(stderr), retryable: pgRetryable(o?.code ?? null, stderr) });
  }
  if (i?.code !== 0) {
    const stderr = i?.stderr ?? '';
    throw new StepError(dest.host.name, 'mask', `writing the masked rows of ${tableSql(table)} failed (psql exit ${i?.code ?? i?.signal})`, { output: tail(stderr), retryable: pgRetryable(i?.code ?? null, stderr) });
  }
  const n = /COPY (\d+)/.exec(tag);
  return n ? Number(n[1]) : 0;
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
