// How --check tells the checks, the migrations before the swap and the end of a rehearsal.
import type { CheckExpect, CheckPlan, DbDestinationPlan, HookCommand } from './types.js';

/** `= 3`, `= (SELECT ...)`, `>= 1`, `<= 0`. */
export function expectText(e: CheckExpect): string {
  if ('value' in e) return `= ${JSON.stringify(e.value)}`;
  if ('equalsSql' in e) return `= (${e.equalsSql})`;
  if ('min' in e) return `>= ${e.min}`;
  return `<= ${e.max}`;
}

export const checkLine = (c: CheckPlan): string => `${c.name}: (${c.sql}) ${expectText(c.expect)}`;

/** Where the checks run: the new copy before the swap, or the live database after an in-place restore. */
const target = (d: DbDestinationPlan) => (d.mode === 'swap' ? `${d.database}_stagesync_new` : `${d.database} (in place: after the restore)`);

export function checksSummary(d: DbDestinationPlan): string {
  return `${d.checks.length} check(s) on ${target(d)}, a failing one stops the destination: ${d.checks.map(checkLine).join('; ')}`;
}

export function lockLimitText(d: DbDestinationPlan): string {
  const limit = d.migrate?.maxLockSeconds;
  return limit === null || limit === undefined ? 'no limit on ACCESS EXCLUSIVE locks' : `fails past ${limit} s of ACCESS EXCLUSIVE on a table`;
}

/** A command's first line (a script's lines follow it in the report). */
export function commandLine(command: string): string {
  const lines = command.trim().split('\n');
  return lines.length > 1 ? `${lines[0]} …` : lines[0]!;
}

export function migrateSummary(d: DbDestinationPlan, c: HookCommand): string {
  const where = c.host === 'localhost' ? ' (on the controller)' : '';
  return `run against ${d.database}_stagesync_new${where}, locks sampled every ${d.migrate?.sampleMs ?? 100} ms (${lockLimitText(d)}): ${commandLine(c.command)}`;
}

export function rehearsalEndSummary(d: DbDestinationPlan, keep: boolean): string {
  return keep
    ? `no swap: keep ${d.database}_stagesync_new as ${d.database}_stagesync_rehearsal; ${d.database} stays as it was`
    : `no swap: drop ${d.database}_stagesync_new; ${d.database} stays as it was`;
}

/** The --check header line of a destination's migrations and checks (none when it has neither). */
export function migrationHeader(d: DbDestinationPlan): string[] {
  const lines: string[] = [];
  if (d.postRestoreCommands.length) {
    lines.push(
      d.migrate
        ? `migrations:    ${d.host} — ${d.postRestoreCommands.length} command(s) before the swap, against ${d.database}_stagesync_new (PGDATABASE, STAGESYNC_DATABASE, DATABASE_URL); lock report, ${lockLimitText(d)}`
        : `migrations:    ${d.host} — ${d.postRestoreCommands.length} command(s) after the swap, against ${d.database} (stagesync_migrate_before_swap: false; no lock report)`,
    );
  }
  for (const c of d.checks) lines.push(`check:         ${d.host} — ${checkLine(c)}`);
  return lines;
}
