// The command line (docs/cli.md), in Ansible's spelling. Parsing only: no file is read here.
import { Argument, Command, CommanderError, Option } from 'commander';
import { UserError } from '../errors.js';
import type { VaultOptions } from '../vault/secrets.js';

export type Subcommand = 'run' | 'rollback' | 'rehearse' | 'schedule' | 'cleanup' | 'inventory';

/** `orchestrate inventory`: what ansible-inventory would show. */
export interface InventoryOptions {
  list: boolean;
  host?: string;
  graph: boolean;
  /** --graph GROUP: the tree below that group (default all). */
  graphGroup?: string;
  yaml: boolean;
  json: boolean;
  /** A template rendered with --host's variables, as a hook on that host sees it. */
  eval?: string;
}

export interface CliOptions {
  command: Subcommand;
  inventory: string[];
  extraVars: string[];
  limit?: string;
  tags: string[];
  skipTags: string[];
  check: boolean;
  forks?: number;
  verbosity: number;
  confirm?: string;
  report?: string;
  /** `rehearse --keep`: the new copy stays as `<db>_stagesync_rehearsal`. */
  keep?: boolean;
  /** `schedule`: when to run (cron, 5 or 6 fields). */
  cron?: string;
  /** --vault-id [label@]source, --vault-password-file, --ask-vault-pass. */
  vault: VaultOptions;
  /** Only for `inventory`. */
  inventoryCmd?: InventoryOptions;
}

const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];
const commaList = (value: string, previous: string[] | undefined): string[] => [
  ...(previous ?? []),
  ...value.split(',').map((t) => t.trim()).filter(Boolean),
];
const increase = (_: unknown, previous: number): number => previous + 1;

function positiveInt(value: string): number {
  if (!/^[1-9][0-9]*$/.test(value)) throw new UserError(`--forks: expected a positive integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

const EXAMPLES = `
Examples:
  orchestrate --check --extra-vars vars/prod-to-stage1.yml      print the plan, touch nothing
  orchestrate -i inventories/hosts -e @vars/prod-to-stage1.yml  sync production to stage1
  orchestrate -e vars/prod-to-stage2.yml -l stage2 -t db        only the database, only stage2
  orchestrate -e vars/prod-to-stage1.yml --confirm stage         no prompt: the name is confirmed
  orchestrate rollback -e vars/prod-to-stage1.yml               swap the previous copy back
  orchestrate rehearse -e vars/prod-to-stage1.yml               sync into a new copy, migrate, check, report locks; no swap
  orchestrate cleanup --check -e vars/prod-to-stage1.yml        list what an interrupted run left
  orchestrate schedule --cron "0 21 * * *" -e vars/prod-to-stage1.yml --confirm stage
                                                                 sync every night at 21:00 (keeps running)
  orchestrate inventory --host stage1 -e @vars/prod-to-stage1.yml --eval '{{ stagesync_destdb }}'
                                                                 a value as a hook on stage1 sees it
  orchestrate inventory --graph                                  the groups and hosts (as ansible-inventory)

Exit codes: 0 ok, 1 error, 2 a host failed, 4 a host unreachable, 5 bad input, 99 interrupted.`;

/** The options every subcommand shares. */
function addCommonOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('-i, --inventory <path>', 'inventory file or directory (repeatable); default: ansible.cfg, else ./inventories/hosts').argParser(collect))
    .addOption(new Option('-e, --extra-vars <value>', 'extra variables (repeatable, later wins): @file.yml | file.yml | key=value ... | inline YAML/JSON').argParser(collect))
    .option('-l, --limit <pattern>', 'limit to hosts matching an Ansible host pattern (group, host, glob, a:b, a:&b, a:!b, @file)')
    .addOption(new Option('-t, --tags <list>', 'only run steps tagged with these (comma list, repeatable): db, files').argParser(commaList))
    .addOption(new Option('--skip-tags <list>', 'skip steps tagged with these (comma list, repeatable)').argParser(commaList))
    .option('-C, --check', 'dry run: print the plan and change nothing anywhere')
    .addOption(new Option('-f, --forks <n>', 'parallelism across destination hosts and bucket copies (default 5)').argParser(positiveInt))
    .addOption(new Option('-v, --verbose', 'more output (-vvv shows every remote command, secrets masked; up to -vvvv)').argParser(increase).default(0))
    .option('--confirm <name>', 'the destination database name, confirming it may be replaced (no prompt)')
    .option('--report <file>', 'write a machine-readable JSON report of the run (or the plan with --check)')
    .option('--keep', 'rehearse: keep the rehearsed copy as <destdb>_stagesync_rehearsal (else it is dropped)')
    .option('--cron <expr>', 'schedule: when to run, a cron expression (5 fields, or 6 with seconds first), e.g. "0 21 * * *"')
    .addOption(new Option('--vault-id <[label@]source>', 'a vault secret: a password file, an executable printing it, or "prompt" (repeatable)').argParser(collect))
    .addOption(new Option('--vault-password-file <file>', 'vault password file, or an executable printing the password (repeatable)').argParser(collect))
    .option('-J, --ask-vault-pass', 'ask for the vault password on the terminal')
    .option('--list', 'inventory: every group and host with its variables (as ansible-inventory --list)')
    .option('--host <host>', "inventory: one host's variables (as ansible-inventory --host)")
    .option('--graph [group]', 'inventory: the group tree (below GROUP, default all)')
    .option('--yaml', 'inventory: YAML instead of JSON')
    .option('--eval <template>', 'inventory: render the template with --host\'s variables, as a hook on that host sees it')
    .option('--json', 'inventory --eval: print the value as JSON');
}

/**
 * Parse argv (without node and script). Throws UserError (exit 5) on bad usage;
 * returns null when --help/--version was printed.
 */
export function parseCli(argv: string[], version: string, write: (s: string) => void = (s) => process.stdout.write(s)): CliOptions | null {
  const program = addCommonOptions(new Command('orchestrate'))
    .description('Sync a production PostgreSQL database and media buckets to staging hosts,\ndriven by an Ansible inventory and vars files.')
    .addArgument(new Argument('[command]', 'run (default): the sync; rollback: swap each destination back to <destdb>_stagesync_prev; rehearse: the sync into a new copy, migrations, checks and lock report, never a swap; schedule: run the sync at each --cron tick, until SIGTERM/SIGINT; cleanup: remove what an interrupted run left (--check lists it); inventory: show hosts, groups and variables as ansible-inventory does').choices(['run', 'rollback', 'rehearse', 'schedule', 'cleanup', 'inventory']).default('run'))
    .version(version, '--version', 'print the version')
    .helpOption('-h, --help', 'show this help')
    .addHelpText('after', EXAMPLES)
    .exitOverride()
    .configureOutput({ writeOut: write, writeErr: () => {} })
    .showSuggestionAfterError(true)
    .allowExcessArguments(false);

  try {
    program.parse(argv, { from: 'user' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (['commander.helpDisplayed', 'commander.version', 'commander.help'].includes(err.code)) return null;
      throw new UserError(err.message.replace(/^error: /, ''), { file: 'command line' });
    }
    throw err;
  }
  const opts = program.opts<Record<string, unknown>>();
  const command = program.processedArgs[0] as Subcommand;
  if (command === 'schedule' && !opts.cron) throw new UserError('schedule needs --cron EXPR (e.g. --cron "0 21 * * *")', { file: 'command line', path: '--cron' });
  if (command !== 'schedule' && opts.cron) throw new UserError('--cron is only for `orchestrate schedule`', { file: 'command line', path: '--cron' });
  if (command !== 'rehearse' && opts.keep) throw new UserError('--keep is only for `orchestrate rehearse`', { file: 'command line', path: '--keep' });
  const inventoryFlags = ['list', 'host', 'graph', 'yaml', 'eval', 'json'].filter((k) => opts[k] !== undefined);
  if (command !== 'inventory' && inventoryFlags.length > 0) {
    throw new UserError(`--${inventoryFlags[0]} is only for \`orchestrate inventory\``, { file: 'command line', path: `--${inventoryFlags[0]}` });
  }
  return {
    command,
    vault: {
      vaultIds: (opts.vaultId as string[] | undefined) ?? [],
      vaultPasswordFiles: (opts.vaultPasswordFile as string[] | undefined) ?? [],
      askVaultPass: Boolean(opts.askVaultPass),
    },
    ...(command === 'inventory' ? { inventoryCmd: inventoryOptions(opts) } : {}),
    inventory: (opts.inventory as string[] | undefined) ?? [],
    extraVars: (opts.extraVars as string[] | undefined) ?? [],
    limit: opts.limit as string | undefined,
    tags: (opts.tags as string[] | undefined) ?? [],
    skipTags: (opts.skipTags as string[] | undefined) ?? [],
    check: Boolean(opts.check),
    forks: opts.forks as number | undefined,
    verbosity: opts.verbose as number,
    confirm: opts.confirm as string | undefined,
    report: opts.report as string | undefined,
    ...(opts.keep ? { keep: true } : {}),
    cron: opts.cron as string | undefined,
  };
}

function inventoryOptions(opts: Record<string, unknown>): InventoryOptions {
  const out: InventoryOptions = {
    list: Boolean(opts.list),
    graph: Boolean(opts.graph),
    ...(typeof opts.graph === 'string' ? { graphGroup: opts.graph } : {}),
    yaml: Boolean(opts.yaml),
    json: Boolean(opts.json),
    ...(opts.host !== undefined ? { host: String(opts.host) } : {}),
    ...(opts.eval !== undefined ? { eval: String(opts.eval) } : {}),
  };
  const modes = [out.list, out.graph, out.host !== undefined && out.eval === undefined, out.eval !== undefined].filter(Boolean).length;
  if (modes !== 1) throw new UserError('inventory needs exactly one of --list, --host HOST, --graph, or --eval TEMPLATE --host HOST', { file: 'command line' });
  if (out.eval !== undefined && out.host === undefined) throw new UserError('--eval needs --host HOST (whose variables it renders with)', { file: 'command line', path: '--eval' });
  return out;
}
