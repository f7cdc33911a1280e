// The run-wide state of a database sync and its phases, in the order of the plan's steps
// (src/plan/steps.ts): each phase takes the steps it carries out from the plan.
import pLimit from 'p-limit';
import { mib } from '../util/units.js';
import type { DbDestinationPlan, DbSourcePlan, MaskingPlan, PlanStep } from '../plan/types.js';
import type { Host } from '../transport/types.js';
import { checkCompat, preflightSource, type SourceFacts } from '../steps/preflight.js';
import { StepError } from '../steps/errors.js';
import { checkPull } from '../steps/direct-check.js';
import type { DirectLink } from '../steps/direct.js';
import type { DbRunContext } from './db-context.js';
import { DestinationRun } from './db-dest.js';
import { fileBackup, streamBackup } from './db-transfer.js';
import { finishRun } from './db-finish.js';
import { sayLeftovers } from './leftovers.js';
import { valueOf } from './tracker.js';
import { MaskingRun } from './db-mask.js';

export class DbSyncRun {
  // Parameters
  readonly source: DbSourcePlan;
  /** Every destination of the plan, in its order. */
  readonly dests: DestinationRun[];
  private readonly src: Host;
  /** Forks: how many destinations work at once. */
  private readonly limit: ReturnType<typeof pLimit>;
  /** stagesync_masking: the masked tables' rows are read masked on the source. */
  readonly masking?: MaskingRun;

  // Internal state
  private sourceFacts?: SourceFacts;
  /** The dump on the source, once the backup has made (or found) it. */
  dumpPath?: string;
  /** Destinations the dump was moved to in this attempt or an earlier one. */
  readonly movedTo = new Set<string>();
  /** Older generations being dropped after swaps: waited for before the locks go. */
  readonly retiring: Promise<void>[] = [];
  /** This attempt streamed the dump, so the hooks the plan puts before the backup have run. */
  private pipelined = false;
  /** stagesync_transfer: direct — how the destinations reach the source (set by the preflight). */
  private link?: DirectLink;

  constructor(
    readonly ctx: DbRunContext,
    db: { source: DbSourcePlan; destinations: DbDestinationPlan[]; masking?: MaskingPlan },
  ) {
    this.source = db.source;
    this.src = ctx.hostOf(db.source.host);
    this.limit = pLimit(ctx.plan.forks);
    if (db.masking) this.masking = new MaskingRun(ctx, db.masking, db.source, this.src);
    const reports: Record<string, Record<string, unknown>> = {};
    ctx.record('destinations', reports);
    const masking = this.masking;
    this.dests = db.destinations.map((d) => new DestinationRun(ctx, d, { reports, retiring: this.retiring, ...(masking ? { masking } : {}) }));
  }

  /** The destinations still in the run. */
  live(): DestinationRun[] {
    return this.dests.filter((d) => d.live);
  }

  /** The plan's steps for a destination (by the destination they serve, wherever they run). */
  stepsOf(d: DestinationRun): PlanStep[] {
    return this.ctx.plan.steps.filter((s) => 'dest' in s && s.dest === d.host);
  }

  /** Every host, before anything is written anywhere; then the checks across hosts. */
  async preflight(): Promise<boolean> {
    const source = this.source;
    const [facts] = await Promise.all([
      this.ctx.tracker.step(source.host, 'preflight', async () => {
        await this.src.connect();
        const f = await preflightSource(this.src, { backupUser: source.backupUser, database: source.database, backupsDir: source.backupsDir, pg: source.pg });
        // The masking rules against the source's catalog: a rule naming nothing stops the run here.
        const masked = this.masking && f.dbSize !== undefined ? `; ${await this.masking.check(f.pg)}` : '';
        return { value: f, outcome: 'ok', detail: `PostgreSQL ${f.serverMajor}, ${source.database} ${f.dbSize === undefined ? 'missing' : mib(f.dbSize)}${masked}` };
      }),
      ...this.dests.map((d) => this.limit(() => d.preflight())),
    ]);
    this.sourceFacts = valueOf(facts);
    if (!this.sourceFacts) return this.skipRest('the source failed its preflight');
    return this.compatible() && (await this.canPull());
  }

  /** direct: every destination logs in to the source as it will for the pull; one that cannot is out. */
  private async canPull(): Promise<boolean> {
    if (this.ctx.plan.db?.transfer !== 'direct') return true;
    const source = this.source;
    if (!this.src.peer) {
      this.ctx.tracker.fail(source.host, 'compatibility', new StepError(source.host, 'preflight', 'stagesync_transfer: direct needs a source reached over SSH'));
      return this.skipRest('the destinations cannot pull from the source');
    }
    const peer = await this.src.peer();
    const routes = Object.fromEntries(this.live().map((d) => [d.host, { address: d.plan.pullFrom?.address ?? peer.hostname, ...(d.plan.pullFrom?.identityFile ? { identityFile: d.plan.pullFrom.identityFile } : {}) }]));
    this.link = { peer, routes };
    if (this.masking) this.masking.link = this.link;
    const check = (d: DestinationRun) => ({ peer, route: routes[d.host]!, sourceName: source.host, sourceUser: source.backupUser });
    await this.forEachLive((d) => d.step('compatibility', async () => ({ value: undefined, outcome: 'ok' as const, detail: await checkPull(this.ctx.hostOf(d.host), check(d)) })).then(() => undefined));
    return this.live().length > 0;
  }

  /** Across hosts: dump format vs pg_restore, disk room. Errors stop that host before anything moves. */
  private compatible(): boolean {
    const source = this.source;
    const problems = checkCompat({ source: this.sourceFacts!, dests: this.live().map((d) => d.facts!), compression: source.compression });
    for (const p of problems.filter((x) => x.level === 'warning')) this.ctx.output.warn(`${p.host}: ${p.problem}`);
    const blocking = problems.filter((p) => p.level === 'error');
    const why = (host: string) => blocking.filter((p) => p.host === host).map((p) => p.problem).join('; ');
    if (blocking.some((p) => p.host === source.host)) {
      this.ctx.tracker.fail(source.host, 'compatibility', new StepError(source.host, 'preflight', why(source.host)));
      return this.skipRest('the source cannot be dumped');
    }
    for (const d of this.live()) if (blocking.some((p) => p.host === d.host)) d.failWith('compatibility', new StepError(d.host, 'preflight', why(d.host)));
    return this.live().length > 0;
  }

  /** Each destination's lock: two runs never write the same one; then what interrupted runs left there. */
  async lock(): Promise<boolean> {
    await Promise.all(this.live().map((d) => d.takeLock()));
    if (this.live().length === 0) return false;
    await sayLeftovers(this.ctx, this.source, this.live().map((d) => d.plan));
    return true;
  }

  /**
   * Backup and move, as the plan's backup step says: pipelined (the move and the one-job
   * restores run while the dump is written) or the complete file. A retry resumes from the dump
   * file the first attempt left. in_place restores that read the stream write the live database
   * from their first byte: their pre-restore hooks (the plan puts them first) run before.
   */
  async transfer(): Promise<boolean> {
    this.forgetDumpOfLostSnapshot();
    const backupStep = this.ctx.plan.steps.find((s) => s.action === 'backup');
    const pipelined = (this.pipelined = backupStep?.action === 'backup' && backupStep.pipelined && !this.ctx.resume.dump);
    const streamed = new Set(pipelined ? this.ctx.plan.steps.flatMap((s) => (s.action === 'restore' && s.from === 'stream' ? [s.dest] : [])) : []);
    const backupId = backupStep?.id ?? Infinity;
    await this.forEachLive(async (d) => {
      for (const s of this.stepsOf(d)) if (s.id < backupId && s.action === 'pre_restore_commands' && pipelined && !(await d.hook(s.action, s.hook))) return;
    });
    if (this.live().length === 0) return false;
    const masking = this.masking;
    const input = {
      ctx: this.ctx,
      source: this.source,
      src: this.src,
      dests: this.live(),
      ...(this.link ? { link: this.link } : {}),
      ...(masking ? { dumpArgs: async () => masking.dumpArgs(await masking.hold()) } : {}),
    };
    const sent = pipelined ? await streamBackup(input, streamed) : await fileBackup(input);
    const restoredOnTheWay = (d: DestinationRun) => d.prepared !== undefined || streamed.has(d.host);
    if (!sent.backed) return this.skipRest('no dump to restore: the backup failed', (d) => !restoredOnTheWay(d));
    this.dumpPath = sent.backed.path;
    const { moved } = sent;
    this.ctx.record('dump', { path: sent.backed.path, bytes: sent.backed.size, ...(moved ? { sha256: moved.sha256 } : {}) });
    if (!moved) return this.skipRest('the dump did not reach any destination', (d) => !streamed.has(d.host));
    for (const f of moved.failed) {
      const d = this.dests.find((x) => x.host === f.host);
      // A streamed restore has already told its failure.
      if (d && !streamed.has(d.host)) d.failWith('receive', f.error);
      else if (d) d.phase = 'out';
    }
    for (const d of this.live()) if (this.ctx.resume.delivered.has(d.host) || this.ctx.resume.restored.has(d.host)) this.movedTo.add(d.host);
    return this.live().length > 0;
  }

  /**
   * Each destination walks the rest of its steps (forks bound the parallel restores). A retry
   * that restores from the file runs the pre-restore hooks the plan put before the stream.
   */
  async restore(): Promise<void> {
    const moveId = this.ctx.plan.steps.find((s) => s.action === 'move')?.id ?? 0;
    const early = (s: PlanStep) => s.action === 'pre_restore_commands' && !this.pipelined;
    await this.forEachLive((d) => {
      const after = this.stepsOf(d).filter((s) => (s.id > moveId || early(s)) && s.action !== 'always_commands');
      return d.walk(after, this.ctx.resume.delivered.get(d.host)?.path);
    });
  }

  /** Always: always-commands, cleanup of temporary dumps and databases, locks released. */
  async finish(): Promise<void> {
    // A retry reads in the same snapshot as the dump it resumes from.
    if (!this.ctx.willRetry()) await this.masking?.release().catch((e: Error) => this.ctx.output.verbose(1, this.source.host, `masking snapshot: ${e.message}`));
    await finishRun(this);
  }

  /**
   * A masked retry resumes from the earlier dump only while the snapshot it was made in is held:
   * masked rows read in another snapshot would not match it. Otherwise it dumps again.
   */
  private forgetDumpOfLostSnapshot(): void {
    const { resume } = this.ctx;
    if (!this.masking || !resume.dump) return;
    try {
      if (!resume.snapshot) throw new Error('no snapshot');
      resume.snapshot.assertHeld();
    } catch {
      resume.snapshot = undefined;
      resume.dump = undefined;
      resume.delivered.clear();
    }
  }

  private async forEachLive(fn: (d: DestinationRun) => Promise<void>): Promise<void> {
    await Promise.all(this.live().map((d) => this.limit(() => fn(d))));
  }

  /** Destinations still in the run (those `which` picks) are skipped once the source side has failed. */
  private skipRest(reason: string, which: (d: DestinationRun) => boolean = () => true): false {
    for (const d of this.live().filter(which)) this.ctx.tracker.skip(d.host, 'restore', reason);
    return false;
  }
}
