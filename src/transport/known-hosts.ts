// known_hosts as OpenSSH reads it (sshd(8) "SSH_KNOWN_HOSTS FILE FORMAT"): plain and hashed
// (`|1|salt|hmac-sha1`) host fields, comma lists with `*`/`?`/`!` patterns, `[host]:port` for
// non-22 ports, `@revoked`. `@cert-authority` lines are read but not used: ssh2 cannot verify
// host certificates, so such hosts need a plain key line.
import { createHmac } from 'node:crypto';
import { readFile } from 'node:fs/promises';

export interface KnownHostEntry {
  marker?: 'revoked' | 'cert-authority';
  /** The host field as written (patterns or a hashed entry). */
  hosts: string;
  keyType: string;
  key: Buffer;
  file: string;
  line: number;
}

/** What a host is called in known_hosts: `host`, or `[host]:port` when the port is not 22. */
export function knownHostName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const out: KnownHostEntry[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = raw.trim();
    if (!line || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0]!.startsWith('@')) {
      const m = fields.shift()!;
      if (m === '@revoked') marker = 'revoked';
      else if (m === '@cert-authority') marker = 'cert-authority';
      else return; // unknown marker: OpenSSH skips the line
    }
    const [hosts, keyType, b64] = fields;
    if (!hosts || !keyType || !b64) return;
    const key = Buffer.from(b64, 'base64');
    if (key.length === 0) return;
    out.push({ ...(marker ? { marker } : {}), hosts, keyType, key, file, line: i + 1 });
  });
  return out;
}

/** OpenSSH's match_pattern: `*` any run, `?` one char, case-insensitive for host names. */
function globMatch(pattern: string, name: string): boolean {
  const re = new RegExp('^' + pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
  return re.test(name);
}

/** Does an entry's host field name `name` (already in `[host]:port` form where needed)? */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt64, hash64] = field.split('|');
    if (!salt64 || !hash64) return false;
    const mac = createHmac('sha1', Buffer.from(salt64, 'base64')).update(name).digest('base64');
    return mac === hash64;
  }
  let matched = false;
  for (const pat of field.split(',')) {
    if (pat.startsWith('!')) {
      if (globMatch(pat.slice(1), name)) return false; // a negated match vetoes the whole line
    } else if (globMatch(pat, name)) matched = true;
  }
  return matched;
}

/** The key type named inside an SSH public key blob (string length + name). */
export function keyTypeOf(blob: Buffer): string {
  if (blob.length < 4) return 'unknown';
  const len = blob.readUInt32BE(0);
  return blob.subarray(4, 4 + len).toString('latin1');
}

export type Verdict = { ok: true } | { ok: false; reason: string };

export interface VerifyInput {
  entries: KnownHostEntry[];
  host: string;
  port: number;
  key: Buffer;
  /** Files consulted, for the message. */
  files: string[];
  /** StrictHostKeyChecking: yes (default when checking is on), accept-new, no. */
  strict?: 'yes' | 'accept-new' | 'no';
}

/** Decide as OpenSSH's check_host_key does with StrictHostKeyChecking. */
export function verifyHostKey(v: VerifyInput): Verdict {
  const name = knownHostName(v.host, v.port);
  const strict = v.strict ?? 'yes';
  const type = keyTypeOf(v.key);
  const mine = v.entries.filter((e) => hostFieldMatches(e.hosts, name));
  const revoked = mine.find((e) => e.marker === 'revoked' && e.key.equals(v.key));
  if (revoked) {
    return { ok: false, reason: `Host key verification failed: the ${type} key of ${name} is marked as revoked in ${revoked.file}:${revoked.line}` };
  }
  if (strict === 'no') return { ok: true };
  const plain = mine.filter((e) => !e.marker);
  if (plain.some((e) => e.key.equals(v.key))) return { ok: true };
  const sameType = plain.find((e) => e.keyType === type);
  if (sameType) {
    return {
      ok: false,
      reason: `Host key verification failed: REMOTE HOST IDENTIFICATION HAS CHANGED: the ${type} key of ${name} differs from the one in ${sameType.file}:${sameType.line}`,
    };
  }
  if (strict === 'accept-new' && plain.length === 0) return { ok: true };
  const files = v.files.join(', ') || '(no known_hosts file)';
  if (plain.length > 0) {
    const types = [...new Set(plain.map((e) => e.keyType))].join(', ');
    return { ok: false, reason: `Host key verification failed: no ${type} key for ${name} in ${files} (known keys of other types: ${types})` };
  }
  const ca = mine.some((e) => e.marker === 'cert-authority') ? ' (@cert-authority entries are not supported)' : '';
  return { ok: false, reason: `Host key verification failed: no key for ${name} in ${files}${ca}` };
}

/** The key types known for a host, to offer those host key algorithms first (as OpenSSH). */
export function knownKeyTypes(entries: KnownHostEntry[], host: string, port: number): string[] {
  const name = knownHostName(host, port);
  return [...new Set(entries.filter((e) => !e.marker && hostFieldMatches(e.hosts, name)).map((e) => e.keyType))];
}

/** Read every existing file; missing ones are skipped. Returns the entries and the files read. */
export async function loadKnownHosts(files: string[]): Promise<{ entries: KnownHostEntry[]; read: string[] }> {
  const entries: KnownHostEntry[] = [];
  const read: string[] = [];
  for (const f of files) {
    let text: string;
    try {
      text = await readFile(f, 'utf8');
    } catch {
      continue;
    }
    read.push(f);
    entries.push(...parseKnownHosts(text, f));
  }
  return { entries, read };
}
