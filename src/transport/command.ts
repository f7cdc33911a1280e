// Turn a Command (+ env, + become) into the one POSIX sh line sent to a host.
// Quoting happens only through src/util/shell.
import { commandLine, quote } from '../util/shell.js';
import { wrapBecome, type BecomeWrap } from './become.js';
import type { Become, Command } from './types.js';

export interface BuiltCommand {
  line: string;
  become?: BecomeWrap;
  /** Fed by a stdinFrom command: its failure is told in stderr (feedFailure). */
  fed?: boolean;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** stderr line `stagesync-feed-failed:N`: the command given as stdinFrom exited with N. */
const FEED_TAG = 'stagesync-feed-failed:';
const FEED_LINE = new RegExp(`^${FEED_TAG}(\\d+)\\n?`, 'm');

/** The feeder's exit status from a command's stderr (absent: it succeeded), and stderr without it. */
export function feedFailure(stderr: string): { feedExit?: number; stderr: string } {
  const m = FEED_LINE.exec(stderr);
  return m ? { feedExit: Number(m[1]), stderr: stderr.replace(FEED_LINE, '') } : { stderr };
}

/** `env K=V …` prefix (sshd drops most env requests and sudo resets env, so it travels inline). */
export function envPrefix(env: Record<string, string> | undefined): string {
  const names = Object.keys(env ?? {});
  if (names.length === 0) return '';
  for (const n of names) if (!ENV_NAME.test(n)) throw new Error(`invalid environment variable name ${JSON.stringify(n)}`);
  return 'env ' + names.map((n) => quote(`${n}=${env![n]}`)).join(' ') + ' ';
}

/**
 * The sh line for a command. argv words are quoted; a script runs under `/bin/sh -c` so the
 * login shell (bash, zsh, …) never interprets it; with become the script is sudo's `sh -c` body.
 */
export interface BuildOptions {
  env?: Record<string, string>;
  become?: Become;
  stdinFrom?: Command;
  /** The stdinFrom command gets the line's stdin (else /dev/null). */
  feedReadsStdin?: boolean;
}

export function buildCommand(cmd: Command, opts: BuildOptions = {}): BuiltCommand {
  if (opts.stdinFrom) {
    if (opts.become?.password) throw new Error('a command fed by another one cannot become with a sudo password (sudo would read it from the pipe)');
    const built = buildCommand(cmd, { env: opts.env, become: opts.become });
    const feedIn = opts.feedReadsStdin ? '' : ' </dev/null';
    // The feeder's failure is told on stderr (a cut feed looks like a short, clean end to cmd).
    return { ...built, fed: true, line: `{ ${buildCommand(opts.stdinFrom).line}${feedIn} || echo "${FEED_TAG}$?" >&2; } | ${built.line}` };
  }
  const env = envPrefix(opts.env);
  if (opts.become) {
    const inner = 'argv' in cmd ? env + commandLine(cmd.argv) : env ? env + '/bin/sh -c ' + quote(cmd.script) : cmd.script;
    const wrap = wrapBecome(inner, opts.become);
    return { line: wrap.line, become: wrap };
  }
  if ('argv' in cmd) {
    if (cmd.argv.length === 0) throw new Error('empty command');
    return { line: env + commandLine(cmd.argv) };
  }
  return { line: env + '/bin/sh -c ' + quote(cmd.script) };
}
