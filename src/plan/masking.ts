// stagesync_masking read into typed rules (docs/masking.md), and the plan-time refusals: rules
// without a salt, a source whose backup cannot leave masked tables' data out. The catalog check
// (tables and columns exist, foreign keys inherit rules) is the source preflight's, at run time.
import { UserError } from '../errors.js';
import type { ResolvedVars } from '../schema/stagesync-vars.js';
import { DEFAULT_EMAIL_DOMAIN, type Transformer } from '../steps/mask-sql.js';
import type { DbSourcePlan, MaskingPlan, MaskRule } from './types.js';

/** The line by which a backup script template says it takes --snapshot and --exclude-table-data (ours does). */
export const MASKS_DUMP = /^# stagesync: supports --snapshot$/m;

const NAMED = new Set(['email', 'first_name', 'last_name', 'full_name', 'username', 'phone', 'hash', 'null']);

/** One transformer as the schema let it through: a name, or a one-key mapping. */
export function toTransformer(raw: unknown, path: string, file?: string): Transformer {
  if (typeof raw === 'string' && NAMED.has(raw)) {
    if (raw === 'email') return { kind: 'email', domain: DEFAULT_EMAIL_DOMAIN };
    if (raw === 'hash') return { kind: 'hash', length: 64 };
    return { kind: raw as 'first_name' | 'last_name' | 'full_name' | 'username' | 'phone' | 'null' };
  }
  const [entry] = raw !== null && typeof raw === 'object' ? Object.entries(raw) : [];
  const [form, v] = entry ?? [];
  if (form === 'email' && typeof v === 'string') return { kind: 'email', domain: v };
  if (form === 'hash' && typeof v === 'number') return { kind: 'hash', length: v };
  if (form === 'fixed' && (v === null || ['string', 'number', 'boolean'].includes(typeof v))) return { kind: 'fixed', value: v as string | number | boolean | null };
  if (form === 'date_noise' && typeof v === 'string') return { kind: 'date_noise', interval: v };
  if (form === 'number_noise' && typeof v === 'number') return { kind: 'number_noise', ratio: v };
  if (form === 'sql' && typeof v === 'string') return { kind: 'sql', expression: v };
  throw new UserError('unknown transformer form', { file, path });
}

/** `schema.table` or `table` (then in public), as written. */
export function splitTable(key: string): { schema: string; name: string } {
  const dot = key.indexOf('.');
  return dot > 0 ? { schema: key.slice(0, dot), name: key.slice(dot + 1) } : { schema: 'public', name: key };
}

/** The masking part of the plan, or undefined when no rule is set. Refuses what cannot be masked. */
export function maskingPlan(v: ResolvedVars, source: DbSourcePlan, file: (variable: string) => string | undefined): MaskingPlan | undefined {
  const file0 = file('stagesync_masking');
  const rules: MaskRule[] = [];
  for (const [key, columns] of Object.entries(v.stagesync_masking)) {
    const table = splitTable(key);
    for (const [column, raw] of Object.entries(columns)) {
      const path = `stagesync_masking.${key}.${column}`;
      rules.push({ ...table, column, path, transformer: toTransformer(raw, path, file0) });
    }
  }
  if (rules.length === 0) return undefined;
  const salt = v.stagesync_masking_salt;
  if (typeof salt !== 'string' || salt === '') {
    throw new UserError(`is required when stagesync_masking has rules (${rules.length} in ${file0 ?? 'the vars'})`, { file: file0 ?? file('stagesync_masking_salt'), path: 'stagesync_masking_salt' });
  }
  refuseUnmaskableSource(source, file);
  return { rules, salt, requireAll: v.stagesync_masking_require_all, leakSample: v.stagesync_masking_leak_sample, ...(file0 ? { file: file0 } : {}) };
}

/** The dump must be made by our script, this run, able to leave the masked tables' data out. */
function refuseUnmaskableSource(s: DbSourcePlan, file: (variable: string) => string | undefined): void {
  const refuse = (variable: string, why: string) => new UserError(`${why}: a masked sync (stagesync_masking) never takes unmasked data, so it is refused`, { file: file(variable) ?? file('stagesync_masking'), path: variable });
  if (!s.createScripts) throw refuse('stagesync_backups_create_backups_scripts', "the host's own backup script cannot leave the masked tables' data out of its dump");
  if (!s.executeBackup) throw refuse('stagesync_execute_backup', 'an existing dump holds the unmasked data');
  if (!MASKS_DUMP.test(s.backupScriptContent ?? '')) throw refuse('stagesync_backups_script_template', `${s.scriptTemplate} does not say "# stagesync: supports --snapshot" (it cannot dump in the masking snapshot without the masked tables' data)`);
}

/** The rules by table, as `--check` prints them. */
export function rulesByTable(m: MaskingPlan): Map<string, MaskRule[]> {
  const by = new Map<string, MaskRule[]>();
  for (const r of m.rules) {
    const k = `${r.schema}.${r.name}`;
    by.set(k, [...(by.get(k) ?? []), r]);
  }
  return by;
}

/** A transformer as the user wrote it, for --check and the report. */
export function describeTransformer(t: Transformer): string {
  switch (t.kind) {
    case 'email':
      return t.domain === DEFAULT_EMAIL_DOMAIN ? 'email' : `email (@${t.domain})`;
    case 'hash':
      return t.length === 64 ? 'hash' : `hash (${t.length} hex digits)`;
    case 'fixed':
      return `fixed ${JSON.stringify(t.value)}`;
    case 'date_noise':
      return `date_noise ±${t.interval}`;
    case 'number_noise':
      return `number_noise ±${t.ratio * 100}%`;
    case 'sql':
      return `sql ${t.expression}`;
    default:
      return t.kind;
  }
}
