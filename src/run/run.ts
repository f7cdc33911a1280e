// Executes a Plan: hosts, output, the database part and the bucket copies side by side, then
// the recap, the report and the exit code (ansible-playbook's).
import { writeFileSync } from 'node:fs';
import type { AnsibleConfig } from '../config/ansible-cfg.js';
import { ExitCode, UserError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { banner } from '../plan/render.js';
import type { Host } from '../transport/types.js';
import { redact, redactDeep } from '../util/redact.js';
import { runWithRetries } from './attempts.js';
import { plainOutput, type RunOutput } from './output.js';
import { RunReport } from './report.js';
import { Tracker } from './tracker.js';
import { exitWith, onAbnormalExit } from '../util/exit.js';
import { track } from '../util/pending.js';

export interface RunOptions {
  config: AnsibleConfig;
  verbosity: number;
  reportFile?: string;
  /** `orchestrate cleanup --check`: list the leftovers, remove nothing. */
  check?: boolean;
  /** Where lines go (tests capture them). */
  write?: (text: string) => void;
  /** Told how the run ended, before the recap is printed (the webhook): a failure is only a warning. */
  afterRun?: (ended: RunEnded) => Promise<void>;
}

/** How a run ended, for whoever wants to hear of it. */
export interface RunEnded {
  plan: Plan;
  exitCode: number;
  startedAt: number;
  tracker: Tracker;
  report: RunReport;
  /** Prints a warning line, masked. */
  warn(line: string): void;
}

export async function runPlan(plan: Plan, opts: RunOptions): Promise<number> {
  const startedAt = Date.now();
  const mask = (text: string) => redact(text, plan.secrets);
  const write = opts.write ?? ((t: string) => process.stdout.write(t));
  // A live tree on a terminal (listr2, loaded only then); timestamped lines for cron, CI and pipes.
  const tty = !opts.write && Boolean(process.stdout.isTTY) && process.stdout.columns > 0 && process.env.TERM !== 'dumb';
  const hostsInOrder = [...new Set(plan.steps.map((s) => s.host))];
  const output: RunOutput = tty
    ? (await import('./tty-output.js')).ttyOutput({ name: plan.name, verbosity: opts.verbosity, mask, hosts: hostsInOrder })
    : plainOutput({ verbosity: opts.verbosity, mask, write });
  const report = new RunReport(plan.name, plan.command);
  let tracker = new Tracker(output, report, mask);
  const { pool, hostOf } = await hostsOf(plan, opts, output);

  // Whatever ends the process before the end of this function (a second Ctrl-C, an internal
  // error, an emptied event loop) still leaves the recap and the report, marked incomplete.
  const record = (code: number, incomplete?: string) => {
    write(mask(tracker.recap.render(Boolean(process.stdout.isTTY) && !opts.write)));
    if (incomplete) write(mask(`INCOMPLETE: ${incomplete}\n`));
    if (opts.reportFile) writeRunReport(opts.reportFile, { plan, report, tracker, code, ...(incomplete ? { incomplete } : {}) });
  };
  const unregister = onAbnormalExit((code, reason) => record(code, reason || `the run stopped before its end (exit ${code})`));

  // Ctrl-C / SIGTERM: abort the steps, let cleanup run, exit 99. A second signal exits at once.
  const abort = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) exitWith(ExitCode.interrupted, 'interrupted twice: exited without cleaning up');
    interrupted = true;
    output.warn('interrupted: stopping and cleaning up (press Ctrl-C again to exit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  if (!tty) write(`\n${banner(`PLAY [${plan.name}]`)}\n`);
  try {
    const ctx = { plan, hostOf, output, report, mask, signal: abort.signal };
    tracker = await execute(ctx, { tracker, check: Boolean(opts.check), onAttempt: (t) => (tracker = t) });
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (pool) {
      // What the controller received over its SSH connections (the dump's bytes, when it relays them).
      report.set('controllerBytesReceived', pool.bytesReceived());
      await track('closing the ssh connections', pool.closeAll());
    }
    await output.close();
  }

  const code = exitCodeOf(interrupted, tracker);
  // A failing webhook is a warning; it never changes the exit code.
  await opts.afterRun?.({ plan, exitCode: code, startedAt, tracker, report, warn: (line) => write(mask(`[WARNING]: ${line}\n`)) });
  unregister();
  record(code, interrupted ? 'interrupted: the steps after the signal did not run' : undefined);
  return code;
}

/** The plan's hosts. The SSH transport (ssh2) is loaded only when some step runs on a host: not for a files-only run. */
async function hostsOf(plan: Plan, opts: RunOptions, output: RunOutput) {
  const onHosts = plan.command !== 'run' || Boolean(plan.db);
  const pool = onHosts
    ? new (await import('../transport/factory.js')).HostPool({
        hostKeyChecking: opts.config.host_key_checking,
        timeoutSec: opts.config.timeout,
        verbosity: opts.verbosity,
        log: (line) => output.verbose(3, 'ssh', line),
      })
    : undefined;
  const varsOf = new Map(plan.hosts.map((h) => [h.name, withConfigDefaults(h.vars, opts.config)]));
  const hostOf = (name: string): Host => {
    if (!pool) throw new Error(`internal error: a step on ${name} in a run with no host steps planned`);
    return pool.get(name, varsOf.get(name) ?? {});
  };
  return { pool, hostOf };
}

/** The executor of the plan's command; the tracker of its (last) attempt. */
async function execute(
  ctx: { plan: Plan; hostOf(name: string): Host; output: RunOutput; report: RunReport; mask: (t: string) => string; signal: AbortSignal },
  o: { tracker: Tracker; check: boolean; onAttempt: (t: Tracker) => void },
): Promise<Tracker> {
  const { plan } = ctx;
  const { tracker } = o;
  // rollback and cleanup are loaded only when asked for.
  if (plan.command === 'rollback') await (await import('./rollback.js')).runRollback({ ...ctx, tracker });
  else if (plan.command === 'cleanup') await (await import('./leftovers.js')).runCleanup({ ...ctx, tracker, check: o.check });
  else return runWithRetries({ ...ctx, onAttempt: o.onAttempt });
  return tracker;
}

/** ansible-playbook's: interrupted, else any host unreachable, else any failed. */
function exitCodeOf(interrupted: boolean, tracker: Tracker): ExitCode {
  if (interrupted) return ExitCode.interrupted;
  if (tracker.badInput) return ExitCode.badInput;
  if (tracker.recap.anyUnreachable()) return ExitCode.unreachable;
  return tracker.recap.anyFailed() ? ExitCode.hostFailed : ExitCode.ok;
}

function writeRunReport(file: string, r: { plan: Plan; report: RunReport; tracker: Tracker; code: number; incomplete?: string }): void {
  const { code } = r;
  const result = r.incomplete && code !== ExitCode.interrupted ? 'incomplete' : code === ExitCode.ok ? 'ok' : code === ExitCode.interrupted ? 'interrupted' : code === ExitCode.unreachable ? 'unreachable' : 'failed';
  const json = { ...r.report.toJSON(r.tracker.recap, code, result), complete: !r.incomplete, ...(r.incomplete ? { incomplete: r.incomplete } : {}) };
  try {
    writeFileSync(file, JSON.stringify(redactDeep(json, r.plan.secrets), null, 2) + '\n');
  } catch (err) {
    throw new UserError(`cannot write the report: ${(err as Error).message}`, { file });
  }
}

/** ansible.cfg's remote_user / private_key_file / remote_port, below the host's own ansible_* vars. */
function withConfigDefaults(vars: Record<string, unknown>, cfg: AnsibleConfig): Record<string, unknown> {
  return {
    ...(cfg.remote_user ? { ansible_user: cfg.remote_user } : {}),
    ...(cfg.private_key_file ? { ansible_ssh_private_key_file: cfg.private_key_file } : {}),
    ...(cfg.remote_port ? { ansible_port: cfg.remote_port } : {}),
    ...vars,
  };
}
