// Runs a command under a pseudo-terminal with util-linux `script`, answering prompts as a user
// types. The command sees a real terminal (isTTY, 100x40); we read what the screen received.
import { execa } from 'execa';
import { execFileSync } from 'node:child_process';

export interface PtyRun {
  code: number;
  /** Everything the terminal received, escapes included. */
  raw: string;
  /** `raw` without ANSI escapes and carriage returns. */
  text: string;
}

export function hasScript(): boolean {
  try {
    execFileSync('script', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const shq = (s: string) => `'${s.replace(/'/g, `'"'"'`)}'`;
// eslint-disable-next-line no-control-regex
export const stripAnsi = (s: string) => s.replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '').replace(/\x1b[()][0-9A-B]/g, '').replace(/\r/g, '');

/**
 * `argv` in a terminal of 100 columns; each `answers` item is typed (with Enter) once the screen
 * shows its `after` text. stdin stays open until the command exits (EOF would end the session).
 */
export async function runInPty(
  argv: string[],
  opts: { cwd?: string; env?: Record<string, string | undefined>; answers?: { after: string | RegExp; type: string }[]; timeoutMs?: number; onOutput?: (text: string) => void } = {},
): Promise<PtyRun> {
  const command = `stty cols 100 rows 40 2>/dev/null; exec ${argv.map(shq).join(' ')}`;
  const child = execa('script', ['-qfec', command, '/dev/null'], {
    cwd: opts.cwd,
    env: { TERM: 'xterm-256color', ...opts.env },
    extendEnv: true,
    reject: false,
    stdin: 'pipe',
    timeout: opts.timeoutMs ?? 120_000,
  });
  let raw = '';
  const answers = [...(opts.answers ?? [])];
  child.stdout!.on('data', (chunk: Buffer) => {
    raw += chunk.toString();
    opts.onOutput?.(raw);
    const next = answers[0];
    if (next && (typeof next.after === 'string' ? stripAnsi(raw).includes(next.after) : next.after.test(stripAnsi(raw)))) {
      answers.shift();
      child.stdin!.write(`${next.type}\r`);
    }
  });
  const r = await child;
  child.stdin!.destroy();
  return { code: r.exitCode ?? -1, raw, text: stripAnsi(raw) };
}
