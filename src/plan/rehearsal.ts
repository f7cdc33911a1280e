// The destination's checks and migrations before the swap (stagesync_checks,
// stagesync_migrate_before_swap, stagesync_rehearsal_*; docs/rehearsal.md), read from its
// validated variables into the plan.
import { UserError, type InputLocation } from '../errors.js';
import type { Check, ResolvedVars } from '../schema/stagesync-vars.js';
import type { CheckExpect, CheckPlan, MigrationPlan, PlanCommand } from './types.js';

/** The schema allows exactly one key in an expect mapping; this makes it a typed expectation. */
function expectationOf(e: Check['expect']): CheckExpect {
  if (e === null || typeof e !== 'object') return { value: e as string | number | boolean };
  if (typeof e.equals_sql === 'string') return { equalsSql: e.equals_sql };
  if (typeof e.min === 'number') return { min: e.min };
  return { max: e.max as number };
}

export function checksOf(v: ResolvedVars): CheckPlan[] {
  return v.stagesync_checks.map((c) => ({ name: c.name, sql: c.sql, expect: expectationOf(c.expect) }));
}

/**
 * Migrations against the new copy before the swap: asked for by stagesync_migrate_before_swap,
 * and always in a rehearsal (whose point they are). `in_place` has no new copy to run them on.
 */
export function migrationOf(v: ResolvedVars, command: PlanCommand, origin: (key: string) => InputLocation): MigrationPlan | undefined {
  if (command !== 'rehearse' && !v.stagesync_migrate_before_swap) return undefined;
  if (command !== 'rehearse' && v.stagesync_restore_mode === 'in_place') {
    throw new UserError('needs stagesync_restore_mode: swap (in_place has no new copy to migrate before it replaces the live database)', origin('stagesync_migrate_before_swap'));
  }
  return {
    databaseUrl: v.stagesync_migrate_database_url,
    maxLockSeconds: v.stagesync_rehearsal_max_lock_seconds ?? null,
    sampleMs: v.stagesync_rehearsal_lock_sample_ms,
  };
}

/** The password of the DATABASE_URL template, if it has one: a secret, masked like the others. */
export function urlSecrets(url: string): string[] {
  try {
    const password = new URL(url.replace(/\{database\}/g, 'db')).password;
    return password ? [password, decodeURIComponent(password)] : [];
  } catch {
    // Not a URL the WHATWG parser reads (a libpq keyword string, say): nothing to pick out.
    return [];
  }
}


/** Rehearsal settings that do nothing without migrations before the swap: said, not silently ignored. */
export function unusedSettings(v: ResolvedVars, migrate: MigrationPlan | undefined, host: string): string[] {
  if (migrate || v.stagesync_rehearsal_max_lock_seconds === null || v.stagesync_rehearsal_max_lock_seconds === undefined) return [];
  return [`${host}: stagesync_rehearsal_max_lock_seconds has no effect: the post-restore commands run after the swap, unwatched (set stagesync_migrate_before_swap: true, or use orchestrate rehearse)`];
}
