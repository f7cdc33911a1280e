// Runs the real `orchestrate` (the executable `npm test`'s build bundles, else the sources through tsx) as a user would.
import { execa, type Result } from 'execa';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const repoRoot = resolve(import.meta.dirname, '../..');
/** The executable as installed (scripts/bundle.mjs). */
export const orchestrateBin = join(repoRoot, 'dist/bin/orchestrate.js');
const source = join(repoRoot, 'src/cli/bin.ts');
const tsx = join(repoRoot, 'node_modules/.bin/tsx');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/** The command line that starts orchestrate: the built executable, else the sources through tsx. */
export function orchestrateArgv(args: string[]): [string, string[]] {
  return existsSync(orchestrateBin) && !process.env.STAGESYNC_TEST_FROM_SOURCE ? [process.execPath, [orchestrateBin, ...args]] : [tsx, [source, ...args]];
}

/** Runs orchestrate with args in cwd; never throws on a non-zero exit. */
export async function orchestrate(args: string[], opts: { cwd?: string; env?: Record<string, string | undefined>; input?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  const [cmd, argv] = orchestrateArgv(args);
  const r: Result = await execa(cmd, argv, {
    cwd: opts.cwd ?? repoRoot,
    env: { ...opts.env },
    extendEnv: true,
    reject: false,
    input: opts.input ?? '',
    timeout: opts.timeoutMs ?? 600_000,
  });
  return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
}
