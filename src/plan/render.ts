// --check output: the plan as a person reads it, and as JSON for --report (secrets masked).
import { createHash } from 'node:crypto';
import type { MaskingPlan, Plan } from './types.js';
import { describeTransformer, rulesByTable } from './masking.js';
import { migrationHeader } from './rehearsal-summary.js';

const WIDTH = 80;

/** Ansible's banner: title, a space, `*` up to the line width. */
export function banner(title: string, width = WIDTH): string {
  return `${title} ${'*'.repeat(Math.max(3, width - title.length - 1))}`;
}

export function renderPlan(plan: Plan): string {
  const out: string[] = ['', banner(`PLAN [${plan.name}]`)];
  out.push(`inventory:     ${plan.inventorySources.join(', ') || '(none)'}`);
  if (plan.limit) out.push(`limit:         ${plan.limit}`);
  if (plan.tags.length || plan.skipTags.length) {
    out.push(`tags:          ${plan.tags.join(',') || 'all'}${plan.skipTags.length ? ` (skipping ${plan.skipTags.join(',')})` : ''}`);
  }
  const db = plan.db;
  if (db) {
    const s = db.source;
    const script = s.createScripts ? `${s.backupScript} (rendered from ${s.scriptTemplate})` : `${s.backupScript} (the host's own script)`;
    out.push(`source:        ${s.host} — database ${s.database}, backup ${s.executeBackup ? `by ${script}, pg_dump --compress=${s.compression}` : 'skipped: newest existing dump'} as ${s.backupUser}`);
    for (const d of db.destinations) {
      const how = plan.command === 'rehearse' ? 'rehearsal (restored into a new copy, never swapped in)' : d.mode === 'swap' ? `swap (previous kept as ${d.database}_stagesync_prev)` : 'in place';
      const pull = d.pullFrom ? `; pulls from ${s.host}${d.pullFrom.address ? ` at ${d.pullFrom.address}` : ''} with ${d.pullFrom.identityFile ? `key ${d.pullFrom.identityFile}` : 'the forwarded agent'}` : '';
      out.push(`destination:   ${d.host} — database ${d.database} owned by ${d.role}, ${how}${pull}`);
      out.push(...migrationHeader(d));
    }
    const how = s.pipelined ? 'pipelined: the dump is sent on while it is written' : 'the complete dump is moved';
    const path = db.transfer === 'direct' ? `direct: each destination pulls from ${s.host} over SSH` : 'stream through the controller';
    out.push(`transfer:      ${path}, ${how}`);
    if (db.masking) out.push(...maskingLines(db.masking));
  }
  for (const d of plan.rollback?.destinations ?? []) out.push(`rollback:      ${d.host} — database ${d.database} ⇄ ${d.database}_stagesync_prev`);
  for (const c of plan.copies) {
    out.push(`bucket copy:   ${c.description}: s3://${c.source_bucket}/${c.source_path} → s3://${c.dest_bucket}/${c.dest_path}`);
  }
  if (plan.steps.length === 0) out.push('', 'nothing to do: no step is selected (check --limit and --tags)');
  else {
    out.push('');
    const hostWidth = Math.max(...plan.steps.map((s) => s.host.length), 4);
    const actionWidth = Math.max(...plan.steps.map((s) => s.action.length));
    for (const s of plan.steps) {
      out.push(`${String(s.id).padStart(3)}  ${s.host.padEnd(hostWidth)}  ${s.action.padEnd(actionWidth)}  ${s.summary}`);
    }
  }
  return out.join('\n') + '\n';
}

/** Per table, its rules; the rules inherited through foreign keys need the source's catalog. */
function maskingLines(m: MaskingPlan): string[] {
  const lines = [...rulesByTable(m)].map(([table, rules]) => `masking:       ${table}: ${rules.map((r) => `${r.column} → ${describeTransformer(r.transformer)}`).join(', ')}`);
  lines.push(`               + columns referencing a masked column through a foreign key get its rule (read from the source's catalog at preflight)`);
  lines.push(`               leak check: ${m.leakSample ? `up to ${m.leakSample} values per masked column, before the swap` : 'off (stagesync_masking_leak_sample: 0)'}${m.requireAll ? '; every personal-looking column must have a rule' : ''}`);
  return lines;
}

/** The plan for --report: script bodies become their digests; the secrets list is dropped. */
export function planForReport(plan: Plan): Record<string, unknown> {
  const digest = (text?: string) => (text === undefined ? undefined : `sha256:${createHash('sha256').update(text).digest('hex')}`);
  const { secrets: _secrets, ...rest } = plan;
  if (!rest.db) return rest;
  const { backupScriptContent, cleanupScriptContent, ...source } = rest.db.source;
  // The salt is a secret: the report has the rules, never the key.
  const masking = rest.db.masking ? (({ salt: _salt, ...m }) => m)(rest.db.masking) : undefined;
  return {
    ...rest,
    db: { ...rest.db, ...(masking ? { masking } : {}), source: { ...source, backupScriptDigest: digest(backupScriptContent), cleanupScriptDigest: digest(cleanupScriptContent) } },
  };
}
