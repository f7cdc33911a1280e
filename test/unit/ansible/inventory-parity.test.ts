// `orchestrate inventory --host H` against real `ansible-inventory --host H` (Debian's
// ansible-core, installed by scripts/ensure-deps.sh) over the repo's example inventories:
// every variable of every host must be the same.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { inventoryCommand } from '../../../src/cli/inventory-cmd.js';
import { parseCli, type CliOptions } from '../../../src/cli/options.js';
import { readFileSync } from 'node:fs';
import { tmpTree, cleanTmpTrees } from '../inventory/tmp-tree.js';
import { repoRoot } from '../../support/cli.js';

const INVENTORIES = ['inventories/hosts', 'inventories/hosts.yml'];
const HOSTS = ['db1', 'stage1', 'stage2', 'dev1', 'localhost'];

function ansibleInventory(args: string[]): unknown {
  const out = execFileSync('ansible-inventory', args, { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ANSIBLE_CONFIG: join(repoRoot, 'no-ansible.cfg'), ANSIBLE_LOCALHOST_WARNING: '0' }, stdio: ['ignore', 'pipe', 'pipe'] });
  return JSON.parse(out);
}

const VARS_FILES = ['vars/prod-to-stage1.yml', 'vars/prod-to-stage2.yml', 'vars/stage1-to-dev.yml'];

function run(inventory: string, cmd: Partial<NonNullable<CliOptions['inventoryCmd']>>, extraVars: string[] = []): string {
  const opts: CliOptions = {
    command: 'inventory', inventory: [inventory], extraVars, tags: [], skipTags: [], check: false, verbosity: 0,
    vault: { vaultIds: [], vaultPasswordFiles: [], askVaultPass: false },
    inventoryCmd: { list: false, graph: false, yaml: false, json: false, ...cmd },
  };
  return inventoryCommand(opts, repoRoot, { HOME: repoRoot });
}
const ours = (inventory: string, host: string, extra: string[] = []): unknown => JSON.parse(run(inventory, { host }, extra));

function ansibleText(args: string[]): string {
  return execFileSync('ansible-inventory', args, { cwd: repoRoot, encoding: 'utf8', env: { ...process.env, ANSIBLE_CONFIG: join(repoRoot, 'no-ansible.cfg') }, stdio: ['ignore', 'pipe', 'pipe'] });
}

describe('orchestrate inventory --host = ansible-inventory --host (real ansible-core)', function () {
  this.timeout(120000);
  after(cleanTmpTrees);
  before(function () {
    try {
      execFileSync('ansible-inventory', ['--version'], { stdio: 'ignore' });
    } catch {
      throw new Error('ansible-inventory is missing: run scripts/ensure-deps.sh (installs Debian\'s ansible-core)');
    }
  });
  it('a !vault value in group_vars is shown still encrypted, exactly as ansible-inventory shows it', () => {
    const cwd = tmpTree({ hosts: 'h1 n=1.0\n', 'group_vars/all.yml': readFileSync(join(repoRoot, 'test/fixtures/vault/inline-1.1.yml'), 'utf8') + '\nf: 2.0\nu: !unsafe "{{ x }}"\nlist: [1, "08", 08, 0o7]\n' });
    const theirs = execFileSync('ansible-inventory', ['-i', 'hosts', '--host', 'h1'], { cwd, encoding: 'utf8', env: { ...process.env, ANSIBLE_CONFIG: join(cwd, 'none.cfg') }, stdio: ['ignore', 'pipe', 'pipe'] });
    const opts = parseCli(['inventory', '-i', 'hosts', '--host', 'h1'], '0') as CliOptions;
    expect(inventoryCommand(opts, cwd, { HOME: cwd })).to.equal(theirs);
  });
  for (const inv of INVENTORIES) {
    it(`${inv}: every variable of every host`, () => {
      let compared = 0;
      for (const host of HOSTS) {
        const theirs = ansibleInventory(['-i', inv, '--playbook-dir', repoRoot, '--host', host]) as Record<string, unknown>;
        expect(ours(inv, host), `${inv} --host ${host}`).to.deep.equal(theirs);
        compared += Object.keys(theirs).length;
      }
      expect(compared).to.be.greaterThan(0);
    });
    it(`${inv} with each pair's vars file (-e @vars/...): every variable of every host (--list), and --host`, () => {
      for (const file of VARS_FILES) {
        const args = ['-i', inv, '--playbook-dir', repoRoot, '-e', `@${file}`];
        // --list holds every host's variables (hosts without any are left out, by both).
        expect(run(inv, { list: true }, [`@${file}`]), `${inv} -e @${file} --list`).to.equal(ansibleText([...args, '--list']));
        const theirs = ansibleInventory([...args, '--host', 'stage1']) as Record<string, unknown>;
        expect(Object.keys(theirs).length).to.be.greaterThan(5);
        expect(ours(inv, 'stage1', [`@${file}`]), `${inv} -e @${file} --host stage1`).to.deep.equal(theirs);
      }
    });
    it(`${inv}: --list, --list --yaml and --graph print what ansible-inventory prints`, () => {
      const args = ['-i', inv, '--playbook-dir', repoRoot];
      expect(run(inv, { list: true })).to.equal(ansibleText([...args, '--list']));
      expect(run(inv, { list: true, yaml: true })).to.equal(ansibleText([...args, '--list', '--yaml']));
      expect(run(inv, { graph: true })).to.equal(ansibleText([...args, '--graph']));
      expect(run(inv, { graph: true, graphGroup: 'stagesync' })).to.equal(ansibleText([...args, '--graph', 'stagesync']));
    });
  }
});
