// Gathers the vault secrets named by the command line, ANSIBLE_VAULT_PASSWORD_FILE and
// ansible.cfg before anything is read; values are decrypted only when used.
import { homedir } from 'node:os';
import { dirname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { AnsibleConfig } from '../config/ansible-cfg.js';
import { gatherVaultSecrets, type VaultOptions } from '../vault/secrets.js';
import { setVaultSecrets } from '../vault/value.js';

/** Reads a password on the terminal without echoing it. */
async function promptHidden(question: string): Promise<string> {
  const input = process.stdin;
  if (!input.isTTY) throw new UserError('--ask-vault-pass needs a terminal (use --vault-password-file in scripts)', { file: 'command line' });
  process.stderr.write(question);
  input.setRawMode(true);
  input.resume();
  return new Promise((done, fail) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      for (const ch of chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(() => done(text));
        if (ch === '\u0003') return finish(() => fail(new UserError('interrupted at the vault password prompt', {}, 99)));
        if (ch === '\u007f') text = text.slice(0, -1);
        else text += ch;
      }
    };
    const finish = (then: () => void) => {
      input.off('data', onData);
      input.setRawMode(false);
      input.pause();
      process.stderr.write('\n');
      then();
    };
    input.on('data', onData);
  });
}

export async function setupVault(vault: VaultOptions, config: AnsibleConfig, cwd: string, env: NodeJS.ProcessEnv): Promise<void> {
  const fromCfg = config.get('defaults', 'vault_password_file');
  const home = env.HOME ?? homedir();
  const cfgPasswordFile = fromCfg ? resolve(config.file ? dirname(config.file) : cwd, fromCfg.replace(/^~(?=\/|$)/, home)) : undefined;
  const cfgIdentityList = config.get('defaults', 'vault_identity_list');
  const secrets = await gatherVaultSecrets(vault, {
    cwd,
    env,
    ...(cfgPasswordFile ? { cfgPasswordFile } : {}),
    ...(cfgIdentityList ? { cfgIdentityList } : {}),
    prompt: promptHidden,
  });
  setVaultSecrets(secrets);
}
