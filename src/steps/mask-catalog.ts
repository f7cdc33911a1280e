// The masking rules against the source's catalog (docs/masking.md), at preflight: every rule's
// table and column exist (else bad input naming the rule, before anything is touched); columns
// referencing a masked column through a foreign key (directly, along chains, or as part of a
// composite key) get its rule; personal-looking columns without a rule are named.
import { UserError } from '../errors.js';
import type { MaskedColumn, MaskedTable, Transformer } from './mask-sql.js';
import { runSql, type SqlTarget } from './sql.js';

export interface CatalogRule {
  schema: string;
  name: string;
  column: string;
  transformer: Transformer;
  path: string;
}

interface CatColumn { s: string; t: string; c: string; type: string; gen: boolean }
interface CatKey { s: string; t: string; cols: string[] }
interface CatFk extends CatKey { rs: string; rt: string; rcols: string[] }
export interface Catalog { columns: CatColumn[]; pks: CatKey[]; fks: CatFk[] }

const COLS_OF = (rel: string, keys: string) =>
  `(SELECT json_agg(a.attname ORDER BY k.i) FROM unnest(${keys}) WITH ORDINALITY k(attnum, i) JOIN pg_attribute a ON a.attrelid = ${rel} AND a.attnum = k.attnum)`;
const USER_SCHEMA = `n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg\\_toast%' AND n.nspname NOT LIKE 'pg\\_temp%'`;

/** Columns of ordinary tables, primary keys and foreign keys of the user's schemas, as one JSON. */
export const CATALOG_SQL = `SELECT json_build_object(
 'columns', coalesce((SELECT json_agg(json_build_object('s', n.nspname, 't', c.relname, 'c', a.attname, 'type', format_type(a.atttypid, a.atttypmod), 'gen', a.attgenerated <> '') ORDER BY n.nspname, c.relname, a.attnum)
   FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE c.relkind = 'r' AND a.attnum > 0 AND NOT a.attisdropped AND ${USER_SCHEMA}), '[]'),
 'pks', coalesce((SELECT json_agg(json_build_object('s', n.nspname, 't', c.relname, 'cols', ${COLS_OF('con.conrelid', 'con.conkey')}))
   FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace WHERE con.contype = 'p' AND ${USER_SCHEMA}), '[]'),
 'fks', coalesce((SELECT json_agg(json_build_object('s', n.nspname, 't', c.relname, 'cols', ${COLS_OF('con.conrelid', 'con.conkey')}, 'rs', rn.nspname, 'rt', rc.relname, 'rcols', ${COLS_OF('con.confrelid', 'con.confkey')}))
   FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
   JOIN pg_class rc ON rc.oid = con.confrelid JOIN pg_namespace rn ON rn.oid = rc.relnamespace WHERE con.contype = 'f' AND ${USER_SCHEMA}), '[]'));`;

export async function readCatalog(t: SqlTarget, database: string): Promise<Catalog> {
  return JSON.parse((await runSql(t, database, CATALOG_SQL, 'preflight')).trim()) as Catalog;
}

/** Column names that look personal (the list and their usual spellings). */
const PERSONAL = /e_?mail|phone|mobile|(^|_)(first|last|full|middle|given|family|sur|user|display|maiden)_?name$|^name$|address|street|postcode|zip_?code|birth|(^|_)dob($|_)|(^|_)ip($|_)|ip_?addr|iban|(^|_)ssn($|_)|social_security|passport|national_id|tax_id|token/i;

export interface ResolvedMasking {
  tables: MaskedTable[];
  /** `schema.table.column ← schema.table.column`: rules taken through foreign keys. */
  inherited: string[];
  /** Personal-looking columns without a rule, as `schema.table.column`. */
  unmasked: string[];
  /** Columns whose own rule differs from the one a foreign key would give them. */
  conflicts: string[];
}

const keyOf = (s: string, t: string, c?: string) => (c === undefined ? `${s}.${t}` : `${s}.${t}.${c}`);

/** Rules checked against the catalog, inherited along foreign keys, grouped by table. Throws UserError for a rule naming nothing. */
export function resolveMasking(cat: Catalog, rules: CatalogRule[], file?: string): ResolvedMasking {
  const columns = new Map(cat.columns.map((c) => [keyOf(c.s, c.t, c.c), c]));
  const tables = new Set(cat.columns.map((c) => keyOf(c.s, c.t)));
  const rule = new Map<string, Inherited>();
  for (const r of rules) {
    if (!tables.has(keyOf(r.schema, r.name))) throw new UserError(`no table ${r.schema}.${r.name} in the source database`, { file, path: r.path.slice(0, r.path.lastIndexOf('.')) });
    const col = columns.get(keyOf(r.schema, r.name, r.column));
    if (!col) throw new UserError(`no column ${r.column} in ${r.schema}.${r.name} of the source database`, { file, path: r.path });
    if (col.gen) throw new UserError(`${r.column} is a generated column: it is computed from the others, mask those instead`, { file, path: r.path });
    rule.set(keyOf(r.schema, r.name, r.column), { transformer: r.transformer });
  }
  const { inherited, conflicts } = inherit(cat, rule);
  const byTable = new Map<string, MaskedColumn[]>();
  for (const [k, r] of rule) {
    const c = columns.get(k)!;
    const list = byTable.get(keyOf(c.s, c.t)) ?? [];
    list.push({ name: c.c, type: c.type, transformer: r.transformer, ...(r.from ? { inheritedFrom: r.from.key, inheritedColumn: r.from.column } : {}) });
    byTable.set(keyOf(c.s, c.t), list);
  }
  const pks = new Map(cat.pks.map((p) => [keyOf(p.s, p.t), p.cols]));
  const out: MaskedTable[] = [...byTable].map(([k, masked]) => {
    const cols = cat.columns.filter((c) => keyOf(c.s, c.t) === k);
    return { schema: cols[0]!.s, name: cols[0]!.t, columns: cols.filter((c) => !c.gen).map((c) => c.c), masked, rowKey: pks.get(k) ?? [] };
  });
  const unmasked = cat.columns.filter((c) => !c.gen && PERSONAL.test(c.c) && !rule.has(keyOf(c.s, c.t, c.c))).map((c) => keyOf(c.s, c.t, c.c));
  return { tables: out, inherited, unmasked, conflicts };
}

/** Follows foreign keys to a fixed point: a referencing column takes its referenced column's rule. */
/** A column's rule, and the column it follows through a foreign key (the first one that has its own rule). */
interface Inherited {
  transformer: Transformer;
  from?: { key: string; column: string };
}

function inherit(cat: Catalog, rule: Map<string, Inherited>): { inherited: string[]; conflicts: string[] } {
  const inherited: string[] = [];
  const conflicts = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const fk of cat.fks) {
      fk.cols.forEach((col, i) => {
        const to = keyOf(fk.rs, fk.rt, fk.rcols[i]!);
        const from = keyOf(fk.s, fk.t, col);
        const r = rule.get(to);
        if (!r) return;
        const own = rule.get(from);
        if (own && JSON.stringify(own.transformer) !== JSON.stringify(r.transformer)) conflicts.add(`${from} (its foreign key to ${to})`);
        if (own) return;
        rule.set(from, { transformer: r.transformer, from: r.from ?? { key: to, column: fk.rcols[i]! } });
        inherited.push(`${from} ← ${to}`);
        grew = true;
      });
    }
  }
  return { inherited, conflicts: [...conflicts] };
}
