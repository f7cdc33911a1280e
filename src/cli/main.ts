// orchestrate: parse the command line, build the plan, print it (--check) or carry it out.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import { packageRoot } from '../util/paths.js';
import { redact, redactDeep } from '../util/redact.js';
import { planForReport, renderPlan } from '../plan/render.js';
import type { Plan } from '../plan/types.js';
import { parseCli, type CliOptions } from './options.js';
import { loadPlan, type LoadedPlan } from './load-plan.js';
import { confirmDestination } from './confirm.js';
import { setupVault } from './vault-setup.js';
import { readAnsibleConfig } from '../config/ansible-cfg.js';

function version(): string {
  return (JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { version: string }).version;
}

export async function main(argv: string[]): Promise<number> {
  const opts = parseCli(argv, version());
  if (!opts) return ExitCode.ok;
  await setupVault(opts.vault, readAnsibleConfig({ env: process.env }), process.cwd(), process.env);
  if (opts.command === 'inventory') {
    const { inventoryCommand } = await import('./inventory-cmd.js');
    process.stdout.write(inventoryCommand(opts));
    return ExitCode.ok;
  }
  if (opts.command === 'schedule') {
    const { runSchedule } = await import('../schedule/command.js');
    return runSchedule(opts);
  }
  const loaded = loadPlan(opts);
  printWarnings(loaded.plan, opts);

  // A wrong --confirm is bad input even in check mode; the prompt itself is only for real runs.
  if (opts.confirm !== undefined) await confirmDestination(loaded.plan, opts.confirm);
  if (!opts.check && opts.confirm === undefined) await confirmDestination(loaded.plan, undefined);
  return execute(opts, loaded);
}

export function printWarnings(plan: Plan, opts: CliOptions): void {
  for (const w of plan.warnings) {
    // Our own group names (stagesync-sourcedb...) always draw Ansible's naming warning: only at -v.
    if (/group names with characters/.test(w) && opts.verbosity === 0) continue;
    process.stderr.write(`[WARNING]: ${w}\n`);
  }
}

/** A confirmed plan: printed (--check) or carried out. Also one tick of `orchestrate schedule`. */
export async function execute(opts: CliOptions, { plan, config }: LoadedPlan): Promise<number> {
  // Local and read-only: before anything runs, --check included (it says whether a run would go).
  if (plan.gitParity) {
    const { checkGitParity } = await import('../run/git-parity.js');
    const parity = await checkGitParity(plan.gitParity).catch(async (err: unknown) => {
      // Refused (not bad input) on a real run: tell the webhook, as for a failed run.
      if (!opts.check && err instanceof UserError && err.exitCode === ExitCode.error) {
        const { notifyRefusal } = await import('../notify/after-run.js');
        await notifyRefusal(plan, 'git_parity', err.message, (line) => process.stderr.write(`[WARNING]: ${line}\n`));
      }
      throw err;
    });
    process.stdout.write(`${parity.line}\n`);
  }
  if (opts.check) {
    process.stdout.write(renderPlan(plan));
    // Bucket copies: list both sides (read-only) to say what would be copied and deleted.
    let copies: unknown[] = [];
    if (plan.copies.length) {
      const { previewCopies } = await import('../run/check-copies.js');
      const preview = await previewCopies(plan, opts.verbosity);
      process.stdout.write('\n' + preview.lines.map((l) => redact(l, plan.secrets)).join('\n') + '\n');
      copies = preview.previews;
    }
    process.stdout.write('\nCHECK MODE: nothing was changed on any host.\n');
    if (opts.report) writeReport(opts.report, { check: true, plan: planForReport(plan), copies }, plan.secrets);
    return ExitCode.ok;
  }
  // Loaded only for real runs: --check never pulls in ssh2 (nor the AWS SDK without copies).
  const { runPlan } = await import('../run/run.js');
  return runPlan(plan, { config, verbosity: opts.verbosity, ...(opts.report ? { reportFile: opts.report } : {}) });
}

export function writeReport(file: string, report: Record<string, unknown>, secrets: string[]): void {
  try {
    writeFileSync(file, JSON.stringify(redactDeep(report, secrets), null, 2) + '\n');
  } catch (err) {
    throw new UserError(`cannot write the report: ${(err as Error).message}`, { file });
  }
}

export function errorExit(err: unknown): number {
  if (err instanceof UserError) {
    process.stderr.write(`ERROR! ${err.oneLine()}\n`);
    return err.exitCode;
  }
  process.stderr.write(`ERROR! unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  return ExitCode.unexpected;
}

