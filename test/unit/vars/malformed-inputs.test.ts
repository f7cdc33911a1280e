// Every malformed inventory, vars file, -e value, ansible.cfg or @limit file gives one UserError
// whose one line names the file (and the line where it is known).
import { expect } from 'chai';
import { join } from 'node:path';
import { UserError } from '../../../src/errors.js';
import { readAnsibleConfig } from '../../../src/config/ansible-cfg.js';
import { loadInventory } from '../../../src/inventory/load.js';
import { matchHosts } from '../../../src/inventory/patterns.js';
import { parseExtraVars } from '../../../src/vars/extra-vars.js';
import { resolveHostVars } from '../../../src/vars/resolve.js';
import { cleanTmpTrees, tmpTree } from '../inventory/tmp-tree.js';

type Run = (cwd: string) => unknown;
const inventory = (file: string): Run => (cwd) => loadInventory([file], { cwd });
const hostVars = (cwd: string) => resolveHostVars(loadInventory(['hosts'], { cwd }), 'h1', { cwd });
const extra = (...values: string[]): Run => (cwd) => parseExtraVars(values, cwd);
const cfg: Run = (cwd) => readAnsibleConfig({ cwd, env: {}, home: join(cwd, 'h'), systemFile: join(cwd, 'none') });

const cases: { name: string; files: Record<string, string>; run: Run; line: RegExp }[] = [
  { name: 'INI host token without =', files: { hosts: '[web]\nw1 oops\n' }, run: inventory('hosts'), line: /^hosts:2: expected key=value/ },
  { name: 'INI header with a space', files: { hosts: '[web servers]\n' }, run: inventory('hosts'), line: /^hosts:1: invalid section entry/ },
  { name: 'INI unknown section type', files: { hosts: '[web:hostz]\n' }, run: inventory('hosts'), line: /^hosts:1: section \[web:hostz\] has unknown type/ },
  { name: 'INI undeclared child group', files: { hosts: '[p:children]\nnope\n' }, run: inventory('hosts'), line: /^hosts:2: .*undefined group: nope/ },
  { name: 'INI :vars of an undeclared group', files: { hosts: '[g:vars]\nx=1\n' }, run: inventory('hosts'), line: /^hosts:1: .*undefined group: g/ },
  { name: 'INI children cycle', files: { hosts: '[a:children]\nb\n[b:children]\na\n' }, run: inventory('hosts'), line: /^hosts:4: .*loop/ },
  { name: 'INI range with a non-number end', files: { hosts: '[web]\nw[1:x]\n' }, run: inventory('hosts'), line: /^hosts:2: invalid host range/ },
  { name: 'INI range with unequal padded widths', files: { hosts: '[web]\nw[01:100]\n' }, run: inventory('hosts'), line: /^hosts:2: .*same width/ },
  { name: 'INI unclosed quote on a host line', files: { hosts: '[web]\nw1 a="x\n' }, run: inventory('hosts'), line: /^hosts:2: .*No closing quotation/ },
  { name: 'INI :vars line without =', files: { hosts: '[web]\nw\n[web:vars]\njustakey\n' }, run: inventory('hosts'), line: /^hosts:4: expected key=value/ },
  { name: 'INI non-integer ansible_group_priority', files: { hosts: '[g]\nh\n[g:vars]\nansible_group_priority=high\n' }, run: inventory('hosts'), line: /^hosts:4: ansible_group_priority must be an integer/ },
  { name: 'INI host ending in :', files: { hosts: '[g]\nhost:\n' }, run: inventory('hosts'), line: /^hosts:2: invalid host pattern/ },
  { name: 'YAML inventory syntax error', files: { 'hosts.yml': 'all:\n  hosts: [a,\n' }, run: inventory('hosts.yml'), line: /^hosts\.yml:\d+: not a valid YAML inventory/ },
  { name: 'YAML hosts as a list', files: { 'hosts.yml': 'all:\n  hosts:\n    - h1\n' }, run: inventory('hosts.yml'), line: /^hosts\.yml:2: 'hosts' of group 'all' must be a mapping/ },
  { name: 'YAML numeric host key', files: { 'hosts.yml': 'all:\n  hosts:\n    1234:\n' }, run: inventory('hosts.yml'), line: /^hosts\.yml:3: .*must be a string/ },
  { name: 'YAML host vars not a mapping', files: { 'hosts.yml': 'all:\n  hosts:\n    h1: 5\n' }, run: inventory('hosts.yml'), line: /^hosts\.yml:3: variables of host 'h1' must be a mapping/ },
  { name: 'YAML plugin config instead of inventory', files: { 'hosts.yml': 'plugin: aws_ec2\n' }, run: inventory('hosts.yml'), line: /^hosts\.yml: .*plugin configuration/ },
  { name: 'missing inventory file', files: {}, run: inventory('inventories/nope'), line: /^inventories\/nope: inventory source not found/ },
  { name: 'group_vars file with bad YAML', files: { hosts: 'h1\n', 'group_vars/all.yml': 'a: 1\nb: [1,\n' }, run: hostVars, line: /^group_vars\/all\.yml:\d+: invalid YAML/ },
  { name: 'group_vars file that is a list', files: { hosts: 'h1\n', 'group_vars/all.yml': '- a\n- b\n' }, run: hostVars, line: /^group_vars\/all\.yml:1: vars must be a mapping/ },
  { name: 'host_vars file with a bad indent', files: { hosts: 'h1\n', 'host_vars/h1/main.yml': 'a: 1\n  b: 2\n' }, run: hostVars, line: /^host_vars\/h1\/main\.yml:\d+: invalid YAML/ },
  { name: 'vault-encrypted file without a vault secret', files: { hosts: 'h1\n', 'group_vars/all.yml': '$ANSIBLE_VAULT;1.1;AES256\n3132\n' }, run: hostVars, line: /^group_vars\/all\.yml: / },
  { name: '-e @file missing', files: {}, run: extra('@vars/missing.yml'), line: /^vars\/missing\.yml: file not found/ },
  { name: '-e @file with bad YAML', files: { 'vars/bad.yml': 'ok: 1\nbad: [\n' }, run: extra('@vars/bad.yml'), line: /^vars\/bad\.yml:\d+: invalid YAML/ },
  { name: '-e @file holding a list', files: { 'vars/list.yml': '- 1\n' }, run: extra('@vars/list.yml'), line: /^vars\/list\.yml:1: vars must be a mapping/ },
  { name: '-e ./path that does not exist', files: {}, run: extra('./vars/x.yml'), line: /^\.\/vars\/x\.yml: extra vars file not found/ },
  { name: '-e inline YAML syntax error', files: {}, run: extra('{a: [1'), line: /^-e:1: invalid YAML/ },
  { name: '-e unclosed quote', files: {}, run: extra('a="x'), line: /^-e: .*no closing quotation/ },
  { name: '-e bare word', files: {}, run: extra('justaword'), line: /^-e: expected key=value/ },
  { name: 'ansible.cfg non-numeric forks', files: { 'ansible.cfg': '[defaults]\nforks = many\n' }, run: cfg, line: /^ansible\.cfg:2: forks must be an integer/ },
  { name: 'ansible.cfg option before any section', files: { 'ansible.cfg': 'forks = 5\n' }, run: cfg, line: /^ansible\.cfg:1: option before any \[section\]/ },
  { name: '@limit file missing', files: { hosts: 'h1\n' }, run: (cwd) => matchHosts(loadInventory(['hosts'], { cwd }), '@nolimit', { cwd }), line: /^nolimit: cannot read limit file/ },
];

describe('malformed inputs: one line naming the file (and line), exit 5', () => {
  after(cleanTmpTrees);
  for (const c of cases) {
    it(c.name, () => {
      const cwd = tmpTree(c.files);
      let error: unknown;
      try {
        c.run(cwd);
      } catch (e) {
        error = e;
      }
      expect(error, 'a UserError').to.be.instanceOf(UserError);
      const e = error as UserError;
      expect(e.oneLine()).to.match(c.line);
      expect(e.oneLine()).not.to.contain('\n');
      expect(e.exitCode).to.equal(5);
    });
  }
});
