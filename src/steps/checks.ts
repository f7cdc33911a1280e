// Data checks on the new copy (stagesync_checks, docs/rehearsal.md): each query runs in a
// read-only transaction and must give one value; every value goes into the report, and the
// step fails when any check does, naming it with both values.
import { judge, valueText, type CheckValue, type Expectation } from './check-expect.js';
import { StepError, pgRetryable, tail } from './errors.js';
import { becomeOf, psqlArgv, type SqlTarget } from './sql.js';

export interface Check {
  name: string;
  sql: string;
  expect: Expectation;
}

export interface CheckResult {
  name: string;
  value: CheckValue;
  /** `equals_sql`: the other query's value. */
  other?: CheckValue;
  expected: string;
  passed: boolean;
  /** The query failed (or gave other than one value): why. */
  error?: string;
}

/** One value of a query, as JSON gives it; an Error for a failed query or another shape. */
async function valueOf(t: SqlTarget, database: string, sql: string): Promise<CheckValue | Error> {
  const body = sql.trim().replace(/;+\s*$/, '');
  // The query is a subquery: its one row of one column comes back typed, as JSON.
  const text = `BEGIN READ ONLY;\nSELECT coalesce(json_agg(t), '[]') FROM (\n${body}\n) t;\nCOMMIT;\n`;
  const r = await t.host.exec({ argv: psqlArgv(database, t.pg, 'stagesync checks') }, { become: becomeOf(t.backupUser), stdin: text });
  if (r.code !== 0) {
    if (pgRetryable(r.code, r.stderr)) throw new StepError(t.host.name, 'checks', `psql exited with ${r.code ?? r.signal}`, { output: tail(r.stderr), retryable: true });
    return new Error(tail(r.stderr || r.stdout, 5).replace(/^psql:<stdin>:\d+: /gm, ''));
  }
  const rows = JSON.parse(r.stdout.trim()) as Record<string, CheckValue>[];
  const cols = rows[0] ? Object.values(rows[0]) : [];
  if (rows.length !== 1 || cols.length !== 1) return new Error(`the query gave ${rows.length} row(s) of ${cols.length} column(s); a check needs one value`);
  const v = cols[0]!;
  // A json/array value is compared by its text.
  return v !== null && typeof v === 'object' ? JSON.stringify(v) : v;
}

async function runCheck(t: SqlTarget, database: string, c: Check): Promise<CheckResult> {
  const value = await valueOf(t, database, c.sql);
  if (value instanceof Error) return { name: c.name, value: null, expected: '', passed: false, error: value.message };
  if ('equalsSql' in c.expect) {
    const other = await valueOf(t, database, c.expect.equalsSql);
    if (other instanceof Error) return { name: c.name, value, expected: '', passed: false, error: `equals_sql: ${other.message}` };
    return { name: c.name, value, other, ...judge(value, c.expect, other) };
  }
  return { name: c.name, value, ...judge(value, c.expect) };
}

/** Every check, in order (all run, so every value is in the report). */
export async function runChecks(t: SqlTarget, database: string, checks: Check[]): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const c of checks) results.push(await runCheck(t, database, c));
  return results;
}

export const checkLine = (r: CheckResult): string =>
  r.error ? `check "${r.name}" failed: ${r.error}` : `check "${r.name}" ${r.passed ? 'passed' : 'failed'}: got ${valueText(r.value)}, expected ${r.expected}`;

/** The step's failure when any check failed: each failing one named with both values. */
export function failedChecks(host: string, results: CheckResult[]): StepError | undefined {
  const failed = results.filter((r) => !r.passed);
  if (failed.length === 0) return undefined;
  return new StepError(host, 'checks', failed.map(checkLine).join('; '));
}
