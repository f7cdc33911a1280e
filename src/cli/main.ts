// orchestrate: parse the command line, build the plan, print it (--check) or carry it out.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ExitCode, UserError } from '../errors.js';
import { packageRoot } from '../util/paths.js';
import { parseCli } from './options.js';
import { loadPlan } from './load-plan.js';
import { confirmDestination } from './confirm.js';
import { execute, printWarnings } from './execute.js';
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
    const { runSchedule } = await import('./schedule.js');
    return runSchedule(opts);
  }
  const loaded = loadPlan(opts);
  printWarnings(loaded.plan, opts);

  // A wrong --confirm is bad input even in check mode; the prompt itself is only for real runs.
  // cleanup removes only what interrupted runs left, never a database in use; a rehearsal never
  // replaces one: nothing to confirm.
  if (opts.command !== 'cleanup' && opts.command !== 'rehearse') {
    if (opts.confirm !== undefined) await confirmDestination(loaded.plan, opts.confirm);
    if (!opts.check && opts.confirm === undefined) await confirmDestination(loaded.plan, undefined);
  }
  return execute(opts, loaded);
}

export function errorExit(err: unknown): number {
  if (err instanceof UserError) {
    process.stderr.write(`ERROR! ${err.oneLine()}\n`);
    return err.exitCode;
  }
  process.stderr.write(`ERROR! unexpected error: ${(err as Error)?.stack ?? String(err)}\n`);
  return ExitCode.unexpected;
}

