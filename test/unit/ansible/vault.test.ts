// Ansible Vault: fixtures made by real ansible-vault (test/fixtures/vault/README.md), decrypted
// here with Node's crypto only.
import { expect } from 'chai';
import { execSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { UserError } from '../../../src/errors.js';
import { LazyVars } from '../../../src/template/lazy.js';
import { createScope } from '../../../src/template/render.js';
import { readVarsFile } from '../../../src/vars/vars-file.js';
import { setVaultSecrets } from '../../../src/vault/value.js';
import { orchestrate, orchestrateBin, repoRoot } from '../../support/cli.js';
import { cleanTmpTrees, tmpTree } from '../inventory/tmp-tree.js';
import { planFor } from './plan-for.js';

const FIX = join(repoRoot, 'test/fixtures/vault');
const pw = (p: string) => Buffer.from(p);

function lazyFrom(file: string, secrets: Set<string> = new Set()) {
  const v = readVarsFile(join(FIX, file), FIX).vars!;
  return new LazyVars('h1', { inventory_hostname: 'h1', ...v.values }, createScope({ secrets }), v.origins);
}

describe('Ansible Vault', () => {
  afterEach(() => setVaultSecrets([]));
  after(cleanTmpTrees);

  it('Ansible gives the plaintext of a !vault value (format 1.1), and it is a secret', () => {
    setVaultSecrets([{ label: 'default', password: pw('correct horse') }]);
    const secrets = new Set<string>();
    expect(lazyFrom('inline-1.1.yml', secrets).get('stagesync_social_secret')).to.equal('stage-oauth-s3cret');
    expect([...secrets]).to.deep.equal(['stage-oauth-s3cret']);
  });
  it('Ansible opens format 1.2 with the secret of its vault id, trying it first', () => {
    setVaultSecrets([{ label: 'default', password: pw('correct horse') }, { label: 'prod', password: pw('other-pass') }]);
    expect(lazyFrom('inline-1.2.yml').get('db_password')).to.equal('prod-db-pa55');
  });
  it('Ansible reads a whole encrypted file (1.1 and 1.2); its values are secrets and are templated', () => {
    setVaultSecrets([{ label: 'prod', password: pw('other-pass') }, { label: 'default', password: pw('correct horse') }]);
    const secrets = new Set<string>();
    const whole = lazyFrom('whole-1.1.yml', secrets);
    expect(whole.get('db_password')).to.equal('whole-file-pa55');
    expect(whole.get('site_name')).to.equal('h1-site');
    expect(lazyFrom('whole-1.2.yml', secrets).get('api_token')).to.equal('whole-1.2-token');
    expect(secrets.has('whole-file-pa55') && secrets.has('whole-1.2-token')).to.equal(true);
  });
  it('Ansible decrypts a !vault value only when it is used: no secret needed to load the file', () => {
    const v = lazyFrom('inline-1.1.yml');
    expect(v.has('stagesync_social_secret')).to.equal(true);
    expect(() => v.get('stagesync_social_secret')).to.throw(UserError, /no vault secret was given/);
  });
  it('Ansible runs without the vault password when no vaulted value is used', () => {
    const inline = readFileSync(join(FIX, 'inline-1.1.yml'), 'utf8').replace('stagesync_social_secret', 'unused_secret');
    const plan = planFor({ 'group_vars/all.yml': inline, 'vars/pair.yml': 'stagesync_destdb: stage\n' });
    expect(plan.db!.destinations[0]!.database).to.equal('stage');
  });
  it('orchestrate inventory --host shows a vaulted value still encrypted, as ansible-inventory does', async () => {
    const cwd = tmpTree({ 'inventories/hosts': 'h1\n', 'group_vars/all.yml': readFileSync(join(FIX, 'inline-1.1.yml'), 'utf8') });
    const r = await orchestrate(['inventory', '-i', 'inventories/hosts', '--host', 'h1'], { cwd, env: { STAGESYNC_TEST_FROM_SOURCE: '1' } });
    const shown = JSON.parse(r.stdout) as { stagesync_social_secret: { __ansible_vault: string } };
    expect(shown.stagesync_social_secret.__ansible_vault).to.match(/^\$ANSIBLE_VAULT;1\.1;AES256\n[0-9a-f]{80}\n/);
  });
  it('Ansible refuses a wrong password: exit 5 naming the file', () => {
    setVaultSecrets([{ label: 'default', password: pw('wrong') }]);
    try {
      readVarsFile(join(FIX, 'whole-1.1.yml'), FIX);
      expect.fail('decrypted with a wrong password');
    } catch (e) {
      expect((e as UserError).exitCode).to.equal(5);
      expect((e as UserError).oneLine()).to.match(/^whole-1\.1\.yml: decryption failed/);
    }
  });

  describe('orchestrate with vault options', function () {
    this.timeout(60000);
    const project = () => {
      const cwd = tmpTree({ 'inventories/hosts': '[stagesync-destdb]\nstage1\n', 'ansible.cfg': '[defaults]\ninventory = inventories/hosts\n' });
      for (const f of ['inline-1.1.yml', 'whole-1.2.yml', 'password.txt', 'prod-password.txt', 'wrong-password.txt', 'password-script.sh']) copyFileSync(join(FIX, f), join(cwd, f));
      return cwd;
    };
    const env = { STAGESYNC_TEST_FROM_SOURCE: '1', ANSIBLE_VAULT_PASSWORD_FILE: undefined };
    const evalArgs = ['inventory', '--host', 'stage1', '-e', '@inline-1.1.yml', '--eval', '{{ stagesync_social_secret | length }} {{ stagesync_social_secret }}'];

    it('--vault-password-file: the value is used, and masked when printed', async () => {
      const cwd = project();
      const r = await orchestrate([...evalArgs, '--vault-password-file', 'password.txt'], { cwd, env });
      expect(r.stderr).to.equal('');
      expect(r.stdout).to.equal('18 ********');
    });
    it('--vault-id label@script, ANSIBLE_VAULT_PASSWORD_FILE and ansible.cfg vault_password_file work too', async () => {
      const cwd = project();
      expect((await orchestrate([...evalArgs, '--vault-id', 'dev@password-script.sh'], { cwd, env })).stdout).to.equal('18 ********');
      expect((await orchestrate(evalArgs, { cwd, env: { ...env, ANSIBLE_VAULT_PASSWORD_FILE: 'password.txt' } })).stdout).to.equal('18 ********');
      const withCfg = project();
      const cfg = readFileSync(join(withCfg, 'ansible.cfg'), 'utf8') + 'vault_password_file = password.txt\n';
      (await import('node:fs')).writeFileSync(join(withCfg, 'ansible.cfg'), cfg);
      expect((await orchestrate(evalArgs, { cwd: withCfg, env })).stdout).to.equal('18 ********');
    });
    it('--ask-vault-pass reads the password on a terminal (a pty made by script(1)), without echoing it', () => {
      const cwd = project();
      const bin = existsSync(orchestrateBin) && !process.env.STAGESYNC_TEST_FROM_SOURCE
        ? `${process.execPath} ${orchestrateBin}`
        : `${join(repoRoot, 'node_modules/.bin/tsx')} ${join(repoRoot, 'src/cli/bin.ts')}`;
      const cmd = `${bin} ${evalArgs.map((a) => `'${a}'`).join(' ')} --ask-vault-pass`;
      const out = execSync(`(sleep 1; printf 'correct horse\\r') | script -qec ${JSON.stringify(cmd)} /dev/null`, { cwd, encoding: 'utf8', timeout: 30000 });
      expect(out.replace(/\r/g, '')).to.equal('Vault password: \n18 ********\n');
    });
    it('a wrong vault password: exit 5, one line naming the file', async () => {
      const cwd = project();
      const r = await orchestrate([...evalArgs, '--vault-password-file', 'wrong-password.txt'], { cwd, env });
      expect(r.code).to.equal(5);
      expect(r.stderr).to.match(/^ERROR! inline-1\.1\.yml: decryption failed: [^\n]*$/);
    });
  });
});
