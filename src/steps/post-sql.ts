// Post-restore SQL (stagesync_post_restore_sql, docs/run.md step 5): `{sql, params}` items run in one
// transaction on the restored database, as the destination role (so what they create is owned
// like the rest). Parameters travel as bind values of the extended protocol over the relay:
// never in SQL text, argv, logs or results; error messages have them masked.
import pg from 'pg';
import type { Host } from '../transport/types.js';
import { StepError } from './errors.js';
import { openRelay } from './relay.js';
import { quoteIdent, type PgConn } from './sql.js';

export interface PostRestoreSql {
  sql: string;
  params?: unknown[];
}

export interface PostSqlParams {
  /** The database to run on (the freshly restored one in swap mode). */
  database: string;
  role: string;
  backupUser: string;
  statements: PostRestoreSql[];
  pg?: PgConn;
  signal?: AbortSignal;
}

export interface PostSqlResult {
  /** Per statement: the command tag and rows affected (no parameters). */
  statements: { index: number; command: string; rowCount: number | null }[];
  durationMs: number;
}

export const MASK = '********';

/** Replace every parameter's text in `s` (longest first) with the mask. Values under 3 chars stay. */
export function maskParams(s: string, statements: PostRestoreSql[]): string {
  const values = statements
    .flatMap((st) => st.params ?? [])
    .filter((v) => v !== null && v !== undefined)
    .map((v) => (typeof v === 'object' ? JSON.stringify(v) : String(v)))
    .filter((v) => v.length >= 3)
    .sort((a, b) => b.length - a.length);
  return values.reduce((acc, v) => acc.split(v).join(MASK), s);
}

export async function runPostRestoreSql(host: Host, p: PostSqlParams): Promise<PostSqlResult> {
  const started = Date.now();
  if (p.statements.length === 0) return { statements: [], durationMs: 0 };
  const sock = openRelay(host, p.backupUser, p.pg, p.signal);
  const client = new pg.Client({ user: p.backupUser, database: p.database, stream: () => sock } as pg.ClientConfig);
  client.on('error', () => undefined); // surfaced through the failing query instead
  const results: PostSqlResult['statements'] = [];
  let index = 0;
  try {
    await client.connect();
    await client.query('BEGIN');
    await client.query(`SET LOCAL ROLE ${quoteIdent(p.role)}`);
    for (; index < p.statements.length; index++) {
      const st = p.statements[index]!;
      // With params: extended protocol, one statement, values bound. Without: simple protocol.
      const r = st.params && st.params.length ? await client.query({ text: st.sql, values: st.params }) : await client.query(st.sql);
      const last = Array.isArray(r) ? r.at(-1) : r;
      results.push({ index, command: last?.command ?? '', rowCount: last?.rowCount ?? null });
    }
    await client.query('COMMIT');
  } catch (e) {
    const err = e as Error & { detail?: string; hint?: string; code?: string };
    const what = index < p.statements.length ? `post-restore SQL #${index + 1} failed` : 'post-restore SQL failed';
    const msg = [err.message, err.detail && `DETAIL: ${err.detail}`, err.hint && `HINT: ${err.hint}`].filter(Boolean).join('\n');
    throw new StepError(host.name, 'post_restore_sql', `${what}: ${maskParams(msg, p.statements)}`);
  } finally {
    await client.end().catch(() => undefined);
    sock.destroy();
  }
  return { statements: results, durationMs: Date.now() - started };
}
