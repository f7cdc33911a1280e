// Verification before the swap: every table the dump should have brought is there, and exact
// row counts go into the report.
import { StepError } from './errors.js';
import { queryJson, quoteIdent, quoteLiteral, type SqlTarget } from './sql.js';

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
  const missing = await queryJson<string[] | null>(
    t,
    database,
    `SELECT json_agg(s || '.' || n) FROM (VALUES ${values}) v(s, n) WHERE to_regclass(quote_ident(s) || '.' || quote_ident(n)) IS NULL;`,
    'verify',
  );
  if (missing && missing.length) {
    throw new StepError(t.host.name, 'verify', `tables missing after the restore: ${missing.join(', ')}`);
  }
  const counts = tables
    .map((x) => `SELECT ${quoteLiteral(key(x))} AS k, (SELECT count(*) FROM ${quoteIdent(x.schema)}.${quoteIdent(x.name)}) AS n`)
    .join('\nUNION ALL ');
  const rowCounts = await queryJson<Record<string, number>>(t, database, `SELECT json_object_agg(k, n) FROM (${counts}) c;`, 'verify');
  return { tables: tables.length, rowCounts: rowCounts ?? {}, durationMs: Date.now() - started };
}
