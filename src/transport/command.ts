// Turn a Command (+ env, + become) into the one POSIX sh line sent to a host.
// Quoting happens only through src/util/shell.
import { commandLine, quote } from '../util/shell.js';
import { wrapBecome, type BecomeWrap } from './become.js';
import type { Become, Command } from './types.js';

export interface BuiltCommand {
  line: string;
  become?: BecomeWrap;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

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
export function buildCommand(cmd: Command, opts: { env?: Record<string, string>; become?: Become; stdinFrom?: Command } = {}): BuiltCommand {
  if (opts.stdinFrom) {
    if (opts.become?.password) throw new Error('a command fed by another one cannot become with a sudo password (sudo would read it from the pipe)');
    const built = buildCommand(cmd, { env: opts.env, become: opts.become });
    return { ...built, line: `${buildCommand(opts.stdinFrom).line} </dev/null | ${built.line}` };
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
