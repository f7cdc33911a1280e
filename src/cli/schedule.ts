// `orchestrate schedule --cron EXPR [run options]`: a long-running process that syncs at each
// tick (as pix-db-replication's SCHEDULE). Input is checked and confirmed once, at start; each
// tick then loads the files again (a vars change is picked up the next night) and runs.
// SIGTERM/SIGINT: no more ticks; a run in progress is aborted and cleaned up by the executor's
// own handler; then exit 0.
import { ExitCode, UserError } from '../errors.js';
import { redact } from '../util/redact.js';
import { Scheduler } from '../schedule/scheduler.js';
import { confirmDestination } from './confirm.js';
import { loadPlan } from './load-plan.js';
import { execute, printWarnings } from './execute.js';
import type { CliOptions } from './options.js';

const stamp = () => new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export async function runSchedule(opts: CliOptions, write: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  // The latest plan's secrets: an error message at a tick may quote a value.
  let secrets: string[] = [];
  const log = (line: string) => write(`${stamp()} schedule: ${redact(line, secrets)}\n`);
  // Bad vars, a wrong --confirm or a bad expression fail now (exit 5), not at 21:00.
  const scheduler = new Scheduler({ cron: opts.cron!, log, job: () => tick(opts, log, (s) => (secrets = s)) });
  const first = loadPlan(opts);
  secrets = first.plan.secrets;
  printWarnings(first.plan, opts);
  // On a terminal the user confirms once, for every run of this process.
  if (!opts.check || opts.confirm !== undefined) await confirmDestination(first.plan, opts.confirm);

  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping${scheduler.running() ? ' once the current run has stopped and cleaned up' : ''}`);
    void scheduler.stop();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  log(`${first.plan.name}: cron "${opts.cron}"`);
  scheduler.start();
  try {
    await scheduler.done;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  }
  log('stopped');
  return ExitCode.ok;
}

/** One run; a bad file found at a tick fails that run only (the next tick tries again). */
async function tick(opts: CliOptions, log: (line: string) => void, setSecrets: (s: string[]) => void): Promise<number> {
  try {
    const loaded = loadPlan(opts);
    setSecrets(loaded.plan.secrets);
    return await execute(opts, loaded);
  } catch (err) {
    if (err instanceof UserError) {
      log(`ERROR! ${err.oneLine()}`);
      return err.exitCode;
    }
    throw err;
  }
}
