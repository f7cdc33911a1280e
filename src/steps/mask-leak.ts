// The leak check before the swap (docs/masking.md): for each masked column, a sample of
// production values is hashed on the source with a key made for this check, the hashes (never
// the values) come to the controller, and the destination counts the values of its new copy that
// hash the same. Any match is a production value that crossed: the destination fails.
import { randomBytes } from 'node:crypto';
import { StepError } from './errors.js';
import { leakMatchSql, leakSampleSql, type MaskedTable } from './mask-sql.js';
import { runSql, type SqlTarget } from './sql.js';

export interface LeakSide extends SqlTarget {
  database: string;
}

export interface ColumnLeak {
  column: string;
  /** Distinct production values compared. */
  sampled: number;
  /** Values of the new copy equal to one of them. */
  matches: number;
}

export interface LeakCheckParams {
  source: LeakSide;
  dest: LeakSide;
  tables: MaskedTable[];
  /** Production values per column (at most). */
  sample: number;
  /** The key of the hashes (default: a fresh random one; it never leaves this run). */
  key?: string;
}

/** Every masked column compared; throws when any production value is found in the new copy. */
export async function leakCheck(p: LeakCheckParams): Promise<ColumnLeak[]> {
  const key = p.key ?? randomBytes(32).toString('hex');
  // Every column at once: each is a scan on both sides, and they touch different tables or columns.
  const columns = p.tables.flatMap((t) => t.masked.map((c) => ({ t, c, sql: leakSampleSql(t, c, key, p.sample) })));
  const results = await Promise.all(
    columns.flatMap(({ t, c, sql }) => (sql ? [{ t, c, sql }] : [])).map(async ({ t, c, sql }): Promise<ColumnLeak> => {
      const hashes = (await runSql(p.source, p.source.database, sql, 'leak_check')).split('\n').filter((l) => /^[0-9a-f]{64}$/.test(l));
      const matches = hashes.length ? Number((await runSql(p.dest, p.dest.database, leakMatchSql(t, c, key, hashes), 'leak_check')).trim()) : 0;
      return { column: `${t.schema}.${t.name}.${c.name}`, sampled: hashes.length, matches };
    }),
  );
  const leaks = results.filter((r) => r.matches > 0);
  if (leaks.length) {
    const which = leaks.map((l) => `${l.column} (${l.matches} value(s) of ${l.sampled} sampled)`).join(', ');
    throw new LeakFound(p.dest.host.name, `production values found in the new copy: ${which}; it is not swapped in`, results);
  }
  return results;
}

/** The new copy holds production values of a masked column (never retried: the rules must change). */
export class LeakFound extends StepError {
  constructor(
    host: string,
    message: string,
    readonly results: ColumnLeak[],
  ) {
    super(host, 'leak_check', message);
    this.name = 'LeakFound';
  }
}
