// Where vault passwords come from, as Ansible's CLI gathers them: --vault-id [label@]source
// (a file, an executable script, or `prompt`), --vault-password-file, --ask-vault-pass,
// then ANSIBLE_VAULT_PASSWORD_FILE / ansible.cfg's vault_password_file.
import { execFileSync } from 'node:child_process';
import { accessSync, constants, readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { VaultSecret } from './value.js';

export interface VaultOptions {
  vaultIds: string[];
  vaultPasswordFiles: string[];
  askVaultPass: boolean;
}

export interface VaultSources {
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** ansible.cfg [defaults] vault_password_file, already resolved. */
  cfgPasswordFile?: string;
  /** ansible.cfg [defaults] vault_identity_list: `label@source` items, comma-separated. */
  cfgIdentityList?: string;
  /** Asks for a password on the terminal (no echo). */
  prompt(question: string): Promise<string>;
}

interface Source {
  label: string;
  source: string;
  where: string;
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

/** A password file's content (whitespace stripped), or an executable's output (newlines stripped). */
export function readPasswordSource(path: string, where: string, label = 'default'): Buffer {
  let pass: string;
  try {
    if (isExecutable(path)) {
      const args = label === 'default' ? [] : ['--vault-id', label];
      pass = execFileSync(path, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).replace(/^[\r\n]+|[\r\n]+$/g, '');
    } else {
      pass = readFileSync(path, 'utf8').trim();
    }
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(`cannot read the vault password: ${code === 'ENOENT' ? 'file not found' : code ?? (e as Error).message.split('\n')[0]}`, { file: path, path: where });
  }
  if (pass === '') throw new UserError('the vault password is empty', { file: path, path: where });
  return Buffer.from(pass, 'utf8');
}

function identity(id: string, where: string): Source {
  const at = id.indexOf('@');
  return { label: at > 0 ? id.slice(0, at) : 'default', source: at >= 0 ? id.slice(at + 1) : id, where };
}

function sources(opts: VaultOptions, src: VaultSources): Source[] {
  // As Ansible: the configured identity list (env over ansible.cfg) comes before --vault-id.
  const list = src.env.ANSIBLE_VAULT_IDENTITY_LIST ?? src.cfgIdentityList ?? '';
  const out: Source[] = list.split(',').map((s) => s.trim()).filter(Boolean).map((id) => identity(id, 'vault_identity_list'));
  for (const id of opts.vaultIds) out.push(identity(id, '--vault-id'));
  for (const f of opts.vaultPasswordFiles) out.push({ label: 'default', source: f, where: '--vault-password-file' });
  if (opts.askVaultPass) out.push({ label: 'default', source: 'prompt', where: '--ask-vault-pass' });
  const fromEnv = src.env.ANSIBLE_VAULT_PASSWORD_FILE;
  if (fromEnv) out.push({ label: 'default', source: fromEnv, where: 'ANSIBLE_VAULT_PASSWORD_FILE' });
  else if (src.cfgPasswordFile) out.push({ label: 'default', source: src.cfgPasswordFile, where: 'ansible.cfg vault_password_file' });
  return out;
}

/** Every vault secret the command line, environment and ansible.cfg name, in that order. */
export async function gatherVaultSecrets(opts: VaultOptions, src: VaultSources): Promise<VaultSecret[]> {
  const out: VaultSecret[] = [];
  for (const s of sources(opts, src)) {
    if (s.source === 'prompt') {
      const question = s.label === 'default' ? 'Vault password: ' : `Vault password (${s.label}): `;
      const pass = await src.prompt(question);
      if (pass === '') throw new UserError('the vault password is empty', { file: 'command line', path: s.where });
      out.push({ label: s.label, password: Buffer.from(pass, 'utf8') });
    } else {
      out.push({ label: s.label, password: readPasswordSource(resolve(src.cwd, s.source), s.where, s.label) });
    }
  }
  return out;
}
