// stagesync_post_restore_commands given as strings: run on the destination as the login user
// under `sh -c`; a non-zero exit fails the host with the command's output.
import type { Host } from '../transport/types.js';
import { StepError, tail } from './errors.js';

export interface CommandItem {
  command: string;
  /** Run as this user (hook items' become_user). */
  becomeUser?: string;
}

export interface CommandResult {
  command: string;
  code: number;
  output: string;
  durationMs: number;
}

export async function runCommands(host: Host, items: (string | CommandItem)[], opts: { signal?: AbortSignal; step?: string } = {}): Promise<CommandResult[]> {
  const results: CommandResult[] = [];
  for (const it of items) {
    const { command, becomeUser } = typeof it === 'string' ? { command: it, becomeUser: undefined } : it;
    const started = Date.now();
    const r = await host.exec({ script: command }, { become: becomeUser ? { user: becomeUser } : undefined, signal: opts.signal });
    const output = tail(r.stdout + (r.stderr ? `\n${r.stderr}` : ''), 40);
    if (r.code !== 0) throw new StepError(host.name, opts.step ?? 'post_restore_commands', `\`${command}\` exited with ${r.code ?? r.signal}`, { output: output });
    results.push({ command, code: 0, output, durationMs: Date.now() - started });
  }
  return results;
}
