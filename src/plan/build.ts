// inventory + vars → a validated Plan. Reads local files only; never touches the network.
import { basename, extname } from 'node:path';
import { UserError, type InputLocation } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import type { SourcedVars } from '../util/sourced-vars.js';
import type { Copy, ResolvedVars, StagesyncVars } from '../schema/stagesync-vars.js';
import { asResolved } from '../schema/resolved.js';
import type { LazyVars } from '../template/index.js';
import { orderSteps } from './steps.js';
import { toHookCommands } from './hooks.js';
import { checkSafety } from './safety.js';
import { compressOption, directPlan, pgOf } from './db-settings.js';
import { checksOf, migrationOf, unusedSettings, urlSecrets } from './rehearsal.js';
import { maskingPlan } from './masking.js';
import type { BucketCopyPlan, DbDestinationPlan, DbSourcePlan, HostConnection, Plan, PlanCommand } from './types.js';

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
  /** A play-level variable (an extra var) rendered with the play's variables; undefined when unset. */
  playValue(name: string): unknown;
  /**
   * The rendered values of the variables a plan reads (stagesync_*, connection vars) of one
   * host, all precedence levels merged. Others stay unrendered: Ansible renders only what is used.
   */
  varsOf(host: string): SourcedVars;
  /** The host's variables as templates see them (rendered when read). */
  templateVars(host: string): LazyVars;
  /** The variables, typed once valid; throws UserError naming the file and variable path. */
  validate(vars: SourcedVars, host: string): StagesyncVars;
  /** Render a template (user's templates/ first) with a host's variables. */
  render(template: string, vars: LazyVars): string;
  /** Secret values found in a host's variables. */
  secretsOf(vars: Record<string, unknown>): string[];
  /** Secret values met while rendering (vault, secret-named variables, secret env lookups). */
  renderedSecrets(): string[];
}

export interface PlanRequest {
  command: PlanCommand;
  extraVarsArgs: string[];
  limit?: string;
  tags: string[];
  skipTags: string[];
  forks?: number;
  defaultForks: number;
  /** `rehearse --keep`: the new copy stays as `<db>_stagesync_rehearsal`. */
  keep?: boolean;
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
  if (allDests.length === 0) throw noHost(inp, 'stagesync_dest_hosts', DEST_GROUP);
  // Our own warnings; the inventory's are read at the end (vars files add theirs when first read).
  const warnings: string[] = [];
  const secrets = new Set<string>();
  const hosts = new Map<string, HostConnection>();
  const validated = new Map<string, ResolvedVars>();
  const sourced = new Map<string, SourcedVars>();

  /** A host's rendered variables and where each came from, rendered once. */
  const sourcedOf = (host: string): SourcedVars => {
    let s = sourced.get(host);
    if (!s) sourced.set(host, (s = inp.varsOf(host)));
    return s;
  };
  const varsOf = (host: string): ResolvedVars => {
    let v = validated.get(host);
    if (!v) {
      v = asResolved(inp.validate(sourcedOf(host), host));
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
  const leftOut = dbLeftOut(req, runs('db'), dests.length > 0);
  if (leftOut) warnings.push(`${leftOut}: the database part of the pair (${describe(inp, 'stagesync_dest_hosts', DEST_GROUP)}) does not run`);
  if (runs('db') && dests.length > 0) {
    const needsSource = req.command !== 'rollback';
    if (sources.length === 0 && needsSource) throw noHost(inp, 'stagesync_source_hosts', SOURCE_GROUP);
    if (sources.length > 1) {
      throw new UserError(`group ${SOURCE_GROUP} has ${sources.length} hosts (${sources.join(', ')}); a pair has exactly one source`, { file: inp.inventory.sources.join(', ') || 'inventory' });
    }
    const origin = (h: string) => (key: string) => ({ file: sourcedOf(h).origins[key]?.file, path: key });
    destinations = dests.map((h) => destinationPlan(h, varsOf(h), req.command, origin(h)));
    for (const d of destinations) {
      for (const s of d.migrate ? urlSecrets(d.migrate.databaseUrl) : []) secrets.add(s);
      warnings.push(...unusedSettings(varsOf(d.host), d.migrate, d.host));
    }
    if (needsSource) {
      const sv = varsOf(sources[0]!);
      source = sourcePlan(sources[0]!, sv, inp.templateVars(sources[0]!), inp);
      const pipelined = source.pipelined;
      // --jobs above 1 builds post-data in parallel from the complete copy after a pipelined
      // pre-data and data (swap mode: in_place keeps restoring from the file).
      destinations = destinations.map((d) => ({ ...d, pipelined: pipelined && (d.jobs === 1 || d.mode === 'swap') }));
      const direct = sv.stagesync_transfer === 'direct';
      if (direct) destinations = destinations.map((d) => ({ ...d, pullFrom: directPlan(varsOf(d.host)) }));
      const origins = sourcedOf(sources[0]!).origins;
      const masking = maskingPlan(sv, source, (variable) => origins[variable]?.file);
      db = { source, destinations, transfer: direct ? 'direct' : 'stream', ...(masking ? { masking } : {}) };
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
  const steps = orderSteps({ command: req.command, source, destinations, copies, direct: db?.transfer === 'direct', keep: req.keep === true, ...(db?.masking ? { masking: db.masking } : {}) });
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
    secrets: [...new Set([...secrets, ...inp.renderedSecrets()])],
    warnings: [...inp.inventory.warnings, ...warnings],
    ...(req.command === 'rollback' ? { rollback: { destinations } } : {}),
  };
}

/** Why --limit or --tags leaves the database part out (a warning), or undefined when it runs. */
function dbLeftOut(req: PlanRequest, dbTagged: boolean, anyDest: boolean): string | undefined {
  if (!dbTagged) return req.skipTags.includes('db') ? '--skip-tags db' : `--tags ${req.tags.join(',')}`;
  if (!anyDest) return `Could not match supplied host pattern with a destination: --limit ${req.limit ?? ''}`.trimEnd();
  return undefined;
}

/** `stagesync_dest_hosts: stage1`, or the default group, as the user would write it. */
function describe(inp: PlanInputs, variable: string, group: string): string {
  const pattern = inp.extraVars.values[variable];
  return `${variable}: ${typeof pattern === 'string' ? pattern : group}`;
}

/** A pair's pattern that matches no host: bad input (exit 5), naming the pattern and the inventory. */
function noHost(inp: PlanInputs, variable: string, group: string): UserError {
  const pattern = inp.extraVars.values[variable];
  const what = typeof pattern === 'string' ? JSON.stringify(pattern) : `${JSON.stringify(group)} (the default: the group is empty or missing)`;
  const inventory = inp.inventory.sources.join(', ') || 'the inventory';
  return new UserError(`the pattern ${what} matches no host of ${inventory}`, { file: inp.extraVars.origins[variable]?.file ?? inventory, path: variable });
}

/** The hosts of a pair's pattern (a play's `hosts:`); none is bad input, as in Ansible's play. */
function playHosts(inp: PlanInputs, variable: string, group: string): string[] {
  const value = inp.playValue(variable);
  if (value === undefined || value === null) return inp.hostsOfGroup(group);
  // Ansible's `hosts:` takes a list of patterns too ("{{ groups['x'] }}" renders to one).
  const pattern = Array.isArray(value) && value.every((x) => typeof x === 'string') ? value.join(',') : value;
  if (typeof pattern !== 'string' || pattern.trim() === '') {
    throw new UserError('must be a host pattern (a non-empty string)', { file: inp.extraVars.origins[variable]?.file, path: variable });
  }
  try {
    return inp.matchPattern(pattern);
  } catch (err) {
    if (err instanceof UserError) throw noHost(inp, variable, group);
    throw err;
  }
}

function sourcePlan(host: string, v: ResolvedVars, tv: LazyVars, inp: PlanInputs): DbSourcePlan {
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
    ...pgOf(v.stagesync_source_pg_port, v.stagesync_source_pg_socket_dir),
    compression: compressOption(v.stagesync_dump_compression),
  };
  if (createScripts) {
    plan.backupScriptContent = inp.render(plan.scriptTemplate, tv);
    plan.cleanupScriptContent = inp.render(v.stagesync_backups_cleanup_script_template, tv);
    plan.pipelined = plan.executeBackup && STREAMS_DUMP.test(plan.backupScriptContent);
  }
  return plan;
}

/** The line by which a backup script template says it takes `--stdout` (ours does; a user's may not). */
const STREAMS_DUMP = /^# stagesync: supports --stdout$/m;

function destinationPlan(host: string, v: ResolvedVars, command: PlanCommand, origin: (key: string) => InputLocation): DbDestinationPlan {
  const migrate = migrationOf(v, command, origin);
  return {
    host,
    database: v.stagesync_destdb,
    role: v.stagesync_destdb_role,
    backupUser: v.stagesync_backup_user,
    tmpDir: v.stagesync_dest_tmp_dir,
    // A rehearsal always restores into a new copy, whatever the mode of a real run.
    mode: command === 'rehearse' ? 'swap' : v.stagesync_restore_mode,
    excludeTables: v.stagesync_restore_exclude_tables,
    fkConstraints: v.stagesync_restore_fk_constraints,
    jobs: v.stagesync_restore_jobs,
    pipelined: false,
    ...pgOf(v.stagesync_dest_pg_port, v.stagesync_dest_pg_socket_dir),
    postRestoreSql: [...v.stagesync_post_restore_sql.map((s) => ({ sql: s.sql, params: s.params ?? [] })), ...roleSocialUpdate(v)],
    preRestoreCommands: toHookCommands(v.stagesync_pre_restore_commands),
    postRestoreCommands: toHookCommands(v.stagesync_post_restore_commands),
    alwaysCommands: toHookCommands(v.stagesync_always_commands),
    lockTimeoutSec: v.stagesync_lock_timeout,
    checks: checksOf(v),
    ...(migrate ? { migrate } : {}),
  };
}

/**
 * The Stage Sync role's tasks/custom/post_restore_update_db.yml: the `github` social app gets
 * the staging OAuth credentials (bound parameters; the secret is masked like every secret).
 */
export const ROLE_SOCIAL_UPDATE_SQL = "UPDATE socialaccount_socialapp SET client_id = $1, secret = $2 WHERE provider = 'github'";
function roleSocialUpdate(v: ResolvedVars): { sql: string; params: unknown[] }[] {
  if (v.stagesync_post_restore_update_db !== true) return [];
  // Validation requires both when the update is on.
  return [{ sql: ROLE_SOCIAL_UPDATE_SQL, params: [String(v.stagesync_social_client_id), String(v.stagesync_social_secret)] }];
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
