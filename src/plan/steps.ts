// Orders the work of a plan into numbered steps: what --check prints and what the executor walks
// (src/run/db-sync.ts); the one place that says which step comes when, and whether at all.
import type { BucketCopyPlan, DbDestinationPlan, DbSourcePlan, DbStepAction, HookAction, HookCommand, MaskingPlan, PlanCommand, PlanStep } from './types.js';
import { checksSummary, migrateSummary, rehearsalEndSummary } from './rehearsal-summary.js';
import { rulesByTable } from './masking.js';

/** A step before it has its place: everything but the id. */
type NewStep = PlanStep extends infer S ? (S extends PlanStep ? Omit<S, 'id'> : never) : never;

interface StepInput {
  command: PlanCommand;
  /** stagesync_transfer: direct (the destinations pull from the source). */
  direct?: boolean;
  source?: DbSourcePlan;
  destinations: DbDestinationPlan[];
  copies: BucketCopyPlan[];
  masking?: MaskingPlan;
  /** `rehearse --keep`. */
  keep?: boolean;
}

export function orderSteps({ command, source, destinations, copies, direct, masking, keep = false }: StepInput): PlanStep[] {
  const steps: PlanStep[] = [];
  const add = (step: NewStep) => steps.push({ ...step, id: steps.length + 1 } as PlanStep);
  const db = (host: string, action: DbStepAction, summary: string, dest?: string) =>
    add({ host, action, tags: ['db'], summary, ...(dest ? { dest } : {}) });
  const hook = (d: DbDestinationPlan, action: HookAction, c: HookCommand, summary: string) =>
    add({ host: hookHost(c.host, d.host), action, tags: ['db'], summary, dest: d.host, hook: c });
  const dests = destinations.map((d) => d.host);

  if (command === 'rollback') {
    for (const d of destinations) {
      db(d.host, 'preflight', `reachable, become ${d.backupUser} works, psql present`, d.host);
      db(d.host, 'lock', `take the stagesync lock on ${d.database}`, d.host);
      db(d.host, 'rollback', `swap ${d.database} and ${d.database}_stagesync_prev`, d.host);
    }
    return steps;
  }
  if (command === 'cleanup') {
    if (source) db(source.host, 'preflight', 'reachable, become works');
    for (const d of destinations) db(d.host, 'preflight', 'reachable, become works', d.host);
    if (source) db(source.host, 'leftovers', `remove ${source.backupsDir}/.${source.database}.*.partial files whose backup script is gone`);
    for (const d of destinations) db(d.host, 'leftovers', `under the stagesync lock: drop ${d.database}_stagesync_new, remove the pair's temporary dumps in ${d.tmpDir}`, d.host);
    return steps;
  }

  const rehearsal = command === 'rehearse';
  if (source) {
    db(source.host, 'preflight', preflightSummary(source));
    for (const d of destinations) db(d.host, 'preflight', preflightSummary(source), d.host);
    for (const d of destinations) db(d.host, 'lock', `take the stagesync lock on ${d.database}`, d.host);
    const preHooks = (d: DbDestinationPlan) => {
      for (const c of d.preRestoreCommands) hook(d, 'pre_restore_commands', c, `run: ${c.command}`);
    };
    // in_place writes the live database from the restore on: its hooks (maintenance on) come
    // before it; swap mode needs them only around the swap (see below).
    for (const d of destinations) if (d.mode === 'in_place' && d.pipelined) preHooks(d);
    const { pipelined } = source;
    add({ host: source.host, action: 'backup', tags: ['db'], summary: backupSummary(source) + (masking ? `; without the data of the masked tables, in a snapshot held open for their masked COPY` : ''), pipelined });
    const how = direct ? `${dests.join(', ')} pull the dump from ${source.host} over SSH` : `stream the dump to ${dests.join(', ')}`;
    const moveSummary = pipelined ? `${how} while it is written (sha256 checked on every end)` : `${how} (sha256 checked on both ends)`;
    add({ host: source.host, action: 'move', tags: ['db'], summary: moveSummary, pipelined });
    const restore = (d: DbDestinationPlan, from: 'stream' | 'file', how: string) =>
      add({ host: d.host, action: 'restore', tags: ['db'], summary: `${restoreSummary(d)} ${how}${restoreDetails(d)}${masking ? ', up to its data (indexes and constraints come after the masked rows)' : ''}`, dest: d.host, from });
    for (const d of destinations) if (d.pipelined) restore(d, 'stream', 'as the dump arrives');
    for (const d of destinations) if (d.mode === 'in_place' && !d.pipelined) preHooks(d);
    for (const d of destinations) {
      if (!d.pipelined) restore(d, 'file', 'from the moved file');
      if (masking) db(d.host, 'mask', `COPY the masked rows of ${maskedTables(masking)} ${direct ? `pulled from ${source.host} over SSH` : `from ${source.host}`} (read masked there, in the dump's snapshot), then build indexes and constraints`, d.host);
      if (d.postRestoreSql.length) db(d.host, 'post_restore_sql', `${d.postRestoreSql.length} statement(s) with bound parameters`, d.host);
      db(d.host, 'verify', 'every restored table present, row counts recorded', d.host);
      if (masking && masking.leakSample > 0) db(d.host, 'leak_check', `up to ${masking.leakSample} production values per masked column compared by keyed hash with the new copy: any match fails ${d.host}`, d.host);
      // Migrations before the swap, then the checks: both on the new copy, while staging is untouched.
      if (d.migrate) for (const c of d.postRestoreCommands) hook(d, 'migrate', c, migrateSummary(d, c));
      if (d.checks.length) db(d.host, 'checks', checksSummary(d), d.host);
      if (rehearsal) add({ host: d.host, action: 'rehearsal_end', tags: ['db'], summary: rehearsalEndSummary(d, keep), dest: d.host, keep });
      else if (d.mode === 'swap') {
        preHooks(d);
        db(d.host, 'swap', `rename ${d.database} → ${d.database}_stagesync_prev, ${d.database}_stagesync_new → ${d.database}`, d.host);
      }
      if (!d.migrate) for (const c of d.postRestoreCommands) hook(d, 'post_restore_commands', c, `run: ${c.command}`);
    }
  }
  for (const c of copies) {
    add({ host: 'localhost', action: 'bucket_copy', tags: ['files'], copy: c.index, summary: `${c.description}: s3://${c.source_bucket}/${c.source_path} → s3://${c.dest_bucket}/${c.dest_path} (profile ${profiles(c)}${c.delete ? `, delete up to ${c.max_delete === -1 ? 'any' : c.max_delete}` : ''}${c.acl ? `, acl ${c.acl}` : ''})` });
  }
  if (source) {
    // A rehearsal leaves staging alone: none of its hooks (maintenance mode...) run.
    for (const d of rehearsal ? [] : destinations) {
      for (const c of d.alwaysCommands) hook(d, 'always_commands', c, `always run: ${c.command}`);
    }
    db(source.host, 'cleanup', `remove temporary dumps on ${[source.host, ...dests].join(', ')}`);
  }
  return steps;
}

function maskedTables(m: MaskingPlan): string {
  return `${[...rulesByTable(m).keys()].join(', ')} (and the tables whose foreign keys reference them)`;
}

const hookHost = (where: 'dest' | 'localhost', dest: string) => (where === 'localhost' ? 'localhost' : dest);

function preflightSummary(source: DbSourcePlan): string {
  return `reachable, become ${source.backupUser} works, pg_dump/pg_restore/psql present, disk room`;
}

function backupSummary(s: DbSourcePlan): string {
  if (!s.executeBackup) return `take the newest existing ${s.database}.*.dump in ${s.backupsDir}`;
  if (s.pipelined) return `render ${s.scriptTemplate} to ${s.backupScript}, run it --stdout as ${s.backupUser} for ${s.database}: the dump goes to ${s.backupsDir} and to the destinations at once`;
  const script = s.createScripts ? `render ${s.scriptTemplate} to ${s.backupScript}, run it` : `run the host's own ${s.backupScript}`;
  return `${script} as ${s.backupUser} for ${s.database}; take the newest ${s.database}.*.dump in ${s.backupsDir}`;
}

function restoreSummary(d: DbDestinationPlan): string {
  return d.mode === 'swap' ? `restore into ${d.database}_stagesync_new owned by ${d.role}` : `pg_restore --clean --if-exists into the live ${d.database}`;
}

function restoreDetails(d: DbDestinationPlan): string {
  const parts: string[] = [];
  if (d.jobs > 1) parts.push(d.pipelined ? `post-data with --jobs ${d.jobs} from the complete copy` : `--jobs ${d.jobs}`);
  if (d.excludeTables.length) parts.push(`without ${d.excludeTables.join(', ')}`);
  if (!d.fkConstraints) parts.push('without foreign keys');
  return parts.length ? ` (${parts.join('; ')})` : '';
}

function profiles(c: BucketCopyPlan): string {
  if (c.source_profile || c.dest_profile) return `${c.source_profile ?? c.aws_profile} → ${c.dest_profile ?? c.aws_profile}`;
  return c.aws_profile;
}
