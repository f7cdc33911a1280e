// Masked syncs on the lab (issue 12): the pair's vars, the byte search over a destination host,
// and what production looks like for the comparisons.
import { labHost, nsExec, psql } from '../../lab/index.js';

export const SALT = 'lab-masking-salt-5f2c9e';
export const PROD = 'production';

/** The rules of the lab's personal columns: emails in two tables, names, phones, a birth date; orders inherit. */
export const RULES = `stagesync_masking:
  public.auth_user:
    email: email
    first_name: first_name
    last_name: last_name
    username: username
  customers:
    email: email
    full_name: full_name
    phone: phone
    birth_date: {date_noise: "30 days"}
`;

/** A pair from db1 to `dest`, masked with `salt` (none: no masking), plus any other vars. */
export function pairVars(dest: string, o: { salt?: string; rules?: string; extra?: string } = {}): string {
  return [
    'stagesync_source_hosts: stagesync-sourcedb',
    `stagesync_dest_hosts: ${dest}`,
    `stagesync_sourcedb: ${PROD}`,
    'stagesync_destdb: stage',
    'stagesync_destdb_role: stage',
    ...(o.salt ? [`stagesync_masking_salt: ${JSON.stringify(o.salt)}`, o.rules ?? RULES] : []),
    o.extra ?? '',
  ].join('\n');
}


/**
 * Which of `values` occur, byte for byte, anywhere under `dirs` of the host (grep -a -r -F -f,
 * inside its namespace): `{ value: count }` of those found.
 */
export async function byteSearch(host: string, values: string[], dirs: string[]): Promise<Record<string, number>> {
  const script = 'LC_ALL=C grep -a -r -s -F -o -h -f - "$@" | LC_ALL=C sort | LC_ALL=C uniq -c; exit 0';
  const r = await nsExec(labHost(host), ['sh', '-c', script, 'sh', ...dirs], { input: values.join('\n') + '\n' });
  const found: Record<string, number> = {};
  for (const line of String(r.stdout).split('\n')) {
    const m = /^\s*(\d+) (.*)$/.exec(line);
    if (m) found[m[2]!] = Number(m[1]);
  }
  return found;
}

/** Where a destination keeps anything of a sync: PostgreSQL's files (heap, WAL, log), temp and dump dirs. */
export const DEST_DIRS = ['/var/lib/postgresql', '/tmp', '/opt'];

/** 100 production values of the masked columns: 50 emails (both tables) and 50 full names. */
export async function sampledProduction(): Promise<string[]> {
  const rows = (sql: string) => psql('db1', sql, PROD).then((o) => o.split('\n').filter(Boolean));
  const emails = [
    ...(await rows(`SELECT email FROM auth_user ORDER BY md5(email::text) LIMIT 25`)),
    ...(await rows(`SELECT email FROM customers WHERE user_id IS NULL ORDER BY md5(email) LIMIT 25`)),
  ];
  const names = await rows(`SELECT DISTINCT full_name FROM customers ORDER BY 1 LIMIT 50`);
  return [...emails, ...names];
}

/** md5 of a table's columns (all but `except`), rows in primary-key order. */
export async function columnsDigest(host: string, db: string, table: string, except: string[]): Promise<string> {
  const cols = (await psql(host, `SELECT string_agg(quote_ident(attname), ', ' ORDER BY attnum) FROM pg_attribute WHERE attrelid = '${table}'::regclass AND attnum > 0 AND NOT attisdropped AND attname NOT IN (${except.map((c) => `'${c}'`).join(', ') || "''"})`, db)).trim();
  return psql(host, `SELECT md5(string_agg(row(${cols})::text, E'\\n' ORDER BY row(${cols})::text)) FROM ${table}`, db);
}

/** Row counts of every ordinary table of a database. */
export async function rowCounts(host: string, db: string): Promise<Record<string, number>> {
  const tables = (await psql(host, `SELECT format('%I.%I', schemaname, tablename) FROM pg_tables WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1`, db)).split('\n').filter(Boolean);
  const out = await psql(host, tables.map((t) => `SELECT '${t}', count(*) FROM ${t}`).join(' UNION ALL '), db);
  return Object.fromEntries(out.split('\n').map((l) => l.split('|')).map(([k, v]) => [k!, Number(v)]));
}
