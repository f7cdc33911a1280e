// A loaded, confirmed plan printed (--check) or carried out: one run of `orchestrate`, and one
// tick of `orchestrate schedule`.
import { writeFileSync } from 'node:fs';
import { ExitCode, UserError } from '../errors.js';
import { redact, redactDeep } from '../util/redact.js';
import { planForReport, renderPlan } from '../plan/render.js';
import type { Plan } from '../plan/types.js';
import type { CliOptions } from './options.js';
import type { LoadedPlan } from './load-plan.js';

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
  if (plan.gitParity && plan.command !== 'cleanup') {
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
  // `cleanup --check` lists the leftovers on the hosts: it runs, removing nothing.
  if (opts.check && plan.command !== 'cleanup') {
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
  const [{ runPlan }, { notifyAfterRun }] = await Promise.all([import('../run/run.js'), import('../notify/after-run.js')]);
  return runPlan(plan, { config, verbosity: opts.verbosity, afterRun: notifyAfterRun, check: opts.check, ...(opts.report ? { reportFile: opts.report } : {}) });
}

export function writeReport(file: string, report: Record<string, unknown>, secrets: string[]): void {
  try {
    writeFileSync(file, JSON.stringify(redactDeep(report, secrets), null, 2) + '\n');
  } catch (err) {
    throw new UserError(`cannot write the report: ${(err as Error).message}`, { file });
  }
}
