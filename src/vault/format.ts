// Ansible Vault's envelope (format 1.1, and 1.2 with a vault id), decrypted with Node's crypto:
//   $ANSIBLE_VAULT;1.2;AES256;<vault id>
//   hex( hex(salt) "\n" hex(hmac) "\n" hex(ciphertext) ), in lines of 80
// key material = PBKDF2-HMAC-SHA256(password, salt, 10000 iterations, 80 bytes):
// 32 bytes AES-256-CTR key, 32 bytes HMAC-SHA256 key, 16 bytes counter block; PKCS#7 padding.
import { createDecipheriv, createHmac, pbkdf2Sync, timingSafeEqual } from 'node:crypto';

export const VAULT_HEADER = '$ANSIBLE_VAULT';

export interface VaultEnvelope {
  version: '1.1' | '1.2';
  /** The vault id of a 1.2 envelope ("default" for 1.1, as Ansible reports it). */
  vaultId: string;
  salt: Buffer;
  hmac: Buffer;
  ciphertext: Buffer;
}

export class VaultFormatError extends Error {}

export function isVaultText(text: string): boolean {
  return text.trimStart().startsWith(`${VAULT_HEADER};`);
}

const HEX = /^[0-9a-fA-F]*$/;

function unhex(s: string, what: string): Buffer {
  if (s.length % 2 !== 0 || !HEX.test(s)) throw new VaultFormatError(`vault ${what} is not hexadecimal`);
  return Buffer.from(s, 'hex');
}

export function parseEnvelope(text: string): VaultEnvelope {
  const lines = text.trim().split(/\r?\n/).map((l) => l.trim());
  const header = lines.shift()!.split(';');
  if (header[0] !== VAULT_HEADER || header.length < 3) throw new VaultFormatError('not an Ansible Vault envelope');
  const version = header[1];
  if (version !== '1.1' && version !== '1.2') throw new VaultFormatError(`unsupported vault format ${version}`);
  if (header[2] !== 'AES256') throw new VaultFormatError(`unsupported vault cipher ${header[2]}`);
  const inner = unhex(lines.join(''), 'payload').toString('ascii').split('\n');
  if (inner.length !== 3) throw new VaultFormatError('vault payload is not salt, hmac and ciphertext');
  return {
    version,
    vaultId: version === '1.2' && header[3] ? header[3] : 'default',
    salt: unhex(inner[0]!, 'salt'),
    hmac: unhex(inner[1]!, 'hmac'),
    ciphertext: unhex(inner[2]!, 'ciphertext'),
  };
}

/** The plaintext, or undefined when `password` is not the one it was encrypted with. */
export function decryptEnvelope(env: VaultEnvelope, password: Buffer): Buffer | undefined {
  const material = pbkdf2Sync(password, env.salt, 10000, 80, 'sha256');
  const cipherKey = material.subarray(0, 32);
  const hmacKey = material.subarray(32, 64);
  const iv = material.subarray(64, 80);
  const mac = createHmac('sha256', hmacKey).update(env.ciphertext).digest();
  if (mac.length !== env.hmac.length || !timingSafeEqual(mac, env.hmac)) return undefined;
  const decipher = createDecipheriv('aes-256-ctr', cipherKey, iv);
  const padded = Buffer.concat([decipher.update(env.ciphertext), decipher.final()]);
  const pad = padded[padded.length - 1] ?? 0;
  if (pad < 1 || pad > 16 || pad > padded.length) throw new VaultFormatError('vault plaintext has bad padding');
  return padded.subarray(0, padded.length - pad);
}
