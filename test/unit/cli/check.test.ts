// `orchestrate --check` end to end on the example ops files: the plan, -i/-e spellings, --limit, --tags.
import { expect } from 'chai';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { orchestrate, repoRoot } from '../../support/cli.js';

const steps = (stdout: string) =>
  stdout
    .split('\n')
    .filter((l) => /^\s+\d+\s{2}/.test(l))
    .map((l) => l.trim().split(/\s+/).slice(1, 3).join(' '));

describe('orchestrate --check', function () {
  this.timeout(60_000);
  let ops: string;
  before(() => {
    ops = mkdtempSync(join(tmpdir(), 'stagesync-ops-'));
    for (const dir of ['inventories', 'vars', 'group_vars']) cpSync(join(repoRoot, dir), join(ops, dir), { recursive: true });
  });
  after(() => rmSync(ops, { recursive: true, force: true }));

  it('prints the same plan for `-i inventories/hosts -e @vars/x.yml` and `--extra-vars vars/x.yml`', async () => {
    const a = await orchestrate(['--check', '-i', 'inventories/hosts', '-e', '@vars/prod-to-stage1.yml'], { cwd: ops });
    const b = await orchestrate(['--check', '--extra-vars', 'vars/prod-to-stage1.yml'], { cwd: ops });
    expect(a.code, a.stderr).to.equal(0);
    expect(b.code, b.stderr).to.equal(0);
    expect(a.stdout).to.equal(b.stdout);
    expect(steps(a.stdout)).to.deep.equal([
      'db1 preflight',
      'stage1 preflight',
      'stage1 lock',
      'db1 backup',
      'db1 move',
      'stage1 restore',
      'stage1 post_restore_sql',
      'stage1 verify',
      'stage1 swap',
      'localhost bucket_copy',
      'db1 cleanup',
    ]);
    expect(a.stdout).to.contain('CHECK MODE: nothing was changed on any host.');
  });

  it('the YAML inventory gives the same plan as the INI one', async () => {
    const ini = await orchestrate(['--check', '-i', 'inventories/hosts', '-e', 'vars/prod-to-stage2.yml'], { cwd: ops });
    const yml = await orchestrate(['--check', '-i', 'inventories/hosts.yml', '-e', 'vars/prod-to-stage2.yml'], { cwd: ops });
    expect(steps(yml.stdout)).to.deep.equal(steps(ini.stdout));
  });

  it('without stagesync_dest_hosts every stagesync-destdb host is a destination; -l shrinks them', async () => {
    const all = await orchestrate(['--check', '-e', 'stagesync_sourcedb=production'], { cwd: ops });
    expect(all.code, all.stderr).to.equal(0);
    expect(steps(all.stdout).filter((s) => s.endsWith('swap'))).to.deep.equal(['stage1 swap', 'stage2 swap', 'dev1 swap']);
    const one = await orchestrate(['--check', '-e', 'stagesync_sourcedb=production', '-l', 'stage2'], { cwd: ops });
    expect(steps(one.stdout).filter((s) => s.endsWith('swap'))).to.deep.equal(['stage2 swap']);
    const but = await orchestrate(['--check', '-e', 'stagesync_sourcedb=production', '-l', 'stagesync-destdb:!dev1'], { cwd: ops });
    expect(steps(but.stdout).filter((s) => s.endsWith('swap'))).to.deep.equal(['stage1 swap', 'stage2 swap']);
  });

  it('stagesync_dest_hosts is rendered as a play\'s hosts: with the extra vars and groups, a list of patterns too', async () => {
    const swaps = (stdout: string) => steps(stdout).filter((s) => s.endsWith('swap'));
    const named = await orchestrate(['--check', '-e', 'stagesync_sourcedb=production', '-e', 'env_name=stage2', '-e', 'stagesync_dest_hosts={{ env_name }}'], { cwd: ops });
    expect(named.code, named.stderr).to.equal(0);
    expect(swaps(named.stdout)).to.deep.equal(['stage2 swap']);
    const listed = await orchestrate(['--check', '-e', 'stagesync_sourcedb=production', '-e', `{"stagesync_dest_hosts": "{{ groups['stagesync-destdb'] | select('match', 'stage') | list }}"}`], { cwd: ops });
    expect(listed.code, listed.stderr).to.equal(0);
    expect(swaps(listed.stdout)).to.deep.equal(['stage1 swap', 'stage2 swap']);
    const undef = await orchestrate(['--check', '-e', 'stagesync_sourcedb=production', '-e', 'stagesync_dest_hosts={{ nope }}-db'], { cwd: ops });
    expect(undef.code).to.equal(5);
    expect(undef.stderr).to.match(/stagesync_dest_hosts: .*'nope' is undefined/);
  });

  it('-l leaves out the bucket copies unless localhost is in the pattern', async () => {
    const r = await orchestrate(['--check', '-e', 'vars/prod-to-stage1.yml', '-l', 'stage1'], { cwd: ops });
    expect(steps(r.stdout)).to.not.include('localhost bucket_copy');
    expect(steps(r.stdout)).to.include('stage1 swap');
    const both = await orchestrate(['--check', '-e', 'vars/prod-to-stage1.yml', '-l', 'stage1:localhost'], { cwd: ops });
    expect(steps(both.stdout)).to.include('localhost bucket_copy');
  });

  it('-l leaving no destination: one warning line naming the pattern, the copies still planned, exit 0', async () => {
    const r = await orchestrate(['--check', '-e', 'vars/prod-to-stage1.yml', '-l', 'localhost:stage2'], { cwd: ops });
    expect(r.code, r.stderr).to.equal(0);
    expect(steps(r.stdout)).to.deep.equal(['localhost bucket_copy']);
    const warnings = r.stderr.split('\n').filter((l) => l.startsWith('[WARNING]: '));
    expect(warnings.filter((l) => /database part/.test(l))).to.deep.equal([
      '[WARNING]: Could not match supplied host pattern with a destination: --limit localhost:stage2: the database part of the pair (stagesync_dest_hosts: stage1) does not run',
    ]);
  });

  it('-t files: one warning line that the database part does not run; -t db none', async () => {
    const files = await orchestrate(['--check', '-e', 'vars/prod-to-stage1.yml', '-t', 'files'], { cwd: ops });
    expect(files.stderr).to.match(/^\[WARNING\]: --tags files: the database part of the pair \(stagesync_dest_hosts: stage1\) does not run$/m);
    const db = await orchestrate(['--check', '-e', 'vars/prod-to-stage1.yml', '-t', 'db'], { cwd: ops });
    expect(db.stderr).to.not.match(/database part/);
  });

  it('-t files keeps only the bucket copies; -t db and --skip-tags files only the database', async () => {
    const files = await orchestrate(['--check', '-e', 'vars/prod-to-stage1.yml', '-t', 'files'], { cwd: ops });
    expect(steps(files.stdout)).to.deep.equal(['localhost bucket_copy']);
    const db = await orchestrate(['--check', '-e', 'vars/prod-to-stage1.yml', '-t', 'db'], { cwd: ops });
    const skip = await orchestrate(['--check', '-e', 'vars/prod-to-stage1.yml', '--skip-tags', 'files'], { cwd: ops });
    expect(steps(db.stdout)).to.not.include('localhost bucket_copy');
    expect(steps(db.stdout)).to.deep.equal(steps(skip.stdout));
  });

  it('a pair whose source is another pair’s destination (stage1-to-dev)', async () => {
    const r = await orchestrate(['--check', '-e', 'vars/stage1-to-dev.yml'], { cwd: ops });
    expect(r.code, r.stderr).to.equal(0);
    expect(steps(r.stdout)).to.include.members(['stage1 backup', 'dev1 swap', 'localhost bucket_copy']);
  });

  it('the executable templates as Ansible does: a nested dict literal ends at its last `}}`, an undefined operand of a filter fails', async () => {
    writeFileSync(join(ops, 'braces.yml'), "stagesync_destdb: \"{{ {'a': {'b': 'stagex'}}.a.b }}\"\n");
    const r = await orchestrate(['--check', '-t', 'db', '-e', 'vars/prod-to-stage1.yml', '-e', '@braces.yml'], { cwd: ops });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/destination: +stage1 — database stagex owned by stage/);
    writeFileSync(join(ops, 'undefined.yml'), "stagesync_destdb: \"{{ nope | upper }}\"\n");
    const u = await orchestrate(['--check', '-t', 'db', '-e', 'vars/prod-to-stage1.yml', '-e', '@undefined.yml'], { cwd: ops });
    expect(u.code).to.equal(5);
    expect(u.stderr).to.match(/undefined\.yml:1: stagesync_destdb: .*'nope' is undefined/);
  });

  it('stagesync_transfer: direct: each destination pulls from the source, by its own route', async () => {
    const r = await orchestrate(['--check', '-t', 'db', '-e', 'vars/prod-to-stage1.yml', '-e', 'stagesync_transfer=direct', '-e', 'stagesync_direct_source_address=10.1.2.3'], { cwd: ops });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/transfer: +direct: each destination pulls from db1 over SSH, pipelined/);
    expect(r.stdout).to.match(/destination: +stage1 — .*; pulls from db1 at 10\.1\.2\.3 with the forwarded agent/);
    expect(r.stdout).to.match(/db1 +move +stage1 pull the dump from db1 over SSH while it is written/);
    expect(r.stdout).not.to.contain('not supported yet');
  });

  it('pipelines the dump with the rendered script; a --jobs restore, the host\'s own script or no backup move the file first', async () => {
    const hook = ['-e', '{"stagesync_pre_restore_commands": ["touch /srv/maintenance.on"]}'];
    const run = async (...extra: string[]) => {
      const r = await orchestrate(['--check', '-t', 'db', '-e', 'vars/prod-to-stage1.yml', ...hook, ...extra], { cwd: ops });
      expect(r.code, r.stderr).to.equal(0);
      return r;
    };
    // Swap mode: the restore runs with the move; maintenance (a pre-restore hook) only around the swap.
    const piped = await run();
    expect(piped.stdout).to.match(/transfer: +stream through the controller, pipelined/);
    expect(piped.stdout).to.match(/db1 +move +stream the dump to stage1 while it is written/);
    expect(piped.stdout).to.match(/stage1 +restore +restore into stage_stagesync_new owned by stage as the dump arrives/);
    expect(steps(piped.stdout).slice(3)).to.deep.equal([
      'db1 backup', 'db1 move', 'stage1 restore', 'stage1 post_restore_sql', 'stage1 verify', 'stage1 pre_restore_commands', 'stage1 swap', 'db1 cleanup',
    ]);
    // in_place writes the live database from the first byte: its hooks come before the dump.
    const inPlace = await run('-e', 'stagesync_restore_mode=in_place');
    expect(steps(inPlace.stdout).slice(3, 7)).to.deep.equal(['stage1 pre_restore_commands', 'db1 backup', 'db1 move', 'stage1 restore']);
    // --jobs: pre-data and data as the dump arrives, then post-data with --jobs from the copy.
    const jobs = await run('-e', '{"stagesync_restore_jobs": 2}');
    expect(jobs.stdout).to.match(/stage1 +restore +restore into stage_stagesync_new owned by stage as the dump arrives \(post-data with --jobs 2 from the complete copy\)/);
    expect(jobs.stdout).to.match(/db1 +move +stream the dump to stage1 while it is written/);
    // in_place with --jobs restores from the moved file: the move still runs during the dump.
    const inPlaceJobs = await run('-e', '{"stagesync_restore_jobs": 2, "stagesync_restore_mode": "in_place"}');
    expect(inPlaceJobs.stdout).to.match(/stage1 +restore +pg_restore --clean --if-exists into the live stage from the moved file \(--jobs 2\)/);
    // The host's own script, or the newest existing dump: the complete file is moved.
    for (const extra of [['-e', '{"stagesync_backups_create_backups_scripts": false}'], ['-e', '{"stagesync_execute_backup": false}']]) {
      const r = await run(...extra);
      expect(r.stdout).to.match(/transfer: +stream through the controller, the complete dump is moved/);
      expect(r.stdout).to.match(/db1 +move +stream the dump to stage1 \(sha256 checked on both ends\)/);
      expect(r.stdout).to.match(/stage1 +restore +restore into stage_stagesync_new owned by stage from the moved file/);
    }
  });

  it('a backup template of the user\'s own is pipelined only when it says it takes --stdout', async () => {
    const own = mkdtempSync(join(tmpdir(), 'stagesync-ops-'));
    try {
      for (const dir of ['inventories', 'vars', 'group_vars']) cpSync(join(repoRoot, dir), join(own, dir), { recursive: true });
      mkdirSync(join(own, 'templates'));
      writeFileSync(join(own, 'templates', 'postgresbackup.sh.j2'), '#!/bin/sh\nexec pg_dump -Fc -f {{ stagesync_source_backups_dir | quote }}/"$1".dump "$1"\n');
      const plain = await orchestrate(['--check', '-t', 'db', '-e', 'vars/prod-to-stage1.yml'], { cwd: own });
      expect(plain.stdout).to.match(/the complete dump is moved/);
      writeFileSync(join(own, 'templates', 'postgresbackup.sh.j2'), '#!/bin/sh\n# stagesync: supports --stdout\nexec mine "$@"\n');
      const says = await orchestrate(['--check', '-t', 'db', '-e', 'vars/prod-to-stage1.yml'], { cwd: own });
      expect(says.stdout).to.match(/pipelined/);
    } finally {
      rmSync(own, { recursive: true, force: true });
    }
  });

  it('--report writes the plan as JSON without secrets or script bodies', async () => {
    const report = join(ops, 'plan.json');
    const r = await orchestrate(['--check', '-e', 'vars/prod-to-stage1.yml', '-e', 'stage_oauth_secret=hunter2-very-secret', '--report', report], { cwd: ops });
    expect(r.code, r.stderr).to.equal(0);
    const text = readFileSync(report, 'utf8');
    const json = JSON.parse(text) as { check: boolean; plan: { steps: unknown[]; db: { source: Record<string, unknown> } } };
    expect(json.check).to.equal(true);
    expect(json.plan.steps).to.have.length(11);
    expect(json.plan.db.source.backupScriptDigest).to.match(/^sha256:[0-9a-f]{64}$/);
    expect(json.plan.db.source).to.not.have.property('backupScriptContent');
    expect(text).to.not.contain('hunter2-very-secret');
    expect(r.stdout).to.not.contain('hunter2-very-secret');
  });
});
