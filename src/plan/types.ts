// The plan: plain data saying which host does what, in order (Terraform's plan, our --check).
// Built from inventory + vars without touching the network; the executors carry it out.
import type { PgConn } from '../steps/sql.js';
import type { CopySpec } from '../buckets/index.js';
import type { Expectation } from '../steps/check-expect.js';
import type { Transformer } from '../steps/mask-sql.js';

export type Tag = 'db' | 'files';

/**
 * What a plan is for: the sync, swapping back, removing an interrupted run's leftovers, or a
 * rehearsal (the sync, migrations, checks and lock report on the new copy, never a swap).
 */
export type PlanCommand = 'run' | 'rollback' | 'cleanup' | 'rehearse';

export type StepAction =
  | 'preflight'
  | 'lock'
  | 'pre_restore_commands'
  | 'backup'
  | 'move'
  | 'restore'
  | 'mask'
  | 'post_restore_sql'
  | 'verify'
  | 'leak_check'
  | 'migrate'
  | 'checks'
  | 'swap'
  | 'rehearsal_end'
  | 'post_restore_commands'
  | 'bucket_copy'
  | 'always_commands'
  | 'cleanup'
  | 'rollback'
  | 'leftovers';

/**
 * What the tracker records a step as: a step of the plan, or one a run adds when something goes
 * wrong between steps (a destination found incompatible after preflight; one the move did not reach).
 */
export type RunAction = StepAction | 'compatibility' | 'receive';

interface StepBase {
  /** 1-based position in the run. */
  id: number;
  /** inventory_hostname the step runs on (`localhost` for bucket copies and localhost hooks). */
  host: string;
  tags: Tag[];
  /** One readable line for --check. */
  summary: string;
}

/**
 * One step of the plan: what --check prints and what the executor walks. The payload says what
 * the executor needs to carry it out, so the executor never decides order or conditions again.
 */
export type PlanStep = StepBase &
  (
    | { action: DbStepAction; /** The destination it serves, if any. */ dest?: string }
    | { action: 'backup' | 'move'; /** The dump streams to the destinations while it is written. */ pipelined: boolean }
    | { action: 'restore'; dest: string; /** `stream`: during the move, as the dump arrives; `file`: from the moved file. */ from: 'stream' | 'file' }
    | { action: HookAction; dest: string; hook: HookCommand }
    | { action: 'rehearsal_end'; dest: string; /** --keep: the copy stays as `<db>_stagesync_rehearsal`; else it is dropped. */ keep: boolean }
    | { action: 'bucket_copy'; copy: number }
  );

/** Steps whose payload is at most the destination they serve. */
export type DbStepAction = 'preflight' | 'lock' | 'cleanup' | 'rollback' | 'post_restore_sql' | 'verify' | 'checks' | 'swap' | 'leftovers' | 'mask' | 'leak_check';
/** Steps running one hook command; `migrate`: a post-restore command run against the new copy before the swap. */
export type HookAction = 'pre_restore_commands' | 'post_restore_commands' | 'always_commands' | 'migrate';

/** The steps of one kind, typed by their action. */
export type StepOf<A extends StepAction> = Extract<PlanStep, { action: A }>;

/** A hook: a command run on a destination host or on the controller. */
export interface HookCommand {
  command: string;
  host: 'dest' | 'localhost';
  becomeUser?: string;
}

export interface PostRestoreSql {
  sql: string;
  /** Bound as $1, $2, ...; secret: never printed. */
  params: unknown[];
}

/** What a check's single value must be (stagesync_checks, docs/rehearsal.md). */
export type CheckExpect = Expectation;

export interface CheckPlan {
  name: string;
  sql: string;
  expect: CheckExpect;
}

/** Migrations against the new copy before the swap, watched by the lock monitor. */
export interface MigrationPlan {
  /** DATABASE_URL given to the commands; `{database}` is replaced by the copy's name. */
  databaseUrl: string;
  /** An ACCESS EXCLUSIVE lock on a table held longer than this fails the destination. */
  maxLockSeconds: number | null;
  sampleMs: number;
}

/** One rule of stagesync_masking: a column of a table and its transformer. */
export interface MaskRule {
  schema: string;
  name: string;
  column: string;
  transformer: Transformer;
  /** The variable path of the rule, e.g. `stagesync_masking.public.auth_user.email` (errors name it). */
  path: string;
}

/** The masking of a pair (docs/masking.md): applied on the source, checked before the swap. */
export interface MaskingPlan {
  rules: MaskRule[];
  /** Key of the deterministic masking; secret: never printed. */
  salt: string;
  /** A personal-looking column without a rule fails the preflight (else a warning). */
  requireAll: boolean;
  /** Production values per masked column compared by keyed hash before the swap; 0: no leak check. */
  leakSample: number;
  /** The vars file the rules came from (errors name it). */
  file?: string;
}

/** What the source host does (docs/run.md, step 3). */
export interface DbSourcePlan {
  host: string;
  database: string;
  backupUser: string;
  backupGroup: string;
  backupScript: string;
  cleanupScript: string;
  /** true: the rendered scripts below are installed; false: the host's own script is used. */
  createScripts: boolean;
  /** Rendered at plan time (so template errors are input errors); absent when createScripts is false. */
  backupScriptContent?: string;
  cleanupScriptContent?: string;
  scriptTemplate: string;
  executeBackup: boolean;
  backupsDir: string;
  tmpDir: string;
  /**
   * The rendered script takes `--stdout` (our template does): the dump streams to the
   * destinations while it is written, instead of being moved once complete.
   */
  pipelined: boolean;
  /** The source's cluster when it is not the default one (stagesync_source_pg_port / _socket_dir). */
  pg?: PgConn;
  /** pg_dump's --compress value (stagesync_dump_compression), as pg_dump 15 and 16+ both read it where they can. */
  compression: string;
}

/** stagesync_transfer: direct — how a destination pulls the dump from the source over SSH. */
export interface DirectTransferPlan {
  /** The source's address as the destinations reach it; absent: the host name the controller connects to. */
  address?: string;
  /** A private key on the destinations for host-to-host use; absent: the forwarded agent. */
  identityFile?: string;
}

/** What each destination host does (docs/run.md, steps 4–5). */
export interface DbDestinationPlan {
  host: string;
  database: string;
  role: string;
  backupUser: string;
  tmpDir: string;
  mode: 'swap' | 'in_place';
  excludeTables: string[];
  fkConstraints: boolean;
  jobs: number;
  /** pg_restore reads the dump as it arrives (a pipelined source and one job); else from the file. */
  pipelined: boolean;
  /** stagesync_transfer: direct — how this destination reaches the source (its own variables). */
  pullFrom?: DirectTransferPlan;
  /** Its cluster when it is not the default one (stagesync_dest_pg_port / _socket_dir). */
  pg?: PgConn;
  postRestoreSql: PostRestoreSql[];
  preRestoreCommands: HookCommand[];
  postRestoreCommands: HookCommand[];
  alwaysCommands: HookCommand[];
  lockTimeoutSec: number;
  /** Run on the new copy before the swap (after the migrations when there are any). */
  checks: CheckPlan[];
  /** Set when the post-restore commands run against the new copy before the swap (stagesync_migrate_before_swap, or a rehearsal). */
  migrate?: MigrationPlan;
}

/**
 * One `stagesync_copies` item (docs/variables.md) with its defaults applied: the bucket engine's
 * own CopySpec, in the user's spelling, from the vars to the executor; plus its place in the list
 * and the region to fall back on.
 */
export interface BucketCopyPlan extends CopySpec {
  index: number;
  region: string;
  description: string;
  source_path: string;
  dest_path: string;
  aws_profile: string;
  delete: boolean;
  max_delete: number;
  include: string[];
  exclude: string[];
}

/** Connection settings of one host: its ansible_* variables only. */
export interface HostConnection {
  name: string;
  vars: Record<string, unknown>;
}

export interface Plan {
  /** The pair, e.g. `prod-to-stage1` (from the vars file name) or `db1-to-stage1`. */
  name: string;
  command: PlanCommand;
  inventorySources: string[];
  limit?: string;
  tags: string[];
  skipTags: string[];
  db?: {
    source: DbSourcePlan;
    destinations: DbDestinationPlan[];
    transfer: 'stream' | 'direct';
    /** stagesync_masking: the masked tables' rows are read masked on the source, not dumped. */
    masking?: MaskingPlan;
  };
  /** `orchestrate rollback`: the destinations to swap back. */
  rollback?: { destinations: DbDestinationPlan[] };
  copies: BucketCopyPlan[];
  /** Every host the run talks to, with its connection vars. */
  hosts: HostConnection[];
  steps: PlanStep[];
  maxRetryCount: number;
  /** Seconds before the first retry, doubled each time. */
  retryDelaySec: number;
  notifyWebhook?: string;
  /** stagesync_compare_git_commits: both refs must be one commit (checked before anything runs). */
  gitParity?: { repo: string | null; sourceRef: string; destRef: string };
  forks: number;
  /** Values never to print (collected from the vars: passwords, secrets, tokens, SQL params). */
  secrets: string[];
  warnings: string[];
}
