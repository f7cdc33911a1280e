import { expect } from 'chai';
import { UserError, ExitCode } from '../../../src/errors.js';
import { collectVarErrors, validateVars } from '../../../src/schema/validate.js';
import { knownVariables, loadSchema } from '../../../src/schema/schema.js';
import { defaults, goodCopy, sourced } from './helpers.js';

function firstLine(user: Record<string, unknown>, file = 'vars/prod-to-stage1.yml'): string {
  try {
    validateVars(sourced(user, file), { host: 'stage1' });
  } catch (e) {
    expect(e).to.be.instanceOf(UserError);
    expect((e as UserError).exitCode).to.equal(ExitCode.badInput);
    return (e as UserError).oneLine();
  }
  throw new Error('expected a validation error');
}

const F = 'vars/prod-to-stage1.yml';

// The variables users rely on (docs/variables.md).
const USER_VARS = [
  'stagesync_sourcedb', 'stagesync_destdb', 'stagesync_destdb_role', 'stagesync_backup_user', 'stagesync_backup_group',
  'stagesync_backups_create_backups_scripts', 'stagesync_backup_script', 'stagesync_backups_script_template',
  'stagesync_execute_backup', 'stagesync_source_backups_dir', 'stagesync_source_tmp_dir', 'stagesync_dest_tmp_dir',
  'stagesync_backups_retention_days', 'stagesync_restore_exclude_tables', 'stagesync_restore_fk_constraints',
  'stagesync_restore_jobs', 'stagesync_post_restore_sql', 'stagesync_post_restore_commands', 'stagesync_copies',
  'stagesync_aws_region', 'stagesync_restore_mode', 'stagesync_transfer', 'stagesync_pre_restore_commands',
  'stagesync_always_commands', 'stagesync_max_retry_count', 'stagesync_notify_webhook', 'stagesync_protected',
  'stagesync_compare_git_commits', 'stagesync_local_repo', 'stagesync_source_gitbranch', 'stagesync_destination_gitbranch',
];
const withCopy = (patch: Record<string, unknown>) => ({ stagesync_copies: [{ ...goodCopy(), ...patch }] });
const without = (key: string) => {
  const c = goodCopy();
  delete c[key];
  return { stagesync_copies: [c] };
};

// [what, user vars, expected one-line message]
const malformed: [string, Record<string, unknown>, string][] = [
  ['dest_bucket not a string', withCopy({ dest_bucket: 5 }), `${F}: stagesync_copies[0].dest_bucket: must be a string`],
  ['copy without dest_bucket', without('dest_bucket'), `${F}: stagesync_copies[0].dest_bucket: is required`],
  ['copy without aws_profile', without('aws_profile'), `${F}: stagesync_copies[0].aws_profile: is required`],
  ['copy without description', without('description'), `${F}: stagesync_copies[0].description: is required`],
  ['copy with a typo key', withCopy({ delet: true }), `${F}: stagesync_copies[0].delet: unknown key; did you mean delete?`],
  ['max_delete below -1', withCopy({ max_delete: -2 }), `${F}: stagesync_copies[0].max_delete: must be at least -1`],
  ['max_delete not an integer', withCopy({ max_delete: 1.5 }), `${F}: stagesync_copies[0].max_delete: must be an integer`],
  ['unknown canned ACL', withCopy({ acl: 'public' }), `${F}: stagesync_copies[0].acl: must be one of: private, public-read, public-read-write, authenticated-read, aws-exec-read, bucket-owner-read, bucket-owner-full-control, log-delivery-write`],
  ['include not a list', withCopy({ include: '*.jpg' }), `${F}: stagesync_copies[0].include: must be a list`],
  ['exclude item not a string', withCopy({ exclude: ['ok', 3] }), `${F}: stagesync_copies[0].exclude[1]: must be a string`],
  ['copy item not a mapping', { stagesync_copies: [goodCopy(), 'media'] }, `${F}: stagesync_copies[1]: must be a mapping`],
  ['copies not a list', { stagesync_copies: { a: 1 } }, `${F}: stagesync_copies: must be a list`],
  ['restore_mode typo', { stagesync_restore_mode: 'inplace' }, `${F}: stagesync_restore_mode: must be one of: swap, in_place`],
  ['transfer unknown', { stagesync_transfer: 'rsync' }, `${F}: stagesync_transfer: must be one of: stream, direct`],
  ['restore_jobs zero', { stagesync_restore_jobs: 0 }, `${F}: stagesync_restore_jobs: must be at least 1`],
  ['retry count a word', { stagesync_max_retry_count: 'three' }, `${F}: stagesync_max_retry_count: must be an integer`],
  ['protected not a boolean', { stagesync_protected: 'maybe' }, `${F}: stagesync_protected: must be a boolean (true/false)`],
  ['empty destdb', { stagesync_destdb: '' }, `${F}: stagesync_destdb: must not be empty`],
  ['webhook not http', { stagesync_notify_webhook: 'hooks.slack.com/x' }, `${F}: stagesync_notify_webhook: must be an http:// or https:// URL`],
  ['post-restore SQL without sql', { stagesync_post_restore_sql: [{ params: ['a'] }] }, `${F}: stagesync_post_restore_sql[0].sql: is required`],
  ['post-restore SQL params not a list', { stagesync_post_restore_sql: [{ sql: 'SELECT $1', params: 'a' }] }, `${F}: stagesync_post_restore_sql[0].params: must be a list`],
  ['post-restore SQL param a mapping', { stagesync_post_restore_sql: [{ sql: 'SELECT $1', params: [{ a: 1 }] }] }, `${F}: stagesync_post_restore_sql[0].params[0]: must be a string, a number, a boolean (true/false) or null`],
  ['hook with a bad host', { stagesync_pre_restore_commands: [{ command: 'x', host: 'db' }] }, `${F}: stagesync_pre_restore_commands[0].host: must be one of: dest, localhost`],
  ['hook without command', { stagesync_always_commands: [{ host: 'localhost' }] }, `${F}: stagesync_always_commands[0].command: is required`],
  ['hook a number', { stagesync_post_restore_commands: ['ok', 5] }, `${F}: stagesync_post_restore_commands[1]: must be a command string or a mapping {command, host, become_user}`],
  ['exclude_tables a string', { stagesync_restore_exclude_tables: 'sessions' }, `${F}: stagesync_restore_exclude_tables: must be a list`],
  ['port out of range', { ansible_port: 70000 }, `${F}: ansible_port: must be at most 65535`],
  ['port zero', { ansible_port: 0 }, `${F}: ansible_port: must be at least 1`],
  ['unknown connection', { ansible_connection: 'winrm' }, `${F}: ansible_connection: must be one of: local, ssh, paramiko, smart`],
  ['become method unsupported', { ansible_become_method: 'doas' }, `${F}: ansible_become_method: must be one of: sudo, su`],
  ['typo in a variable name', { stagesync_destd: 'stage' }, `${F}: stagesync_destd: unknown variable; did you mean stagesync_destdb?`],
  ['typo in another name', { stagesync_restore_fk_constraint: false }, `${F}: stagesync_restore_fk_constraint: unknown variable; did you mean stagesync_restore_fk_constraints?`],
  ['git compare without a repo', { stagesync_compare_git_commits: true }, `${F}: stagesync_local_repo: must be set when stagesync_compare_git_commits is true`],
];

describe('validateVars', () => {
  it('accepts the shipped defaults', () => {
    expect(collectVarErrors(sourced({}))).to.deep.equal([]);
  });

  it('accepts a full pair vars file using every copy option and hook form', () => {
    const user = {
      stagesync_sourcedb: 'production',
      stagesync_destdb: 'stage1',
      stagesync_copies: [
        { ...goodCopy(), delete: true, max_delete: -1, acl: 'public-read', include: ['*.jpg'], exclude: ['tmp/*'], source_profile: 'prod', dest_profile: 'stage', concurrency: 16, multipart_threshold: 1024 },
      ],
      stagesync_post_restore_sql: [{ sql: 'UPDATE apps SET client_id = $1 WHERE name = $2', params: ['abc', 'web'] }, { sql: 'DELETE FROM sessions' }],
      stagesync_pre_restore_commands: [{ command: 'touch /srv/maintenance', host: 'dest', become_user: 'www-data' }],
      stagesync_post_restore_commands: ['cd /srv/app && ./migrate', { command: 'curl -fsS http://x/ready', host: 'localhost' }],
      stagesync_always_commands: [{ command: 'rm -f /srv/maintenance' }],
      stagesync_notify_webhook: 'https://hooks.slack.com/services/T/B/X',
      stagesync_backups_retention_days: 0,
      stagesync_compare_git_commits: true,
      stagesync_local_repo: '/opt/src/app',
      ansible_host: '10.0.0.5', ansible_port: 2222, ansible_user: 'deploy', ansible_ssh_extra_args: '-A',
      ansible_become: true, ansible_become_user: 'postgres', ansible_connection: 'ssh', ansible_python_interpreter: '/usr/bin/python3',
      app_name: 'my own variable',
      ansible_ssh_pass: 'Ansible has many more ansible_* names; unknown ones pass',
    };
    expect(collectVarErrors(sourced(user))).to.deep.equal([]);
  });

  it(`rejects ${malformed.length} malformed inputs with one line naming file and path`, () => {
    for (const [what, user, expected] of malformed) {
      expect(firstLine(user), what).to.equal(expected);
    }
  });

  it('names the file the top-level key came from, and its line for errors on the key itself', () => {
    const v = sourced({ stagesync_restore_jobs: 'x' }, 'group_vars/stagesync/main.yml');
    v.origins.stagesync_restore_jobs = { file: 'group_vars/stagesync/main.yml', line: 12 };
    const errs = collectVarErrors(v);
    expect(errs).to.deep.equal([{ file: 'group_vars/stagesync/main.yml', line: 12, path: 'stagesync_restore_jobs', message: 'must be an integer' }]);
  });

  it('names the host when a variable has no known origin', () => {
    const v = { values: { ...defaults(), stagesync_restore_jobs: 'x' }, origins: {} };
    expect(collectVarErrors(v, { host: 'db1' })[0]!.message).to.equal('must be an integer (host db1)');
  });

  it('reports every error, in a stable order, and the first is what validateVars throws', () => {
    const user = { stagesync_transfer: 'x', stagesync_copies: [{ ...goodCopy(), dest_bucket: 1, acl: 'no' }], ansible_port: 'many' };
    const a = collectVarErrors(sourced(user)).map((e) => e.path);
    const reversed = Object.fromEntries(Object.entries(user).reverse());
    const b = collectVarErrors(sourced(reversed)).map((e) => e.path);
    expect(a).to.deep.equal(['ansible_port', 'stagesync_copies[0].acl', 'stagesync_copies[0].dest_bucket', 'stagesync_transfer']);
    expect(b).to.deep.equal(a);
    expect(firstLine(user)).to.equal(`${F}: ansible_port: must be an integer`);
  });

  it('coerces Ansible-style strings where the schema wants booleans or integers, in place', () => {
    const v = sourced({ stagesync_restore_jobs: '4', stagesync_protected: 'yes', stagesync_execute_backup: 'False', ansible_port: '2222', ansible_become: 1, stagesync_destdb: '123' });
    validateVars(v, { host: 'h' });
    expect(v.values).to.include({ stagesync_restore_jobs: 4, stagesync_protected: true, stagesync_execute_backup: false, ansible_port: 2222, ansible_become: true, stagesync_destdb: '123' });
  });

  it('coerces inside copy items too', () => {
    const v = sourced(withCopy({ delete: 'true', max_delete: '-1' }));
    validateVars(v);
    expect((v.values.stagesync_copies as Record<string, unknown>[])[0]).to.include({ delete: true, max_delete: -1 });
  });

  it('accepts an empty webhook as "none", as Ansible roles often write it', () => {
    expect(collectVarErrors(sourced({ stagesync_notify_webhook: '' }))).to.deep.equal([]);
  });

  it('suggests nothing for a name far from every known one', () => {
    expect(firstLine({ stagesync_frobnicate_widgets: 'x' })).to.equal(
      `${F}: stagesync_frobnicate_widgets: unknown variable (the stagesync_ prefix is reserved for orchestrate; name your own variables differently)`,
    );
  });

  it('knows every variable of the defaults file, and the defaults file sets every documented variable', () => {
    const known = new Set(knownVariables());
    for (const k of Object.keys(defaults())) expect(known.has(k), k).to.equal(true);
    const d = defaults();
    for (const n of USER_VARS) expect(n in d, n).to.equal(true);
  });
});

describe('schema file', () => {
  it('lists every stagesync_ variable in propertyNames, so editors flag unknown ones too', () => {
    const s = loadSchema() as { propertyNames: { then: { enum: string[] } } };
    expect(s.propertyNames.then.enum).to.deep.equal(knownVariables().filter((k) => k.startsWith('stagesync_')));
  });

  it('gives every variable a description, and every stagesync_ variable of the defaults a default', () => {
    const d = defaults();
    for (const [name, node] of Object.entries(
      (loadSchema().properties ?? {}) as Record<string, { description?: string; default?: unknown }>,
    )) {
      expect(node.description, name).to.be.a('string').and.not.equal('');
      if (name in d) expect(node.default, name).to.deep.equal(d[name]);
    }
  });
});
