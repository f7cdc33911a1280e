// Executes a Plan: hosts, output, the database part and the bucket copies side by side, then
// the recap, the report and the exit code (ansible-playbook's).
import { writeFileSync } from 'node:fs';
import type { AnsibleConfig } from '../config/ansible-cfg.js';
import { ExitCode, UserError } from '../errors.js';
import type { Plan } from '../plan/types.js';
import { banner } from '../plan/render.js';
import { redact, redactDeep } from '../util/redact.js';
import { runWithRetries } from './attempts.js';
import { plainOutput, type RunOutput } from './output.js';
import { RunReport } from './report.js';
import { Tracker } from './tracker.js';

export interface RunOptions {
  config: AnsibleConfig;
  verbosity: number;
  reportFile?: string;
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
  // The SSH transport (ssh2) is loaded only when some step runs on a host: not for a files-only run.
  const onHosts = plan.command === 'rollback' || Boolean(plan.db);
  const pool = onHosts
    ? new (await import('../transport/factory.js')).HostPool({
        hostKeyChecking: opts.config.host_key_checking,
        timeoutSec: opts.config.timeout,
        verbosity: opts.verbosity,
        log: (line) => output.verbose(3, 'ssh', line),
      })
    : undefined;
  const varsOf = new Map(plan.hosts.map((h) => [h.name, withConfigDefaults(h.vars, opts.config)]));
  const hostOf = (name: string) => {
    if (!pool) throw new Error(`internal error: a step on ${name} in a run with no host steps planned`);
    return pool.get(name, varsOf.get(name) ?? {});
  };

  // Ctrl-C / SIGTERM: abort the steps, let cleanup run, exit 99. A second signal exits at once.
  const abort = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(ExitCode.interrupted);
    interrupted = true;
    output.warn('interrupted: stopping and cleaning up (press Ctrl-C again to exit at once)');
    abort.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  if (!tty) write(`\n${banner(`PLAY [${plan.name}]`)}\n`);
  try {
    if (plan.command === 'rollback') {
      const { runRollback } = await import('./rollback.js');
      await runRollback({ plan, hostOf, tracker, output, signal: abort.signal });
    } else {
      tracker = await runWithRetries({ plan, hostOf, output, report, mask, signal: abort.signal });
    }
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await pool?.closeAll();
    await output.close();
  }

  const code = interrupted
    ? ExitCode.interrupted
    : tracker.recap.anyUnreachable()
      ? ExitCode.unreachable
      : tracker.recap.anyFailed()
        ? ExitCode.hostFailed
        : ExitCode.ok;
  // A failing webhook is a warning; it never changes the exit code.
  await opts.afterRun?.({ plan, exitCode: code, startedAt, tracker, report, warn: (line) => write(mask(`[WARNING]: ${line}\n`)) });
  write(mask(tracker.recap.render(Boolean(process.stdout.isTTY) && !opts.write)));
  if (opts.reportFile) {
    const result = code === ExitCode.ok ? 'ok' : code === ExitCode.interrupted ? 'interrupted' : code === ExitCode.unreachable ? 'unreachable' : 'failed';
    try {
      writeFileSync(opts.reportFile, JSON.stringify(redactDeep(report.toJSON(tracker.recap, code, result), plan.secrets), null, 2) + '\n');
    } catch (err) {
      throw new UserError(`cannot write the report: ${(err as Error).message}`, { file: opts.reportFile });
    }
  }
  return code;
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
