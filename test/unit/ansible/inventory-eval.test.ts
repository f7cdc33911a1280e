// `orchestrate inventory --eval TEMPLATE --host H`: the template rendered with H's variables,
// exactly as a hook on H sees it.
import { expect } from 'chai';
import { inventoryCommand } from '../../../src/cli/inventory-cmd.js';
import { parseCli, type CliOptions } from '../../../src/cli/options.js';
import { UserError } from '../../../src/errors.js';
import { gatherVaultSecrets } from '../../../src/vault/secrets.js';
import { planFor } from './plan-for.js';
import { cleanTmpTrees, tmpTree } from '../inventory/tmp-tree.js';

const FILES = {
  'inventories/hosts': '[stagesync-sourcedb]\ndb1 ansible_host=10.0.0.1\n[stagesync-destdb]\nstage1\n',
  'group_vars/all.yml': 'name: "O\'Brien"\ngreeting: "{{ name }}"\ntables: [a, b]\ndb_token: "tok-{{ inventory_hostname }}-secret"\n',
  'vars/pair.yml': 'stagesync_post_restore_commands:\n  - "echo {{ greeting | quote }} {{ hostvars[\'db1\'].ansible_host }} {{ stagesync_destdb }} {{ tables }}"\n',
};
const HOOK = "echo {{ greeting | quote }} {{ hostvars['db1'].ansible_host }} {{ stagesync_destdb }} {{ tables }}";

function evalOn(template: string, extra: string[] = []): string {
  const cwd = tmpTree(FILES);
  const opts = parseCli(['inventory', '-i', 'inventories/hosts', '-e', '@vars/pair.yml', ...extra, '--host', 'stage1', '--eval', template], '0')!;
  return inventoryCommand(opts as CliOptions, cwd, { HOME: cwd });
}

describe('orchestrate inventory --eval', () => {
  after(cleanTmpTrees);

  it('prints the template as the hook on that host runs it', () => {
    const hook = planFor(FILES).db!.destinations[0]!.postRestoreCommands[0]!.command;
    expect(hook).to.equal(`echo 'O'"'"'Brien' 10.0.0.1 stage ['a', 'b']`);
    expect(evalOn(HOOK)).to.equal(hook + '\n');
  });
  it('--json prints the native value as JSON', () => {
    expect(evalOn('{{ tables }}', ['--json'])).to.equal('[\n    "a",\n    "b"\n]\n');
  });
  it('masks secrets (a secret-named variable) as a run does', () => {
    expect(evalOn('{{ db_token }}')).to.equal('********\n');
  });
  it('needs --host, and takes one mode at a time', () => {
    expect(() => parseCli(['inventory', '--eval', '{{ x }}'], '0')).to.throw(UserError, /--eval needs --host/);
    expect(() => parseCli(['inventory', '--list', '--graph'], '0')).to.throw(UserError, /exactly one of/);
    expect(() => parseCli(['run', '--list'], '0')).to.throw(UserError, /--list is only for `orchestrate inventory`/);
  });
});

describe('vault password sources', () => {
  it('--ask-vault-pass and --vault-id label@prompt ask on the terminal', async () => {
    const asked: string[] = [];
    const secrets = await gatherVaultSecrets(
      { vaultIds: ['prod@prompt'], vaultPasswordFiles: [], askVaultPass: true },
      { cwd: '/', env: {}, prompt: async (q) => (asked.push(q), `pw-${asked.length}`) },
    );
    expect(asked).to.deep.equal(['Vault password (prod): ', 'Vault password: ']);
    expect(secrets.map((s) => [s.label, s.password.toString()])).to.deep.equal([['prod', 'pw-1'], ['default', 'pw-2']]);
  });
  it('ANSIBLE_VAULT_IDENTITY_LIST (or vault_identity_list in ansible.cfg) comes first', async () => {
    const secrets = await gatherVaultSecrets(
      { vaultIds: ['b@prompt'], vaultPasswordFiles: [], askVaultPass: false },
      { cwd: '/', env: { ANSIBLE_VAULT_IDENTITY_LIST: 'a@prompt' }, cfgIdentityList: 'ignored@prompt', prompt: async (q) => q },
    );
    expect(secrets.map((s) => s.label)).to.deep.equal(['a', 'b']);
  });
});
