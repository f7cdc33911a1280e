// Orders the work of a plan into numbered steps (what --check prints and the recap follows).
import type { BucketCopyPlan, DbDestinationPlan, DbSourcePlan, PlanCommand, PlanStep, StepAction, Tag } from './types.js';

interface StepInput {
  command: PlanCommand;
  source?: DbSourcePlan;
  destinations: DbDestinationPlan[];
  copies: BucketCopyPlan[];
}

export function orderSteps({ command, source, destinations, copies }: StepInput): PlanStep[] {
  const steps: PlanStep[] = [];
  const add = (host: string, action: StepAction, tags: Tag[], summary: string) =>
    steps.push({ id: steps.length + 1, host, action, tags, summary });
  const dests = destinations.map((d) => d.host);

  if (command === 'rollback') {
    for (const d of destinations) {
      add(d.host, 'preflight', ['db'], `reachable, become ${d.backupUser} works, psql present`);
      add(d.host, 'rollback', ['db'], `swap ${d.database} and ${d.database}_stagesync_prev`);
    }
    return steps;
  }
  if (command === 'cleanup') {
    for (const h of [...(source ? [source.host] : []), ...dests]) add(h, 'preflight', ['db'], 'reachable, become works');
    if (source) add(source.host, 'leftovers', ['db'], `remove ${source.backupsDir}/.${source.database}.*.partial files whose backup script is gone`);
    for (const d of destinations) add(d.host, 'leftovers', ['db'], `under the stagesync lock: drop ${d.database}_stagesync_new, remove the pair's temporary dumps in ${d.tmpDir}`);
    return steps;
  }

  if (source) {
    for (const h of [source.host, ...dests]) add(h, 'preflight', ['db'], preflightSummary(source));
    for (const d of destinations) add(d.host, 'lock', ['db'], `take the stagesync lock on ${d.database}`);
    const preHooks = (d: DbDestinationPlan) => {
      for (const c of d.preRestoreCommands) add(hookHost(c.host, d.host), 'pre_restore_commands', ['db'], `run: ${c.command}`);
    };
    // in_place writes the live database from the restore on: its hooks (maintenance on) come
    // before it; swap mode needs them only around the swap (see below).
    for (const d of destinations) if (d.mode === 'in_place' && d.pipelined) preHooks(d);
    add(source.host, 'backup', ['db'], backupSummary(source));
    add(
      source.host,
      'move',
      ['db'],
      source.pipelined
        ? `stream the dump to ${dests.join(', ')} while it is written (sha256 checked on every end)`
        : `stream the dump to ${dests.join(', ')} (sha256 checked on both ends)`,
    );
    for (const d of destinations) if (d.pipelined) add(d.host, 'restore', ['db'], `${restoreSummary(d)} as the dump arrives${restoreDetails(d)}`);
    for (const d of destinations) if (d.mode === 'in_place' && !d.pipelined) preHooks(d);
    for (const d of destinations) {
      if (!d.pipelined) add(d.host, 'restore', ['db'], `${restoreSummary(d)} from the moved file${restoreDetails(d)}`);
      if (d.postRestoreSql.length) add(d.host, 'post_restore_sql', ['db'], `${d.postRestoreSql.length} statement(s) with bound parameters`);
      add(d.host, 'verify', ['db'], 'every restored table present, row counts recorded');
      if (d.mode === 'swap') {
        preHooks(d);
        add(d.host, 'swap', ['db'], `rename ${d.database} → ${d.database}_stagesync_prev, ${d.database}_stagesync_new → ${d.database}`);
      }
      for (const c of d.postRestoreCommands) add(hookHost(c.host, d.host), 'post_restore_commands', ['db'], `run: ${c.command}`);
    }
  }
  for (const c of copies) {
    add('localhost', 'bucket_copy', ['files'], `${c.description}: s3://${c.source_bucket}/${c.source_path} → s3://${c.dest_bucket}/${c.dest_path} (profile ${profiles(c)}${c.delete ? `, delete up to ${c.max_delete === -1 ? 'any' : c.max_delete}` : ''}${c.acl ? `, acl ${c.acl}` : ''})`);
  }
  if (source) {
    for (const d of destinations) {
      for (const c of d.alwaysCommands) add(hookHost(c.host, d.host), 'always_commands', ['db'], `always run: ${c.command}`);
    }
    add(source.host, 'cleanup', ['db'], `remove temporary dumps on ${[source.host, ...dests].join(', ')}`);
  }
  return steps;
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
  if (d.jobs > 1) parts.push(`--jobs ${d.jobs}`);
  if (d.excludeTables.length) parts.push(`without ${d.excludeTables.join(', ')}`);
  if (!d.fkConstraints) parts.push('without foreign keys');
  return parts.length ? ` (${parts.join('; ')})` : '';
}

function profiles(c: BucketCopyPlan): string {
  if (c.source_profile || c.dest_profile) return `${c.source_profile ?? c.aws_profile} → ${c.dest_profile ?? c.aws_profile}`;
  return c.aws_profile;
}
