// Templating as Ansible does it: each case says what Ansible gives. Values checked against
// ansible-core (`ansible localhost -m debug -a 'msg=...'`) where 2.14 and 2.19 agree;
// native types follow 2.19 (2.14 turned "{{ n }}" into the string "5").
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { UserError } from '../../../src/errors.js';
import { LazyVars } from '../../../src/template/lazy.js';
import { createScope, renderString } from '../../../src/template/render.js';
import { cleanTmpTrees } from '../inventory/tmp-tree.js';
import { planFor } from './plan-for.js';


const lazy = (vars: Record<string, unknown>) => new LazyVars('h1', vars, createScope());
const value = (name: string, vars: Record<string, unknown>) => lazy(vars).get(name);

describe('Ansible templating', () => {
  after(cleanTmpTrees);

  it("Ansible gives `echo 'O'\"'\"'Brien'` for echo {{ greeting | quote }}: a real shell prints O'Brien", () => {
    const plan = planFor({
      'group_vars/all.yml': 'name: "O\'Brien"\ngreeting: "{{ name }}"\n',
      'vars/pair.yml': 'stagesync_post_restore_commands:\n  - "echo {{ greeting | quote }}"\n',
    });
    const command = plan.db!.destinations[0]!.postRestoreCommands[0]!.command;
    expect(command).to.equal(`echo 'O'"'"'Brien'`);
    expect(execFileSync('/bin/sh', ['-c', command], { encoding: 'utf8' })).to.equal("O'Brien\n");
  });

  it('Ansible gives filters the rendered value: length 7, [0] O, upper, to_json', () => {
    const vars = { name: "O'Brien", greeting: '{{ name }}' };
    expect(renderString('{{ greeting | length }}|{{ greeting[0] }}|{{ greeting | upper }}|{{ greeting | to_json }}', vars)).to.equal(`7|O|O'BRIEN|"O'Brien"`);
  });

  it('Ansible keeps {% raw %} text as is, never rendered a second time', () => {
    expect(value('b', { x: 1, a: '{% raw %}{{ x }}{% endraw %}', b: '{{ a }}' })).to.equal('{{ x }}');
  });

  it('Ansible never templates a !unsafe value', () => {
    const plan = planFor({
      'group_vars/all.yml': 'x: 1\nraw_cmd: !unsafe "echo {{ x }}"\n',
      'vars/pair.yml': 'stagesync_post_restore_commands: ["{{ raw_cmd }}", !unsafe "echo {{ y }}"]\n',
    });
    expect(plan.db!.destinations[0]!.postRestoreCommands.map((c) => c.command)).to.deep.equal(['echo {{ x }}', 'echo {{ y }}']);
  });

  it('Ansible gives a single expression its native type: list, bool, number, null, dict', () => {
    const vars = { list: [1, 2], flag: true, n: 5, none: null, d: { a: 1 } };
    expect(value('v', { ...vars, v: '{{ list }}' })).to.deep.equal([1, 2]);
    expect(value('v', { ...vars, v: '{{ flag }}' })).to.equal(true);
    expect(value('v', { ...vars, v: '{{ n }}' })).to.equal(5);
    expect(value('v', { ...vars, v: '{{ none }}' })).to.equal(null);
    expect(value('v', { ...vars, v: '{{ d }}' })).to.deep.equal({ a: 1 });
    expect(value('v', { ...vars, v: ' {{ n }}' })).to.equal(' 5');
    // A value read on the way that renders to text does not turn the outer one into text.
    expect(value('v', { ...vars, s: 'a{{ n }}b', v: '{{ s | length }}' })).to.equal(3);
  });

  it('Ansible takes a typed single expression into stagesync_* lists and hooks', () => {
    const plan = planFor({
      'group_vars/all.yml': 'tables_common: [public.sessions, public.cache]\nhooks: ["true", "echo done"]\n',
      'vars/pair.yml': 'stagesync_restore_exclude_tables: "{{ tables_common }}"\nstagesync_post_restore_commands: "{{ hooks }}"\nstagesync_restore_jobs: "{{ 1 + 1 }}"\n',
    });
    const d = plan.db!.destinations[0]!;
    expect(d.excludeTables).to.deep.equal(['public.sessions', 'public.cache']);
    expect(d.postRestoreCommands.map((c) => c.command)).to.deep.equal(['true', 'echo done']);
    expect(d.jobs).to.equal(2);
  });

  it("Ansible renders non-strings inside a string as Python does: True, [1, 2], {'a': 1}, 1.0, None → ''", () => {
    const vars = { t: true, l: [1, 'x'], d: { a: 1, b: null }, f: 1.5, s: "it's" };
    expect(renderString('x{{ t }} {{ l }} {{ d }} {{ f }} {{ [s] }} {{ None }}|', vars)).to.equal(`xTrue [1, 'x'] {'a': 1, 'b': None} 1.5 ["it's"] |`);
  });

  it('Ansible gives 1.0 for a YAML float 1.0 inside a string', () => {
    const plan = planFor({
      'group_vars/all.yml': 'version: 1.0\n',
      'vars/pair.yml': 'stagesync_post_restore_commands: ["echo v{{ version }}"]\n',
    });
    expect(plan.db!.destinations[0]!.postRestoreCommands[0]!.command).to.equal('echo v1.0');
  });

  it('Ansible renders a value only when it is used: an unused broken value does not fail the run', () => {
    const plan = planFor({
      'group_vars/all.yml': 'py: "{{ ansible_playbook_python }}"\nfacts: "{{ ansible_facts.distribution }}"\nbad: "{{ nope | upper }}"\n',
      'vars/pair.yml': 'stagesync_destdb: stage\n',
    });
    expect(plan.db!.destinations[0]!.database).to.equal('stage');
  });

  it('Ansible fails on a used undefined value, naming the file and variable', () => {
    let line = '';
    try {
      planFor({ 'vars/pair.yml': 'stagesync_destdb: "{{ nope }}"\n' });
    } catch (e) {
      line = (e as UserError).oneLine();
    }
    expect(line).to.equal("vars/pair.yml:1: stagesync_destdb: 'nope' is undefined");
  });

  it('Ansible names a recursive loop: a -> b -> a', () => {
    let message = '';
    try {
      renderString('{{ a }}', { a: '{{ b }}', b: '{{ a }}' });
    } catch (e) {
      message = (e as UserError).oneLine();
    }
    expect(message).to.match(/recursive loop detected in template: a -> b -> a/);
  });

  it("a secret from lookup('env') in a hook is one of the plan's secrets (masked in output)", () => {
    const plan = planFor(
      { 'group_vars/all.yml': "db_pw: \"{{ lookup('env', 'CI_DB_PASSWORD') }}\"\n", 'vars/pair.yml': 'stagesync_post_restore_commands: ["psql-setup {{ db_pw | quote }}"]\n' },
      ['@vars/pair.yml'],
      { CI_DB_PASSWORD: 'ci-s3cret' },
    );
    expect(plan.db!.destinations[0]!.postRestoreCommands[0]!.command).to.equal('psql-setup ci-s3cret');
    expect(plan.secrets).to.include('ci-s3cret');
  });

  it("Ansible renders a value with the reading host's variables", () => {
    const plan = planFor({
      'group_vars/all.yml': 'site: "{{ inventory_hostname }}.example.com"\n',
      'vars/pair.yml': 'stagesync_post_restore_commands: ["echo {{ site }}"]\n',
    });
    expect(plan.db!.destinations[0]!.postRestoreCommands[0]!.command).to.equal('echo stage1.example.com');
  });
});
