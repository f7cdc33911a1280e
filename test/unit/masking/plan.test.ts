// stagesync_masking in the plan: typed rules, refusals before anything runs (exit 5), --check lines.
import { expect } from 'chai';
import { UserError } from '../../../src/errors.js';
import { renderPlan, planForReport } from '../../../src/plan/render.js';
import { planFor } from '../ansible/plan-for.js';

const RULES = `stagesync_masking:
  public.auth_user:
    email: email
    first_name: first_name
    password: {hash: 16}
  customers:
    email: {email: corp.test}
    birth_date: {date_noise: "30 days"}
    score: {number_noise: 0.1}
    note: {fixed: "n/a"}
    phone: "null"
    nick: {sql: "left(nick, 1) || '***'"}
`;
const SALT = 'stagesync_masking_salt: "s3cret-salt-value"\n';

function refusal(files: Record<string, string>): UserError {
  try {
    planFor(files);
  } catch (e) {
    if (e instanceof UserError) return e;
    throw e;
  }
  throw new Error('the plan was built');
}

describe('masking: the plan', () => {
  it('reads every transformer form and puts mask and leak_check around verify, before the swap', () => {
    const plan = planFor({ 'vars/pair.yml': RULES + SALT });
    const m = plan.db!.masking!;
    expect(m.rules.map((r) => [r.schema, r.name, r.column, r.transformer.kind])).to.deep.equal([
      ['public', 'auth_user', 'email', 'email'],
      ['public', 'auth_user', 'first_name', 'first_name'],
      ['public', 'auth_user', 'password', 'hash'],
      ['public', 'customers', 'email', 'email'],
      ['public', 'customers', 'birth_date', 'date_noise'],
      ['public', 'customers', 'score', 'number_noise'],
      ['public', 'customers', 'note', 'fixed'],
      ['public', 'customers', 'phone', 'null'],
      ['public', 'customers', 'nick', 'sql'],
    ]);
    expect(m.rules[3]!.transformer).to.deep.equal({ kind: 'email', domain: 'corp.test' });
    expect(m.rules[3]!.path).to.equal('stagesync_masking.customers.email');
    expect(m.leakSample).to.equal(1000);
    const actions = plan.steps.filter((s) => s.host === 'stage1').map((s) => s.action);
    expect(actions).to.deep.equal(['preflight', 'lock', 'restore', 'mask', 'verify', 'leak_check', 'swap']);
  });

  it('--check shows the rules per table and where the inherited ones come from; the salt never', () => {
    const plan = planFor({ 'vars/pair.yml': RULES + SALT });
    const text = renderPlan(plan);
    expect(text).to.include('masking:       public.auth_user: email → email, first_name → first_name, password → hash (16 hex digits)');
    expect(text).to.include('masking:       public.customers: email → email (@corp.test), birth_date → date_noise ±30 days');
    expect(text).to.include('foreign key');
    expect(text).not.to.include('s3cret-salt-value');
    expect(JSON.stringify(planForReport(plan))).not.to.include('s3cret-salt-value');
    expect(plan.secrets).to.include('s3cret-salt-value');
  });

  it('no leak_check step with stagesync_masking_leak_sample: 0; no masking without rules', () => {
    const plan = planFor({ 'vars/pair.yml': RULES + SALT + 'stagesync_masking_leak_sample: 0\n' });
    expect(plan.steps.map((s) => s.action)).not.to.include('leak_check');
    const plain = planFor({ 'vars/pair.yml': 'stagesync_masking: {}\n' });
    expect(plain.db!.masking).to.equal(undefined);
    expect(plain.steps.map((s) => s.action)).not.to.include('mask');
  });

  it('rules without a salt: exit 5 naming the variable and the file', () => {
    const e = refusal({ 'vars/pair.yml': RULES });
    expect(e.exitCode).to.equal(5);
    expect(e.oneLine()).to.match(/vars\/pair\.yml: stagesync_masking_salt: is required when stagesync_masking has rules/);
  });

  it("a host's own backup script, an existing dump or a template that cannot leave data out: refused (exit 5)", () => {
    expect(refusal({ 'vars/pair.yml': RULES + SALT + 'stagesync_backups_create_backups_scripts: false\n' }).oneLine()).to.match(/stagesync_backups_create_backups_scripts: the host's own backup script cannot .* refused/);
    expect(refusal({ 'vars/pair.yml': RULES + SALT + 'stagesync_execute_backup: false\n' }).oneLine()).to.match(/stagesync_execute_backup: an existing dump holds the unmasked data/);
    const own = refusal({ 'vars/pair.yml': RULES + SALT + 'stagesync_backups_script_template: mine.sh.j2\n', 'templates/mine.sh.j2': '#!/bin/sh\n# stagesync: supports --stdout\npg_dump "$@"\n' });
    expect(own.oneLine()).to.match(/stagesync_backups_script_template: mine\.sh\.j2 does not say "# stagesync: supports --snapshot"/);
  });

  it('an unknown transformer or form fails validation (exit 5) at its path', () => {
    const e = refusal({ 'vars/pair.yml': SALT + 'stagesync_masking:\n  users:\n    email: scramble\n' });
    expect(e.exitCode).to.equal(5);
    expect(e.oneLine()).to.equal('vars/pair.yml: stagesync_masking.users.email: must be one of: email, first_name, last_name, full_name, username, phone, hash, null');
    const f = refusal({ 'vars/pair.yml': SALT + 'stagesync_masking:\n  users:\n    email: {shuffle: 1}\n' });
    expect(f.oneLine()).to.match(/^vars\/pair\.yml: stagesync_masking\.users\.email\.shuffle: unknown key \(allowed: email, hash, fixed, date_noise, number_noise, sql\)$/);
    const short = refusal({ 'vars/pair.yml': RULES + 'stagesync_masking_salt: short\n' });
    expect(short.oneLine()).to.match(/stagesync_masking_salt/);
  });
});
