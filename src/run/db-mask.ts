// The masking part of a database sync (docs/masking.md), for DbSyncRun and its destinations: the
// catalog check at the source's preflight, the snapshot held across the dump and the masked reads,
// each destination's masked rows and post-data pass, and its leak check before the swap.
import type { DbSourcePlan, MaskingPlan } from '../plan/types.js';
import type { Host } from '../transport/types.js';
import { readCatalog, resolveMasking, type ResolvedMasking } from '../steps/mask-catalog.js';
import { copyMasked, restorePostData } from '../steps/mask-copy.js';
import { leakCheck, type ColumnLeak } from '../steps/mask-leak.js';
import { holdSnapshot, type HeldSnapshot } from '../steps/mask-snapshot.js';
import { quoteIdent as id, type PgConn } from '../steps/sql.js';
import { UserError } from '../errors.js';
import type { DbRunContext } from './db-context.js';

/** What a destination gives the masking: where its new copy is, and its dump. */
export interface MaskTarget {
  host: Host;
  backupUser: string;
  role: string;
  /** The database restored into. */
  database: string;
  dumpPath: string;
  excludeTables: string[];
  fkConstraints: boolean;
  /** Tables the restore created (`schema.name`): the masked tables left out by the user are skipped. */
  restored: Set<string>;
  pg?: PgConn;
}

export class MaskingRun {
  /** The rules checked against the source's catalog (at its preflight). */
  resolved?: ResolvedMasking;
  private sourcePg?: PgConn;

  constructor(
    private readonly ctx: DbRunContext,
    readonly plan: MaskingPlan,
    private readonly source: DbSourcePlan,
    private readonly src: Host,
  ) {}

  /** At the source's preflight: rules against its catalog (UserError when one names nothing). */
  async check(pg?: PgConn): Promise<string> {
    this.sourcePg = pg;
    const cat = await readCatalog({ host: this.src, backupUser: this.source.backupUser, ...(pg ? { pg } : {}) }, this.source.database);
    const r = resolveMasking(cat, this.plan.rules, this.plan.file);
    const { output } = this.ctx;
    for (const i of r.inherited) output.info(`${this.source.host}: masking: ${i} (foreign key: same rule)`);
    for (const c of r.conflicts) output.warn(`${this.source.host}: masking: ${c} has a rule of its own, unlike the column it references: joins on it will not match`);
    if (r.unmasked.length && this.plan.requireAll) {
      throw new UserError(`is true and these columns look personal but have no rule: ${r.unmasked.join(', ')}`, { ...(this.plan.file ? { file: this.plan.file } : {}), path: 'stagesync_masking_require_all' });
    }
    if (r.unmasked.length) output.warn(`${this.source.host}: masking: these columns look personal but have no rule (copied as they are): ${r.unmasked.join(', ')}`);
    this.resolved = r;
    this.ctx.record('masking', { tables: r.tables.map((t) => `${t.schema}.${t.name}`), inherited: r.inherited, unmaskedPersonal: r.unmasked, leakSample: this.plan.leakSample });
    return `${r.tables.length} masked table(s), ${r.inherited.length} column(s) through foreign keys`;
  }

  /** The snapshot the dump and the masked reads share (kept across attempts while its session lives). */
  async hold(): Promise<HeldSnapshot> {
    const { resume } = this.ctx;
    if (resume.snapshot) {
      try {
        resume.snapshot.assertHeld();
        return resume.snapshot;
      } catch {
        // Its session ended: a dump made in it cannot be matched by masked reads any more.
        resume.snapshot = undefined;
      }
    }
    resume.snapshot = await holdSnapshot(this.src, { database: this.source.database, backupUser: this.source.backupUser, ...(this.sourcePg ? { pg: this.sourcePg } : {}) });
    return resume.snapshot;
  }

  /** pg_dump's options: the held snapshot, and no data of the masked tables. */
  dumpArgs(snapshot: HeldSnapshot): string[] {
    return [`--snapshot=${snapshot.id}`, ...(this.resolved?.tables ?? []).map((t) => `--exclude-table-data=${id(t.schema)}.${id(t.name)}`)];
  }

  /** The masked rows of every restored masked table, then the dump's post-data. Rows by table. */
  async load(d: MaskTarget): Promise<Record<string, number>> {
    const snapshot = this.ctx.resume.snapshot;
    snapshot?.assertHeld();
    const rows: Record<string, number> = {};
    for (const table of this.tablesIn(d)) {
      rows[`${table.schema}.${table.name}`] = await copyMasked({
        source: { host: this.src, backupUser: this.source.backupUser, database: this.source.database, ...(this.sourcePg ? { pg: this.sourcePg } : {}) },
        dest: { host: d.host, backupUser: d.backupUser, database: d.database, ...(d.pg ? { pg: d.pg } : {}) },
        table,
        salt: this.plan.salt,
        ...(snapshot ? { snapshot: snapshot.id } : {}),
        signal: this.ctx.signal,
      });
    }
    await restorePostData({ host: d.host, backupUser: d.backupUser, database: d.database, role: d.role, dumpPath: d.dumpPath, excludeTables: d.excludeTables, fkConstraints: d.fkConstraints, ...(d.pg ? { pg: d.pg } : {}), signal: this.ctx.signal });
    return rows;
  }

  /** Production values of each masked column looked for in the new copy, by keyed hash. */
  async leaks(d: MaskTarget): Promise<ColumnLeak[]> {
    return leakCheck({
      source: { host: this.src, backupUser: this.source.backupUser, database: this.source.database, ...(this.sourcePg ? { pg: this.sourcePg } : {}) },
      dest: { host: d.host, backupUser: d.backupUser, database: d.database, ...(d.pg ? { pg: d.pg } : {}) },
      tables: this.tablesIn(d),
      sample: this.plan.leakSample,
    });
  }

  /** The end of the run (not before a retry, which reads in the same snapshot). */
  async release(): Promise<void> {
    const s = this.ctx.resume.snapshot;
    this.ctx.resume.snapshot = undefined;
    await s?.release();
  }

  private tablesIn(d: MaskTarget) {
    return (this.resolved?.tables ?? []).filter((t) => d.restored.has(`${t.schema}.${t.name}`));
  }
}
