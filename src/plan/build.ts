// inventory + vars → a validated Plan. Reads local files only; never touches the network.
import { basename, extname } from 'node:path';
import { UserError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import type { SourcedVars } from '../util/sourced-vars.js';
import type { Copy, ResolvedVars, StagesyncVars } from '../schema/stagesync-vars.js';
import { asResolved } from '../schema/resolved.js';
import { orderSteps } from './steps.js';
import { toHookCommands } from './hooks.js';
import { templateValues } from './template-vars.js';
import { checkSafety } from './safety.js';
import type { BucketCopyPlan, DbDestinationPlan, DbSourcePlan, HostConnection, Plan } from './types.js';

export const SOURCE_GROUP = 'stagesync-sourcedb';
export const DEST_GROUP = 'stagesync-destdb';

/** What the plan builder needs from the inventory/vars/template layers (injected: keeps it testable). */
export interface PlanInputs {
  inventory: Inventory;
  /** The hosts of a group, descendants included ([] when the group does not exist). */
  hostsOfGroup(group: string): string[];
  /** Hosts matching --limit (throws NoHostsMatchedError when none). */
  limitHosts?: Set<string>;
  /** Hosts matching an Ansible host pattern (throws NoHostsMatchedError when none). */
  matchPattern(pattern: string): string[];
  /** The extra vars alone: play-level choices (which hosts take part) come from them. */
  extraVars: SourcedVars;
  /** Resolved variables of one host (all precedence levels, extra vars included). */
  varsOf(host: string): SourcedVars;
  /** The variables, typed once valid; throws UserError naming the file and variable path. */
  validate(vars: SourcedVars, host: string): StagesyncVars;
  /** Render a template (user's templates/ first) with a host's variables. */
  render(template: string, vars: Record<string, unknown>): string;
  /** Render one string holding Jinja2 (a variable's value) with a host's variables. */
  renderString(text: string, vars: Record<string, unknown>, origin?: string): string;
  /** Secret values found in a host's variables. */
  secretsOf(vars: Record<string, unknown>): string[];
}

export interface PlanRequest {
  command: 'run' | 'rollback';
  extraVarsArgs: string[];
  limit?: string;
  tags: string[];
  skipTags: string[];
  forks?: number;
  defaultForks: number;
}

const KNOWN_TAGS = new Set(['db', 'files', 'all']);

export function buildPlan(req: PlanRequest, inp: PlanInputs): Plan {
  for (const t of [...req.tags, ...req.skipTags]) {
    if (!KNOWN_TAGS.has(t)) throw new UserError(`unknown tag ${JSON.stringify(t)} (known: db, files)`, { file: 'command line', path: '--tags' });
  }
  const runs = (tag: 'db' | 'files') =>
    (req.tags.length === 0 || req.tags.includes(tag) || req.tags.includes('all')) && !req.skipTags.includes(tag);
  const inLimit = (h: string) => !inp.limitHosts || inp.limitHosts.has(h);

  // Like a play's `hosts:`, the pair's hosts are patterns, set per pair in its vars file.
  const sources = playHosts(inp, 'stagesync_source_hosts', SOURCE_GROUP);
  const allDests = playHosts(inp, 'stagesync_dest_hosts', DEST_GROUP);
  // Our own warnings; the inventory's are read at the end (vars files add theirs when first read).
  const warnings: string[] = [];
  const secrets = new Set<string>();
  const hosts = new Map<string, HostConnection>();
  const validated = new Map<string, ResolvedVars>();

  const varsOf = (host: string): ResolvedVars => {
    let v = validated.get(host);
    if (!v) {
      const sourced = inp.varsOf(host);
      const templated = { values: templateValues(sourced.values, (t, vars, key) => inp.renderString(t, vars, sourced.origins[key]?.file)), origins: sourced.origins };
      v = asResolved(inp.validate(templated, host));
      validated.set(host, v);
      for (const s of inp.secretsOf(v)) secrets.add(s);
      hosts.set(host, { name: host, vars: connectionVars(v) });
    }
    return v;
  };

  // Every host of the run is validated, even those --limit or --tags leave out:
  // a bad value anywhere is reported before anything runs.
  for (const h of new Set([...sources, ...allDests])) varsOf(h);

  let db: Plan['db'];
  let source: DbSourcePlan | undefined;
  let destinations: DbDestinationPlan[] = [];
  const dests = allDests.filter(inLimit);
  if (runs('db') && dests.length > 0) {
    if (sources.length === 0 && req.command === 'run') {
      throw new UserError(`group ${SOURCE_GROUP} has no host: there is nothing to copy from`, { file: inp.inventory.sources.join(', ') || 'inventory' });
    }
    if (sources.length > 1) {
      throw new UserError(`group ${SOURCE_GROUP} has ${sources.length} hosts (${sources.join(', ')}); a pair has exactly one source`, { file: inp.inventory.sources.join(', ') || 'inventory' });
    }
    destinations = dests.map((h) => destinationPlan(h, varsOf(h)));
    if (req.command === 'run') {
      const sv = varsOf(sources[0]!);
      source = sourcePlan(sources[0]!, sv, inp);
      const pipelined = source.pipelined;
      destinations = destinations.map((d) => ({ ...d, pipelined: pipelined && d.jobs === 1 }));
      db = { source, destinations, transfer: 'stream' };
      if (sv.stagesync_transfer === 'direct') {
        // Not built yet: say so rather than pretend; the stream path is always correct.
        warnings.push('stagesync_transfer: direct (destinations pulling from the source) is not supported yet; the dump streams through the controller');
      }
    }
    checkSafety({ source, destinations, varsOf, hostsOfGroup: inp.hostsOfGroup });
  }

  // Bucket copies run on the controller, from localhost's variables.
  let copies: BucketCopyPlan[] = [];
  if (req.command === 'run' && runs('files') && inLimit('localhost')) {
    const lv = varsOf('localhost');
    copies = lv.stagesync_copies.map((c, i) => copyPlan(c, i, lv.stagesync_aws_region));
  }

  const pairVars = source ? varsOf(source.host) : dests[0] ? varsOf(dests[0]) : varsOf('localhost');
  const steps = orderSteps({ command: req.command, source, destinations, copies });
  return {
    name: pairName(req.extraVarsArgs, source?.host, destinations.map((d) => d.host)),
    command: req.command,
    inventorySources: inp.inventory.sources,
    ...(req.limit ? { limit: req.limit } : {}),
    tags: req.tags,
    skipTags: req.skipTags,
    ...(db ? { db } : {}),
    copies,
    hosts: [...hosts.values()].filter((h) => steps.some((s) => s.host === h.name)),
    steps,
    maxRetryCount: pairVars.stagesync_max_retry_count,
    retryDelaySec: pairVars.stagesync_retry_delay,
    ...(pairVars.stagesync_notify_webhook ? { notifyWebhook: pairVars.stagesync_notify_webhook } : {}),
    ...(pairVars.stagesync_compare_git_commits === true
      ? { gitParity: { repo: pairVars.stagesync_local_repo, sourceRef: pairVars.stagesync_source_gitbranch, destRef: pairVars.stagesync_destination_gitbranch } }
      : {}),
    forks: req.forks ?? req.defaultForks,
    secrets: [...secrets],
    warnings: [...inp.inventory.warnings, ...warnings],
    ...(req.command === 'rollback' ? { rollback: { destinations } } : {}),
  };
}

function playHosts(inp: PlanInputs, variable: string, group: string): string[] {
  const pattern = inp.extraVars.values[variable];
  if (pattern === undefined || pattern === null) return inp.hostsOfGroup(group);
  if (typeof pattern !== 'string' || pattern.trim() === '') {
    throw new UserError('must be a host pattern (a non-empty string)', { file: inp.extraVars.origins[variable]?.file, path: variable });
  }
  try {
    return inp.matchPattern(pattern);
  } catch (err) {
    if (err instanceof UserError) throw new UserError(`no host of the inventory matches ${JSON.stringify(pattern)}`, { file: inp.extraVars.origins[variable]?.file, path: variable });
    throw err;
  }
}

function sourcePlan(host: string, v: ResolvedVars, inp: PlanInputs): DbSourcePlan {
  const createScripts = v.stagesync_backups_create_backups_scripts;
  const plan: DbSourcePlan = {
    host,
    database: v.stagesync_sourcedb,
    backupUser: v.stagesync_backup_user,
    backupGroup: v.stagesync_backup_group,
    backupScript: v.stagesync_backup_script,
    cleanupScript: v.stagesync_cleanup_script,
    createScripts,
    scriptTemplate: v.stagesync_backups_script_template,
    executeBackup: v.stagesync_execute_backup,
    backupsDir: v.stagesync_source_backups_dir,
    tmpDir: v.stagesync_source_tmp_dir,
    pipelined: false,
  };
  if (createScripts) {
    plan.backupScriptContent = inp.render(plan.scriptTemplate, v);
    plan.cleanupScriptContent = inp.render(v.stagesync_backups_cleanup_script_template, v);
    plan.pipelined = plan.executeBackup && STREAMS_DUMP.test(plan.backupScriptContent);
  }
  return plan;
}

/** The line by which a backup script template says it takes `--stdout` (ours does; a user's may not). */
const STREAMS_DUMP = /^# stagesync: supports --stdout$/m;

function destinationPlan(host: string, v: ResolvedVars): DbDestinationPlan {
  return {
    host,
    database: v.stagesync_destdb,
    role: v.stagesync_destdb_role,
    backupUser: v.stagesync_backup_user,
    tmpDir: v.stagesync_dest_tmp_dir,
    mode: v.stagesync_restore_mode,
    excludeTables: v.stagesync_restore_exclude_tables,
    fkConstraints: v.stagesync_restore_fk_constraints,
    jobs: v.stagesync_restore_jobs,
    pipelined: false,
    postRestoreSql: v.stagesync_post_restore_sql.map((s) => ({ sql: s.sql, params: s.params ?? [] })),
    preRestoreCommands: toHookCommands(v.stagesync_pre_restore_commands),
    postRestoreCommands: toHookCommands(v.stagesync_post_restore_commands),
    alwaysCommands: toHookCommands(v.stagesync_always_commands),
    lockTimeoutSec: v.stagesync_lock_timeout,
  };
}

/** A `stagesync_copies` item as the bucket engine reads it, with the schema's defaults applied. */
function copyPlan(c: Copy, index: number, region: string): BucketCopyPlan {
  return {
    ...c,
    index,
    region,
    source_path: c.source_path ?? '',
    dest_path: c.dest_path ?? '',
    delete: c.delete ?? false,
    max_delete: c.max_delete ?? 1000,
    include: c.include ?? [],
    exclude: c.exclude ?? [],
  };
}

/** The connection variables of a host (what the transport needs), nothing else. */
function connectionVars(v: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(v).filter(([k]) => k.startsWith('ansible_')));
}

function pairName(extraVarsArgs: string[], source: string | undefined, dests: string[]): string {
  for (const arg of extraVarsArgs) {
    const path = arg.startsWith('@') ? arg.slice(1) : arg;
    if (/\.(ya?ml|json)$/i.test(path)) return basename(path, extname(path));
  }
  return source ? `${source}-to-${dests.join('+') || 'none'}` : 'buckets';
}
