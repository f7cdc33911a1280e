// docs/safety.md: the user types the destination database name before it is replaced
// (as Heroku's --confirm). Without a terminal nobody is asked.
import { createInterface } from 'node:readline/promises';
import { UserError } from '../errors.js';
import type { Plan } from '../plan/types.js';

export interface ConfirmIO {
  isTTY: boolean;
  ask(question: string): Promise<string>;
}

const terminal = (): ConfirmIO => ({
  isTTY: Boolean(process.stdin.isTTY && process.stdout.isTTY),
  async ask(question) {
    const rl = createInterface({ input: process.stdin, output: process.stdout });
    try {
      return await rl.question(question);
    } finally {
      rl.close();
    }
  },
});

/** The database names this run would replace (or swap back). */
export function replacedDatabases(plan: Plan): { names: string[]; hosts: string[] } {
  const dests = plan.db?.destinations ?? plan.rollback?.destinations ?? [];
  return { names: [...new Set(dests.map((d) => d.database))], hosts: dests.map((d) => d.host) };
}

export async function confirmDestination(plan: Plan, confirm: string | undefined, io: ConfirmIO = terminal()): Promise<void> {
  const { names, hosts } = replacedDatabases(plan);
  if (names.length === 0) return;
  if (confirm !== undefined) {
    if (!names.every((n) => n === confirm)) {
      throw new UserError(`--confirm ${JSON.stringify(confirm)} does not match the destination database ${names.map((n) => JSON.stringify(n)).join(', ')}`, { file: 'command line', path: '--confirm' });
    }
    return;
  }
  if (!io.isTTY) return;
  for (const name of names) {
    const answer = await io.ask(
      `This replaces the database "${name}" on ${hosts.join(', ')} with a copy of the source.\nType the database name to continue: `,
    );
    if (answer.trim() !== name) throw new UserError(`confirmation failed: expected ${JSON.stringify(name)}, got ${JSON.stringify(answer.trim())}`, { path: '--confirm' });
  }
}
