// `orchestrate schedule --cron EXPR [run options]`: a long-running process that syncs at each
// tick (as pix-db-replication's SCHEDULE). Input is checked and confirmed once, at start; each
// tick then loads the files again (a vars change is picked up the next night) and runs.
// SIGTERM/SIGINT: no more ticks; a run in progress is aborted and cleaned up by the executor's
// own handler; then exit 0.
import { ExitCode, UserError } from '../errors.js';
import { confirmDestination } from '../cli/confirm.js';
import { loadPlan } from '../cli/load-plan.js';
import { execute, printWarnings } from '../cli/main.js';
import type { CliOptions } from '../cli/options.js';
import { Scheduler } from './scheduler.js';

const stamp = () => new Date().toISOString().replace('T', ' ').replace(/\.\d+Z$/, 'Z');

export async function runSchedule(opts: CliOptions, write: (s: string) => void = (s) => process.stdout.write(s)): Promise<number> {
  const log = (line: string) => write(`${stamp()} schedule: ${line}\n`);
  // Bad vars, a wrong --confirm or a bad expression fail now (exit 5), not at 21:00.
  const scheduler = new Scheduler({ cron: opts.cron!, log, job: () => tick(opts, log) });
  const first = loadPlan(opts);
  printWarnings(first.plan, opts);
  // On a terminal the user confirms once, for every run of this process.
  await confirmDestination(first.plan, opts.confirm);

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
async function tick(opts: CliOptions, log: (line: string) => void): Promise<number> {
  try {
    return await execute(opts, loadPlan(opts));
  } catch (err) {
    if (err instanceof UserError) {
      log(`ERROR! ${err.oneLine()}`);
      return err.exitCode;
    }
    throw err;
  }
}
