// The masking transformers as SQL (docs/masking.md): plain expressions over built-in PostgreSQL
// functions (no extension on production), evaluated inside the source database so a raw value
// never leaves it. Deterministic: every expression derives from the keyed hash of the value
// (sha256 of the salt and the value), so the same production value masks to the same output in
// every table, pair and run, and joins on masked values keep working. Pure: text in, text out.
import { FIRST_NAMES, LAST_NAMES, PHONE_PREFIX } from './mask-words.js';
import { quoteIdent as id, quoteLiteral as lit } from './sql.js';

export type Transformer =
  | { kind: 'email'; domain: string }
  | { kind: 'first_name' | 'last_name' | 'full_name' | 'username' | 'phone' | 'null' }
  | { kind: 'hash'; length: number }
  | { kind: 'fixed'; value: string | number | boolean | null }
  | { kind: 'date_noise'; interval: string }
  | { kind: 'number_noise'; ratio: number }
  | { kind: 'sql'; expression: string };

export type TransformerKind = Transformer['kind'];

export const DEFAULT_EMAIL_DOMAIN = 'example.invalid';

/** One masked column of a table as found in the source's catalog. */
export interface MaskedColumn {
  name: string;
  /** `format_type()` of the column: the noise transformers cast their result back to it. */
  type: string;
  transformer: Transformer;
  /** `schema.table.column` whose rule this column follows through a foreign key. */
  inheritedFrom?: string;
  /** That column's name: an inherited {sql} expression sees this column's value under it. */
  inheritedColumn?: string;
}

/** A table whose data is read masked: every column COPY carries, in order, and its masked ones. */
export interface MaskedTable {
  schema: string;
  name: string;
  /** Columns COPY carries (not dropped, not generated), in their order. */
  columns: string[];
  masked: MaskedColumn[];
  /** Primary-key columns: the noise transformers are deterministic per row through them. */
  rowKey: string[];
}

export const tableSql = (t: { schema: string; name: string }): string => `${id(t.schema)}.${id(t.name)}`;

/** Hex of the keyed SHA-256 of a value (NULL for NULL): the root of every transformer. */
export function keyedHex(key: string, valueText: string): string {
  return `encode(sha256(convert_to(${lit(key)} || ${valueText}, 'UTF8')), 'hex')`;
}

/** A non-negative integer (< 2^60) from 15 hex digits of a digest, starting at 1-based `at`. */
const intOf = (hex: string, at: number) => `('x' || substr(${hex}, ${at}, 15))::bit(60)::bigint`;

const wordArray = (words: readonly string[]) => `ARRAY[${words.map(lit).join(', ')}]`;
const pick = (words: readonly string[], hex: string, at: number) => `(${wordArray(words)})[1 + ${intOf(hex, at)} % ${words.length}]`;

/** A number in [-1, 1] from a digest. */
const fraction = (hex: string) => `((${intOf(hex, 41)} % 2000001) - 1000000)::float8 / 1000000`;

/** The SQL expression that replaces column `c` in the masked SELECT. */
export function maskExpression(c: MaskedColumn, salt: string, rowKey: string[]): string {
  const col = id(c.name);
  const h = keyedHex(salt, `(${col})::text`);
  const t = c.transformer;
  switch (t.kind) {
    case 'email':
      return `'u' || substr(${h}, 1, 24) || ${lit('@' + t.domain)}`;
    case 'first_name':
      return pick(FIRST_NAMES, h, 1);
    case 'last_name':
      return pick(LAST_NAMES, h, 16);
    case 'full_name':
      return `${pick(FIRST_NAMES, h, 1)} || ' ' || ${pick(LAST_NAMES, h, 16)}`;
    case 'username':
      return `lower(${pick(FIRST_NAMES, h, 1)}) || '_' || substr(${h}, 31, 16)`;
    case 'phone':
      return `${lit(PHONE_PREFIX)} || lpad((${intOf(h, 31)} % 10000000)::text, 7, '0')`;
    case 'hash':
      return `substr(${h}, 1, ${t.length})`;
    case 'null':
      return 'NULL';
    case 'fixed':
      return t.value === null ? 'NULL' : lit(String(t.value));
    case 'date_noise':
    case 'number_noise': {
      // Per row: the row's key (its primary key, else the value itself) picks the noise.
      const key = rowKey.length ? `(ROW(${rowKey.map(id).join(', ')}))::text` : `(${col})::text`;
      const f = fraction(keyedHex(salt, key));
      const moved = t.kind === 'date_noise' ? `${col} + (${f}) * ${lit(t.interval)}::interval` : `${col} * (1 + ${lit(String(t.ratio))}::float8 * (${f}))`;
      return `CAST(${moved} AS ${c.type})`;
    }
    case 'sql':
      // Inherited through a foreign key: the expression was written for the referenced column,
      // so it reads this column's value under that name.
      return c.inheritedColumn === undefined ? `(${t.expression})` : `(SELECT (${t.expression}) FROM (SELECT ${col} AS ${id(c.inheritedColumn)}) AS referenced)`;
  }
}

/** The masked rows of a table, every column in order (the unmasked ones as they are). */
export function maskedSelect(t: MaskedTable, salt: string): string {
  const masked = new Map(t.masked.map((c) => [c.name, c]));
  const list = t.columns.map((name) => {
    const c = masked.get(name);
    return c ? `${maskExpression(c, salt, t.rowKey)} AS ${id(name)}` : id(name);
  });
  return `SELECT ${list.join(', ')} FROM ONLY ${tableSql(t)}`;
}

/** On the source: the masked rows as COPY text, read in the dump's snapshot when one is given. */
export function copyOutSql(t: MaskedTable, salt: string, snapshot?: string): string {
  return [
    'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY;',
    ...(snapshot ? [`SET TRANSACTION SNAPSHOT ${lit(snapshot)};`] : []),
    `COPY (${maskedSelect(t, salt)}) TO STDOUT;`,
    'COMMIT;',
  ].join('\n');
}

/** On the destination: the COPY that takes them (same columns, same order). */
export function copyInSql(t: MaskedTable): string {
  return `COPY ${tableSql(t)} (${t.columns.map(id).join(', ')}) FROM STDIN`;
}

/**
 * Values a transformer may produce by itself: left out of the leak check's sample, so a real
 * "Riley" is not told as a leak because the word list gave another row "Riley". undefined: the
 * transformer is not checked (noise keeps values near the original by design; null has none).
 */
export function leakFilter(t: Transformer, v: string): string | undefined {
  switch (t.kind) {
    case 'first_name':
      return `${v} <> ALL (${wordArray(FIRST_NAMES)})`;
    case 'last_name':
      return `${v} <> ALL (${wordArray(LAST_NAMES)})`;
    case 'full_name':
      return `NOT (split_part(${v}, ' ', 1) = ANY (${wordArray(FIRST_NAMES)}) AND split_part(${v}, ' ', 2) = ANY (${wordArray(LAST_NAMES)}))`;
    case 'phone':
      return `${v} NOT LIKE ${lit(PHONE_PREFIX + '%')}`;
    case 'fixed':
      return t.value === null ? 'true' : `${v} <> ${lit(String(t.value))}`;
    case 'date_noise':
    case 'number_noise':
    case 'null':
      return undefined;
    default:
      return 'true';
  }
}

/** On the source: keyed hashes of up to `limit` distinct production values of a masked column. */
export function leakSampleSql(t: { schema: string; name: string }, c: MaskedColumn, key: string, limit: number): string | undefined {
  const v = `(${id(c.name)})::text`;
  const filter = leakFilter(c.transformer, v);
  if (filter === undefined) return undefined;
  const sample = `SELECT DISTINCT ${v} AS v FROM ONLY ${tableSql(t)} WHERE ${v} <> '' AND ${filter} LIMIT ${Math.trunc(limit)}`;
  return `SELECT ${keyedHex(key, 'v')} FROM (${sample}) s;`;
}

/** On the destination: how many values of the column hash to one of the production sample's. */
export function leakMatchSql(t: { schema: string; name: string }, c: MaskedColumn, key: string, hashes: string[]): string {
  const v = `(${id(c.name)})::text`;
  const list = hashes.length ? `ARRAY[${hashes.map(lit).join(', ')}]::text[]` : `ARRAY[]::text[]`;
  return `SELECT count(*) FROM ONLY ${tableSql(t)} WHERE ${keyedHex(key, v)} = ANY (${list});`;
}
