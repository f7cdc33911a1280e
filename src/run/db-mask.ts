// The masking part of a database sync (docs/masking.md), for DbSyncRun and its destinations: the
// catalog check at the source's preflight, the snapshot held across the dump and the masked reads,
// each destination's masked rows and post-data pass, and its leak check before the swap.
import type { DbSourcePlan, MaskingPlan } from '../plan/types.js';
import type { Command, Host } from '../transport/types.js';
import { readCatalog, resolveMasking, type ResolvedMasking } from '../steps/mask-catalog.js';
import { copyMasked, restorePostData } from '../steps/mask-copy.js';
import { pullOver, type DirectLink } from '../steps/direct.js';
import { leakCheck, type ColumnLeak } from '../steps/mask-leak.js';
import { holdSnapshot, type HeldSnapshot } from '../steps/mask-snapshot.js';
import { quoteIdent as id, quoteLiteral as lit, runSql, type PgConn } from '../steps/sql.js';
import { tableSql, type MaskedTable } from '../steps/mask-sql.js';
import { awaitedLater } from '../util/settle.js';
import { UserError } from '../errors.js';
import type { DbRunContext } from './db-context.js';

/** A destination's database the masked rows go into. */
export interface CopyTarget {
  host: Host;
  backupUser: string;
  /** The database restored into. */
  database: string;
  pg?: PgConn;
}

/** pg_restore is past the definitions: one of its sessions on the database runs a COPY. */
async function dataStarted(d: CopyTarget): Promise<boolean> {
  const sql = `SELECT count(*) FROM pg_stat_activity WHERE datname = ${lit(d.database)} AND application_name = 'stagesync-restore' AND query LIKE 'COPY %';`;
  return Number((await runSql(d, 'postgres', sql, 'mask')).trim()) > 0;
}

/** The masked tables the restore has created (those left out by the user never are). */
async function existingIn(d: CopyTarget, tables: MaskedTable[]): Promise<MaskedTable[]> {
  if (tables.length === 0) return [];
  const sql = `SELECT ${tables.map((t) => `to_regclass(${lit(tableSql(t))}) IS NOT NULL`).join(', ')};`;
  const found = (await runSql(d, d.database, sql, 'mask')).trim().split('|');
  return tables.filter((_, i) => found[i] === 't');
}

/** What a destination gives the masking: where its new copy is, and its dump. */
export interface MaskTarget extends CopyTarget {
  role: string;
  dumpPath: string;
  excludeTables: string[];
  fkConstraints: boolean;
  /** Tables the restore created (`schema.name`): the masked tables left out by the user are skipped. */
  restored: Set<string>;
}

export class MaskingRun {
  /** The rules checked against the source's catalog (at its preflight). */
  resolved?: ResolvedMasking;
  /** stagesync_transfer: direct — the destinations pull the masked rows from the source too. */
  link?: DirectLink;
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

  /**
   * The masked rows of every restored masked table (those `early` did not bring while the
   * restore ran), then the dump's post-data. Rows by table.
   */
  async load(d: MaskTarget, early?: Promise<Record<string, number>>): Promise<Record<string, number>> {
    const done = early ? await early : {};
    const rest = await this.copyRows(d, this.tablesIn(d).filter((t) => done[`${t.schema}.${t.name}`] === undefined));
    await restorePostData({ host: d.host, backupUser: d.backupUser, database: d.database, role: d.role, dumpPath: d.dumpPath, excludeTables: d.excludeTables, fkConstraints: d.fkConstraints, ...(d.pg ? { pg: d.pg } : {}), signal: this.ctx.signal });
    return { ...done, ...rest };
  }

  /**
   * Swap mode: the masked rows go into the fresh copy while pg_restore loads the other tables'
   * data (once it is past the definitions: it runs a COPY, or has ended), not after it.
   */
  copyWhileRestoring(d: CopyTarget, restoring: Promise<unknown>): Promise<Record<string, number>> {
    const started = async () => {
      const ended = restoring.then(
        () => true,
        () => true,
      );
      for (;;) {
        if (await Promise.race([ended, new Promise<false>((r) => setTimeout(r, 300, false))])) return;
        if (await dataStarted(d)) return;
      }
    };
    return awaitedLater(started().then(async () => this.copyRows(d, await existingIn(d, this.resolved?.tables ?? []))));
  }

  private async copyRows(d: CopyTarget, tables: MaskedTable[]): Promise<Record<string, number>> {
    const snapshot = this.ctx.resume.snapshot;
    snapshot?.assertHeld();
    const rows: Record<string, number> = {};
    for (const table of tables) {
      rows[`${table.schema}.${table.name}`] = await copyMasked({
        source: { host: this.src, backupUser: this.source.backupUser, database: this.source.database, ...(this.sourcePg ? { pg: this.sourcePg } : {}) },
        dest: { host: d.host, backupUser: d.backupUser, database: d.database, ...(d.pg ? { pg: d.pg } : {}) },
        table,
        salt: this.plan.salt,
        ...(snapshot ? { snapshot: snapshot.id } : {}),
        ...this.pullFor(d.host.name),
        signal: this.ctx.signal,
      });
    }
    return rows;
  }

  /** With direct transfer: how destination `name` runs a command on the source. */
  private pullFor(name: string): { pullFromSource?: (remote: readonly string[]) => Command } {
    const link = this.link;
    if (!link?.routes[name]) return {};
    return { pullFromSource: (remote) => pullOver(link, name, remote, this.source.backupUser) };
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
