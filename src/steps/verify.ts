// Verification before the swap: every table the dump should have brought is there, and exact
// row counts go into the report.
import { StepError, pgRetryable, tail } from './errors.js';
import { becomeOf, psqlArgv, quoteIdent, quoteLiteral, type SqlTarget } from './sql.js';

export interface TableName {
  schema: string;
  name: string;
}

export interface VerifyResult {
  tables: number;
  /** `schema.table` → count(*). */
  rowCounts: Record<string, number>;
  durationMs: number;
}

const key = (t: TableName): string => `${t.schema}.${t.name}`;

export async function verifyRestore(t: SqlTarget, database: string, tables: TableName[]): Promise<VerifyResult> {
  const started = Date.now();
  if (tables.length === 0) return { tables: 0, rowCounts: {}, durationMs: 0 };
  const values = tables.map((x) => `(${quoteLiteral(x.schema)}, ${quoteLiteral(x.name)})`).join(',\n');
  const counts = tables
    .map((x) => `SELECT ${quoteLiteral(key(x))} AS k, (SELECT count(*) FROM ${quoteIdent(x.schema)}.${quoteIdent(x.name)}) AS n`)
    .join('\nUNION ALL ');
  // One session: the missing tables, then the counts (which fail on a missing one: psql stops).
  const sql = [
    `SELECT coalesce(json_agg(s || '.' || n), '[]') FROM (VALUES ${values}) v(s, n) WHERE to_regclass(quote_ident(s) || '.' || quote_ident(n)) IS NULL;`,
    `SELECT json_object_agg(k, n) FROM (${counts}) c;`,
  ].join('\n');
  const r = await t.host.exec({ argv: psqlArgv(database, t.pg) }, { become: becomeOf(t.backupUser), stdin: sql });
  const [missingLine, countsLine] = r.stdout.trim().split('\n');
  const missing = missingLine ? (JSON.parse(missingLine) as string[] | null) : null;
  if (missing && missing.length) throw new StepError(t.host.name, 'verify', `tables missing after the restore: ${missing.join(', ')}`);
  if (r.code !== 0 || !countsLine) throw new StepError(t.host.name, 'verify', `psql exited with ${r.code ?? r.signal}`, { output: tail(r.stderr || r.stdout), retryable: pgRetryable(r.code, r.stderr) });
  return { tables: tables.length, rowCounts: (JSON.parse(countsLine) as Record<string, number> | null) ?? {}, durationMs: Date.now() - started };
}
