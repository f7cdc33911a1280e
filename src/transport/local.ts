// The controller itself as a Host (`localhost`, ansible_connection=local): same command lines
// as over ssh, run by /bin/sh, become through the same sudo wrapping.
import { LineHost } from './line-host.js';
import type { RawProcess } from './process.js';

export interface LocalHostOptions {
  /** -vvv: each command line before it runs (the caller masks secrets). */
  log?: (line: string) => void;
  /** Grace between TERM and KILL when stopping a command. */
  killGraceMs?: number;
}

export class LocalHost extends LineHost {
  // Without become, env goes through the process environment (not visible in ps).
  protected override readonly envToProcess = true;

  constructor(
    readonly name: string,
    private readonly opts: LocalHostOptions = {},
  ) {
    super();
  }

  async connect(): Promise<void> {}

  async close(): Promise<void> {}

  protected async open(line: string, env: Record<string, string> | undefined): Promise<RawProcess> {
    this.opts.log?.(`<${this.name}> EXEC ${line}`);
    // Loaded on first use: execa costs ~130 ms of start-up that a run without local commands skips.
    const { execa } = await import('execa');
    // detached: own process group, so kill() reaches the command's children too.
    const child = execa('/bin/sh', ['-c', line], {
      env,
      stdin: 'pipe',
      stdout: 'pipe',
      stderr: 'pipe',
      buffer: false,
      reject: false,
      detached: true,
      stripFinalNewline: false,
    });
    const grace = this.opts.killGraceMs ?? 2000;
    const signalGroup = (sig: NodeJS.Signals): void => {
      try {
        if (child.pid) process.kill(-child.pid, sig);
      } catch {
        /* already gone */
      }
    };
    return {
      stdin: child.stdin!,
      stdout: child.stdout!,
      stderr: child.stderr!,
      exited: child.then((r) => ({ code: r.exitCode ?? null, ...(r.signal ? { signal: r.signal.replace(/^SIG/, '') } : {}) })),
      kill: () => {
        signalGroup('SIGTERM');
        setTimeout(() => signalGroup('SIGKILL'), grace).unref();
      },
    };
  }
}
