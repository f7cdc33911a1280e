// The command line (docs/cli.md), in Ansible's spelling. Parsing only: no file is read here.
import { Argument, Command, CommanderError, Option } from 'commander';
import { UserError } from '../errors.js';

export type Subcommand = 'run' | 'rollback' | 'schedule';

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
  /** `schedule`: when to run (cron, 5 or 6 fields). */
  cron?: string;
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
  orchestrate schedule --cron "0 21 * * *" -e vars/prod-to-stage1.yml --confirm stage
                                                                 sync every night at 21:00 (keeps running)

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
    .option('--cron <expr>', 'schedule: when to run, a cron expression (5 fields, or 6 with seconds first), e.g. "0 21 * * *"');
}

/**
 * Parse argv (without node and script). Throws UserError (exit 5) on bad usage;
 * returns null when --help/--version was printed.
 */
export function parseCli(argv: string[], version: string, write: (s: string) => void = (s) => process.stdout.write(s)): CliOptions | null {
  const program = addCommonOptions(new Command('orchestrate'))
    .description('Sync a production PostgreSQL database and media buckets to staging hosts,\ndriven by an Ansible inventory and vars files.')
    .addArgument(new Argument('[command]', 'run (default): the sync; rollback: swap each destination back to <destdb>_stagesync_prev; schedule: run the sync at each --cron tick, until SIGTERM/SIGINT').choices(['run', 'rollback', 'schedule']).default('run'))
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
  return {
    command,
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
    cron: opts.cron as string | undefined,
  };
}
