// Secrets never reach output or reports (docs/safety.md, docs/secrets.md): collect their values from the vars,
// then mask every occurrence — also in the forms a value takes on the way out (shell-quoted
// in -vvv command lines, JSON-escaped in reports, URL-encoded in webhook URLs).
import { quote } from './shell.js';

export const MASK = '********';

/**
 * Values shorter than this are not masked: replacing every "1" or "on" in the output would
 * destroy it while hiding nothing worth hiding. A real secret is longer.
 */
export const MIN_SECRET_LENGTH = 3;

/** Key names whose values are secret, at any depth: *password*, *secret*, *token*, *_pass. */
const SECRET_KEY = /password|secret|token|(^|_)pass$/i;

export function isSecretKey(key: string): boolean {
  return SECRET_KEY.test(key);
}

function leaves(value: unknown, out: string[]): void {
  if (typeof value === 'string') out.push(value);
  else if (typeof value === 'number' || typeof value === 'bigint') out.push(String(value));
  else if (Array.isArray(value)) for (const v of value) leaves(v, out);
  else if (value !== null && typeof value === 'object') for (const v of Object.values(value)) leaves(v, out);
}

function walk(value: unknown, out: string[]): void {
  if (Array.isArray(value)) {
    for (const v of value) walk(v, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      if (isSecretKey(k)) leaves(v, out); // the whole subtree under a secret key
      else walk(v, out);
    }
  }
}

/**
 * Secret values of resolved (already templated) vars: anything under a key matching
 * *password*, *secret*, *token* (any case, any depth, incl. aws_secret_access_key) or ending in
 * `_pass` (ansible_become_pass, ansible_ssh_pass), every param of stagesync_post_restore_sql and
 * stagesync_masking_salt.
 * Values shorter than MIN_SECRET_LENGTH are left out. Sorted longest first, unique.
 */
export function collectSecrets(vars: Record<string, unknown>): string[] {
  const out: string[] = [];
  walk(vars, out);
  // The masking key: whoever has it can tell which production value a masked one came from.
  leaves(vars.stagesync_masking_salt, out);
  const sql = vars.stagesync_post_restore_sql;
  if (Array.isArray(sql)) {
    for (const item of sql) {
      if (item !== null && typeof item === 'object') leaves((item as Record<string, unknown>).params, out);
    }
  }
  return normalize(out);
}

function normalize(values: Iterable<string>): string[] {
  const set = new Set<string>();
  for (const v of values) if (v.length >= MIN_SECRET_LENGTH) set.add(v);
  return [...set].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
}

/** A secret and the other spellings it takes in commands, JSON and URLs. */
function variants(secret: string): string[] {
  return [secret, quote(secret), JSON.stringify(secret).slice(1, -1), encodeURIComponent(secret)];
}

/** `text` with every occurrence of each secret (and its quoted/escaped forms) replaced by ********. */
export function redact(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || text === '') return text;
  let out = text;
  // Longest first, so a secret containing another is masked whole.
  for (const s of normalize(secrets.flatMap(variants))) {
    if (out.includes(s)) out = out.split(s).join(MASK);
  }
  return out;
}

/**
 * A copy of `obj` (e.g. a JSON report) with secrets masked in every string, and every value
 * under a secret-named key masked whole. Keys themselves are kept.
 */
export function redactDeep<T>(obj: T, secrets: readonly string[]): T {
  const visit = (value: unknown, secretKey: boolean): unknown => {
    if (typeof value === 'string') return secretKey && value !== '' ? MASK : redact(value, secrets);
    if (secretKey && (typeof value === 'number' || typeof value === 'bigint')) return MASK;
    if (Array.isArray(value)) return value.map((v) => visit(v, secretKey));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      const out: Record<string, unknown> = {};
      for (const [k, v] of Object.entries(value)) out[k] = visit(v, secretKey || isSecretKey(k));
      return out;
    }
    return value;
  };
  return visit(obj, false) as T;
}
