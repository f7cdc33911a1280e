// The dump's table of contents (`pg_restore -l -v`): which entries to restore.
// Excluding a table leaves out every entry that depends on it, transitively (its data,
// indexes, constraints, owned sequences, defaults, comments, ACLs, views over it, FKs to it):
// pg_restore would otherwise fail on them under --exit-on-error. `-v` prints the dependencies.

export interface TocEntry {
  /** The line as pg_restore printed it (written back to the --use-list file). */
  line: string;
  id: number;
  /** e.g. `TABLE`, `TABLE DATA`, `FK CONSTRAINT`. */
  desc: string;
  /** The text after the description: `<schema> <tag> <owner>`. */
  rest: string;
  deps: number[];
}

export interface Toc {
  /** Every line in order (comments and entries), for writing the list back. */
  lines: string[];
  entries: TocEntry[];
}

/** Descriptions of more than one word, longest first (pg_backup_archiver.c / pg_dump.c). */
const MULTI_WORD = [
  'PUBLICATION TABLES IN SCHEMA',
  'MATERIALIZED VIEW DATA',
  'TEXT SEARCH CONFIGURATION',
  'TEXT SEARCH DICTIONARY',
  'TEXT SEARCH TEMPLATE',
  'TEXT SEARCH PARSER',
  'FOREIGN DATA WRAPPER',
  'DATABASE PROPERTIES',
  'PROCEDURAL LANGUAGE',
  'SEQUENCE OWNED BY',
  'PUBLICATION TABLE',
  'MATERIALIZED VIEW',
  'CHECK CONSTRAINT',
  'OPERATOR FAMILY',
  'OPERATOR CLASS',
  'SECURITY LABEL',
  'EVENT TRIGGER',
  'FOREIGN TABLE',
  'ACCESS METHOD',
  'BLOB METADATA',
  'FK CONSTRAINT',
  'LARGE OBJECT',
  'SEQUENCE SET',
  'ROW SECURITY',
  'INDEX ATTACH',
  'TABLE ATTACH',
  'USER MAPPING',
  'DEFAULT ACL',
  'SHELL TYPE',
  'TABLE DATA',
];

const ENTRY = /^(\d+); (\d+) (\d+) (.*)$/;
const DEPENDS = /^;\s*depends on:((?: \d+)*)\s*$/;

export function parseToc(text: string): Toc {
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const entries: TocEntry[] = [];
  for (const line of lines) {
    const dep = DEPENDS.exec(line);
    if (dep) {
      const last = entries.at(-1);
      if (last) last.deps.push(...dep[1]!.trim().split(/\s+/).filter(Boolean).map(Number));
      continue;
    }
    const m = ENTRY.exec(line);
    if (!m) continue;
    const body = m[4]!;
    const desc = MULTI_WORD.find((d) => body === d || body.startsWith(d + ' ')) ?? body.split(' ')[0]!;
    entries.push({ line, id: Number(m[1]), desc, rest: body.slice(desc.length + 1), deps: [] });
  }
  return { lines, entries };
}

/** A table named by the user: `name` (any schema) or `schema.name`. */
export interface TableRef {
  schema?: string;
  name: string;
}

export function parseTableRef(s: string): TableRef {
  const dot = s.indexOf('.');
  return dot > 0 ? { schema: s.slice(0, dot), name: s.slice(dot + 1) } : { name: s };
}

/** Schema and name of a TABLE entry (`<schema> <name> <owner>`; the name may hold spaces). */
export function tableOf(e: TocEntry): { schema: string; name: string } | undefined {
  if (e.desc !== 'TABLE') return undefined;
  const words = e.rest.split(' ');
  if (words.length < 3) return undefined;
  return { schema: words[0]!, name: words.slice(1, -1).join(' ') };
}

const matches = (ref: TableRef, t: { schema: string; name: string }): boolean =>
  t.name === ref.name && (ref.schema === undefined || ref.schema === t.schema);

export interface TocFilter {
  excludeTables: string[];
  fkConstraints: boolean;
}

export interface FilteredToc {
  /** The list for `pg_restore --use-list` (left-out entries commented with `;`). */
  list: string;
  /** Tables that will be restored: what verification expects to find. */
  tables: { schema: string; name: string }[];
  /** Tables left out on purpose, as `schema.name`. */
  excluded: string[];
  /** Exclude patterns that matched no table (likely typos: reported, not fatal). */
  unmatched: string[];
  /** Number of entries left out (tables, their dependents, FK constraints). */
  droppedEntries: number;
}

export function filterToc(toc: Toc, f: TocFilter): FilteredToc {
  const refs = f.excludeTables.map((s) => ({ s, ref: parseTableRef(s), hit: false }));
  const drop = new Set<number>();
  const excluded: string[] = [];
  for (const e of toc.entries) {
    const t = tableOf(e);
    if (t) {
      const hits = refs.filter((r) => matches(r.ref, t));
      if (hits.length) {
        hits.forEach((r) => (r.hit = true));
        drop.add(e.id);
        excluded.push(`${t.schema}.${t.name}`);
      }
    }
    if (!f.fkConstraints && e.desc === 'FK CONSTRAINT') drop.add(e.id);
  }
  // Transitive closure over the dependency lists (entries appear after what they need,
  // but not always: iterate to a fixed point).
  let grew = drop.size > 0;
  while (grew) {
    grew = false;
    for (const e of toc.entries) {
      if (!drop.has(e.id) && e.deps.some((d) => drop.has(d))) {
        drop.add(e.id);
        grew = true;
      }
    }
  }
  const dropLines = new Set(toc.entries.filter((e) => drop.has(e.id)).map((e) => e.line));
  const list = toc.lines.map((l) => (dropLines.has(l) ? ';' + l : l)).join('\n') + '\n';
  const tables = toc.entries.filter((e) => !drop.has(e.id)).flatMap((e) => tableOf(e) ?? []);
  return { list, tables, excluded, unmatched: refs.filter((r) => !r.hit).map((r) => r.s), droppedEntries: drop.size };
}
