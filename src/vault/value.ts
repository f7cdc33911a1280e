// The vault secrets, and decryption of `!vault` values (util/py-values) and encrypted files.
// A `!vault` value stays encrypted until something reads it; the secrets are set once by the
// command line.
import { UserError } from '../errors.js';
import { VaultValue } from '../util/py-values.js';
import { decryptEnvelope, parseEnvelope, VaultFormatError } from './format.js';

export interface VaultSecret {
  /** The vault id label (`--vault-id label@source`); "default" when none was given. */
  label: string;
  password: Buffer;
}

let keyring: VaultSecret[] = [];

/** The secrets every decryption tries (the command line sets them before anything is read). */
export function setVaultSecrets(secrets: VaultSecret[]): void {
  keyring = [...secrets];
}

export function isVaultValue(v: unknown): v is VaultValue {
  return v instanceof VaultValue;
}

/** The plaintext of a `!vault` value, decrypted on first use. */
export function revealVault(v: VaultValue): string {
  v.plain ??= decryptVaultText(v.ciphertext, v.file).toString('utf8');
  return v.plain;
}

/**
 * Decrypts vault text with the configured secrets: those whose label matches the envelope's
 * vault id first, then the others (as Ansible does unless vault_id_match is set).
 * @throws UserError (exit 5) naming `file` when no secret opens it.
 */
export function decryptVaultText(text: string, file: string): Buffer {
  let env;
  try {
    env = parseEnvelope(text);
  } catch (e) {
    if (e instanceof VaultFormatError) throw new UserError(`cannot read vault data: ${e.message}`, { file });
    throw e;
  }
  if (keyring.length === 0) {
    throw new UserError('encrypted with Ansible Vault, but no vault secret was given (--vault-password-file, --vault-id or --ask-vault-pass)', { file });
  }
  const ordered = [...keyring.filter((s) => s.label === env.vaultId), ...keyring.filter((s) => s.label !== env.vaultId)];
  for (const secret of ordered) {
    const plain = decryptEnvelope(env, secret.password);
    if (plain) return plain;
  }
  const ids = [...new Set(keyring.map((s) => s.label))].join(', ');
  throw new UserError(`decryption failed: no vault secret (${ids}) opens it (vault id ${env.vaultId}); wrong vault password?`, { file });
}
