// orchestrate started in the background, its stdout watched line by line: a test (or the soak)
// waits for a moment of the run and acts then (a fault, a signal).
import { execa, type ResultPromise } from 'execa';
import { orchestrateArgv, type CliRun } from './cli.js';

export interface LiveRun {
  /** Resolves once stdout matches `re` (rejects when the run ends first or after `ms`). */
  waitFor(re: RegExp, ms?: number): Promise<void>;
  /** stdout so far. */
  output(): string;
  /** True once the process has exited. */
  ended(): boolean;
  kill(signal: NodeJS.Signals): void;
  result: Promise<CliRun>;
}

export function startOrchestrate(args: string[], opts: { cwd: string; env: Record<string, string> }): LiveRun {
  const [cmd, argv] = orchestrateArgv(args);
  const child: ResultPromise = execa(cmd, argv, { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', ...opts.env }, reject: false, timeout: 300_000 });
  let out = '';
  let ended = false;
  const waiters: { re: RegExp; resolve: () => void }[] = [];
  child.stdout!.on('data', (c: Buffer) => {
    out += c.toString();
    for (const w of waiters.splice(0)) {
      if (w.re.test(out)) w.resolve();
      else waiters.push(w);
    }
  });
  const result = child.then((r) => {
    ended = true;
    return { code: r.exitCode ?? -1, stdout: String(r.stdout), stderr: String(r.stderr) };
  });
  return {
    result,
    output: () => out,
    ended: () => ended,
    kill: (signal) => void child.kill(signal),
    waitFor: (re, ms = 120_000) =>
      new Promise<void>((resolve, reject) => {
        if (re.test(out)) return resolve();
        const t = setTimeout(() => reject(new Error(`timed out waiting for ${re} in:\n${out}`)), ms);
        waiters.push({ re, resolve: () => (clearTimeout(t), resolve()) });
        void result.then(() => {
          clearTimeout(t);
          if (re.test(out)) resolve();
          else reject(new Error(`the run ended before ${re}:\n${out}`));
        });
      }),
  };
}
