// Bad input of every kind: exit 5 (or the contract's code), one line naming the file (and the
// variable path or line where known), no stack trace — and, since --check is not even needed
// to stop it, nothing touched (no host is contacted: these inventories point nowhere).
import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { orchestrate, repoRoot } from '../../support/cli.js';

interface Case {
  name: string;
  args: string[];
  /** Files written into the ops directory first (path → content). */
  files?: Record<string, string>;
  code?: number;
  /** The one stderr line must match all of these. */
  expect: (string | RegExp)[];
}

const RUN = ['--check', '-e', 'vars/prod-to-stage1.yml'];
const P1 = 'vars/prod-to-stage1.yml';
/** An inventory whose stagesync-destdb group exists but has no host. */
const EMPTY_DEST_GROUP = '[stagesync]\nlocalhost ansible_connection=local\n[stagesync-sourcedb]\ndb1\n[stagesync-destdb]\n';

const cases: Case[] = [
  // flags
  { name: 'unknown option', args: ['--bogus'], expect: ['command line', '--bogus'] },
  { name: '--forks 0', args: [...RUN, '-f', '0'], expect: ['--forks'] },
  { name: '--forks not a number', args: [...RUN, '--forks', 'many'], expect: ['--forks', 'many'] },
  { name: 'unknown tag', args: [...RUN, '-t', 'dbs'], expect: ['--tags', 'dbs'] },
  { name: 'unknown subcommand', args: ['sync', ...RUN], expect: ['command line', 'sync'] },
  { name: '-i without a value', args: ['--check', '-i'], expect: ['command line', '--inventory'] },
  { name: '--confirm wrong name', args: [...RUN, '--confirm', 'production'], expect: ['--confirm', 'production'] },
  { name: '--limit matching nothing', args: [...RUN, '-l', 'nosuchhost'], code: 1, expect: ['nosuchhost'] },
  { name: '--report into a missing directory', args: [...RUN, '--report', '/nonexistent/dir/plan.json'], expect: ['/nonexistent/dir/plan.json'] },
  // inventory
  { name: 'missing inventory file', args: ['--check', '-i', 'inventories/nope', '-e', P1], expect: ['inventories/nope'] },
  { name: 'undeclared child group', args: ['--check', '-i', 'inv', '-e', P1], files: { inv: '[a:children]\nnot_declared\n' }, expect: ['inv', /not_declared/] },
  { name: 'host range without end', args: ['--check', '-i', 'inv', '-e', P1], files: { inv: '[g]\ndb[1:]\n' }, expect: ['inv:2'] },
  { name: 'host token without =', args: ['--check', '-i', 'inv', '-e', P1], files: { inv: '[g]\ndb1 ansible_port\n' }, expect: ['inv:2'] },
  { name: 'bad section suffix', args: ['--check', '-i', 'inv', '-e', P1], files: { inv: '[g:bogus]\ndb1\n' }, expect: ['inv:1'] },
  { name: 'vars of an undeclared group', args: ['--check', '-i', 'inv', '-e', P1], files: { inv: '[ghost:vars]\nx=1\n' }, expect: ['inv', 'ghost'] },
  { name: 'broken YAML inventory', args: ['--check', '-i', 'inv.yml', '-e', P1], files: { 'inv.yml': 'all:\n  hosts: [unclosed\n' }, expect: ['inv.yml'] },
  { name: 'malformed ansible.cfg', args: RUN, files: { 'ansible.cfg': 'inventory = x\n' }, expect: ['ansible.cfg'] },
  // -e
  { name: '-e @missing file', args: ['--check', '-e', '@vars/missing.yml'], expect: ['vars/missing.yml'] },
  { name: '-e inline JSON list', args: ['--check', '-e', '[1, 2]'], expect: ['-e'] },
  { name: '-e broken inline YAML', args: ['--check', '-e', '{a: [1'], expect: ['-e'] },
  { name: '-e absolute path without @', args: ['--check', '-e', '/etc/hostname'], expect: ['-e', '/etc/hostname'] },
  { name: '-e k=v of a wrong type', args: [...RUN, '-e', 'stagesync_restore_jobs=many'], expect: ['stagesync_restore_jobs'] },
  // vars files
  { name: 'broken YAML in the vars file', args: ['--check', '-e', 'vars/bad.yml'], files: { 'vars/bad.yml': 'stagesync_destdb: [\n' }, expect: ['vars/bad.yml'] },
  { name: 'dest_bucket not a string', args: ['--check', '-e', 'vars/bad.yml'], files: { 'vars/bad.yml': 'stagesync_copies:\n  - {description: d, source_bucket: a, dest_bucket: 3, aws_profile: p}\n' }, expect: ['vars/bad.yml', 'stagesync_copies[0].dest_bucket', 'must be a string'] },
  { name: 'copy item without source_bucket', args: ['--check', '-e', 'vars/bad.yml'], files: { 'vars/bad.yml': 'stagesync_copies:\n  - {description: d, dest_bucket: b, aws_profile: p}\n' }, expect: ['vars/bad.yml', 'stagesync_copies[0]', 'source_bucket'] },
  { name: 'typo in a variable name', args: ['--check', '-e', 'vars/bad.yml'], files: { 'vars/bad.yml': 'stagesync_destd: stage\n' }, expect: ['vars/bad.yml', 'stagesync_destd', 'stagesync_destdb'] },
  { name: 'restore mode not in the enum', args: ['--check', '-e', 'vars/bad.yml'], files: { 'vars/bad.yml': 'stagesync_restore_mode: fast\n' }, expect: ['vars/bad.yml', 'stagesync_restore_mode'] },
  { name: 'post-restore SQL item without sql', args: ['--check', '-e', 'vars/bad.yml'], files: { 'vars/bad.yml': 'stagesync_post_restore_sql:\n  - params: [1]\n' }, expect: ['vars/bad.yml', 'stagesync_post_restore_sql[0]'] },
  { name: 'ansible_port out of range in host_vars', args: RUN, files: { 'host_vars/stage1.yml': 'ansible_port: 70000\n' }, expect: ['host_vars/stage1.yml', 'ansible_port'] },
  { name: 'bad value in group_vars directory form', args: RUN, files: { 'group_vars/stagesync/zz.yml': 'stagesync_restore_fk_constraints: maybe\n' }, expect: ['group_vars/stagesync/zz.yml', 'stagesync_restore_fk_constraints'] },
  { name: 'broken YAML in group_vars', args: RUN, files: { 'group_vars/all.yml': 'a: b: c\n' }, expect: ['group_vars/all.yml'] },
  { name: 'template variable undefined in a value', args: ['--check', '-e', 'vars/bad.yml'], files: { 'vars/bad.yml': 'stagesync_destdb: "{{ no_such_var }}"\n' }, expect: ['vars/bad.yml', 'no_such_var'] },
  { name: 'missing backup template', args: [...RUN, '-e', 'stagesync_backups_script_template=nope.sh.j2'], expect: ['nope.sh.j2'] },
  { name: 'user template with an undefined variable', args: RUN, files: { 'templates/postgresbackup.sh.j2': '#!/bin/sh\necho {{ undefined_thing }}\n' }, expect: ['templates/postgresbackup.sh.j2', 'undefined_thing'] },
  // safety (docs/safety.md)
  { name: 'protected destination', args: RUN, files: { 'host_vars/stage1.yml': 'stagesync_protected: true\n' }, expect: ['stage1', 'stagesync_protected'] },
  { name: 'destination in the production group', args: ['--check', '-e', 'vars/bad.yml'], files: { 'vars/bad.yml': 'stagesync_dest_hosts: db1\n' }, expect: ['db1', 'production'] },
  { name: 'destination is the source database', args: ['--check', '-e', 'vars/bad.yml'], files: { 'vars/bad.yml': 'stagesync_source_hosts: stage1\nstagesync_dest_hosts: stage1\nstagesync_sourcedb: stage\n' }, expect: ['stage1', 'source'] },
  { name: 'two source hosts', args: ['--check', '-e', 'vars/bad.yml'], files: { 'vars/bad.yml': 'stagesync_source_hosts: "db1:stage2"\nstagesync_dest_hosts: stage1\n' }, expect: ['stagesync-sourcedb', 'db1, stage2'] },
  { name: 'dest pattern matching no host', args: ['--check', '-e', 'vars/bad.yml'], files: { 'vars/bad.yml': 'stagesync_dest_hosts: stage9\n' }, expect: ['vars/bad.yml', 'stagesync_dest_hosts', 'stage9', 'inventories/hosts'] },
  { name: 'source pattern matching no host', args: ['--check', '-e', 'vars/bad.yml'], files: { 'vars/bad.yml': 'stagesync_source_hosts: db9\nstagesync_dest_hosts: stage1\n' }, expect: ['vars/bad.yml', 'stagesync_source_hosts', 'db9', 'inventories/hosts'] },
  { name: 'empty destination group (the default pattern)', args: ['--check', '-i', 'inv', '-e', 'vars/bad.yml'], files: { inv: EMPTY_DEST_GROUP, 'vars/bad.yml': 'stagesync_destdb: stage\n' }, expect: ['inv', 'stagesync_dest_hosts', '"stagesync-destdb"', 'matches no host'] },
  { name: 'empty destination group, files only', args: ['--check', '-i', 'inv', '-e', 'vars/bad.yml', '-t', 'files'], files: { inv: EMPTY_DEST_GROUP, 'vars/bad.yml': 'stagesync_destdb: stage\n' }, expect: ['stagesync_dest_hosts', '"stagesync-destdb"'] },
  { name: 'empty source group (the default pattern)', args: ['--check', '-i', 'inv', '-e', 'vars/bad.yml'], files: { inv: '[stagesync]\nlocalhost ansible_connection=local\n[stagesync-sourcedb]\n[stagesync-destdb]\nstage1\n', 'vars/bad.yml': 'stagesync_destdb: stage\n' }, expect: ['inv', 'stagesync_source_hosts', '"stagesync-sourcedb"', 'matches no host'] },
];

describe('bad input: one line, the contract’s exit code, no stack trace', function () {
  this.timeout(60_000);
  let base: string;
  before(() => {
    base = mkdtempSync(join(tmpdir(), 'stagesync-bad-'));
  });
  after(() => rmSync(base, { recursive: true, force: true }));

  it(`has at least 30 cases (${cases.length})`, () => expect(cases.length).to.be.at.least(30));

  cases.forEach((c, i) => {
    it(c.name, async () => {
      const ops = join(base, String(i));
      for (const dir of ['inventories', 'vars']) cpSync(join(repoRoot, dir), join(ops, dir), { recursive: true });
      for (const [file, content] of Object.entries(c.files ?? {})) {
        mkdirSync(dirname(join(ops, file)), { recursive: true });
        writeFileSync(join(ops, file), content);
      }
      // HOME elsewhere: no ~/.ansible.cfg or ~/.ssh of the machine interferes.
      const r = await orchestrate(c.args, { cwd: ops, env: { HOME: ops, ANSIBLE_CONFIG: undefined } });
      const lines = r.stderr.trim().split('\n').filter((l) => !l.startsWith('[WARNING]'));
      expect(r.code, r.stderr).to.equal(c.code ?? 5);
      expect(lines, r.stderr).to.have.length(1);
      expect(lines[0]).to.match(/^ERROR! /);
      expect(r.stderr).to.not.match(/\n\s+at /);
      for (const e of c.expect) {
        if (typeof e === 'string') expect(lines[0]).to.contain(e);
        else expect(lines[0]).to.match(e);
      }
      expect(r.stdout).to.not.contain('PLAY RECAP');
    });
  });
});
