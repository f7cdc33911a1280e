// Whether a check's value is what its `expect` says (stagesync_checks, docs/rehearsal.md). Pure:
// values come as JSON gives them (numbers, strings, booleans, null).

/** A value, another query's value (`equalsSql`, its result given as `other`), or a bound. */
export type Expectation = { value: string | number | boolean } | { equalsSql: string } | { min: number } | { max: number };

export type CheckValue = string | number | boolean | null;

export interface Verdict {
  passed: boolean;
  /** What was expected, for the output: `42`, `>= 1`, `41 (SELECT count(*) FROM user_pair)`. */
  expected: string;
}

/** A number, or a string PostgreSQL wrote for one (numeric beyond JSON's range comes as text). */
function asNumber(v: CheckValue): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  return undefined;
}

/** Equal as numbers when both are numbers, else as their text (a bool `true` is `t` or `true`); NULL equals nothing, as in SQL. */
export function sameValue(a: CheckValue, b: CheckValue): boolean {
  if (a === null || b === null) return false;
  const x = asNumber(a);
  const y = asNumber(b);
  if (x !== undefined && y !== undefined) return x === y;
  if (typeof a === 'boolean' || typeof b === 'boolean') return boolText(a) === boolText(b);
  return String(a) === String(b);
}

const boolText = (v: string | number | boolean): string => (v === true || v === 't' || v === 'true' ? 'true' : v === false || v === 'f' || v === 'false' ? 'false' : String(v));

export const valueText = (v: CheckValue): string => (v === null ? 'NULL' : typeof v === 'string' ? JSON.stringify(v) : String(v));

export function judge(value: CheckValue, e: Expectation, other?: CheckValue): Verdict {
  if ('value' in e) return { passed: sameValue(value, e.value), expected: valueText(e.value) };
  if ('equalsSql' in e) return { passed: other !== undefined && sameValue(value, other), expected: `${valueText(other ?? null)} (${e.equalsSql})` };
  const n = asNumber(value);
  if ('min' in e) return { passed: n !== undefined && n >= e.min, expected: `>= ${e.min}` };
  return { passed: n !== undefined && n <= e.max, expected: `<= ${e.max}` };
}
