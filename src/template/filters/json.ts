// to_json / to_nice_json with Python's json.dumps output (what Ansible prints):
// `", "` and `": "` separators, non-ASCII escaped as \uXXXX (ensure_ascii), optional indent
// (then `","` between items) and sort_keys.
import { pyArgs } from './args.js';
import { PyFloat } from '../python.js';

interface DumpOptions {
  indent: number | null;
  sortKeys: boolean;
  ensureAscii: boolean;
}

function dumpString(s: string, ensureAscii: boolean): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    const ch = s[i]!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    // Python escapes everything outside ' '..'~' with ensure_ascii; only controls without.
    else if (c < 0x20 || (ensureAscii && c > 0x7e)) out += '\\u' + c.toString(16).padStart(4, '0');
    else out += ch;
  }
  return out + '"';
}

function dumpNumber(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (n === Infinity) return 'Infinity';
  if (n === -Infinity) return '-Infinity';
  return String(n);
}

function dump(value: unknown, o: DumpOptions, level: number): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return dumpNumber(value);
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'string') return dumpString(value, o.ensureAscii);
  if (value instanceof Date) return dumpString(value.toISOString(), o.ensureAscii);
  if (value instanceof PyFloat) return String(value);
  const own = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof own === 'function') return dump(own.call(value), o, level);
  const nl = o.indent === null ? '' : '\n' + ' '.repeat(o.indent * (level + 1));
  const end = o.indent === null ? '' : '\n' + ' '.repeat(o.indent * level);
  const sep = o.indent === null ? ', ' : ',';
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    return '[' + nl + value.map((v) => dump(v, o, level + 1)).join(sep + nl) + end + ']';
  }
  if (typeof value === 'object') {
    let keys = Object.keys(value);
    if (keys.length === 0) return '{}';
    if (o.sortKeys) keys = keys.sort();
    const rec = value as Record<string, unknown>;
    const items = keys.map((k) => dumpString(k, o.ensureAscii) + ': ' + dump(rec[k], o, level + 1));
    return '{' + nl + items.join(sep + nl) + end + '}';
  }
  throw new Error(`Object of type ${typeof value} is not JSON serializable`);
}

export function pyJsonDumps(value: unknown, opts: Partial<DumpOptions> = {}): string {
  return dump(value, { indent: null, sortKeys: false, ensureAscii: true, ...opts }, 0);
}

export function toJson(value: unknown, ...args: unknown[]): string {
  const a = pyArgs(args, ['indent', 'sort_keys', 'ensure_ascii'], { indent: null, sort_keys: false, ensure_ascii: true });
  return pyJsonDumps(value, { indent: a.indent as number | null, sortKeys: Boolean(a.sort_keys), ensureAscii: Boolean(a.ensure_ascii) });
}

export function toNiceJson(value: unknown, ...args: unknown[]): string {
  const a = pyArgs(args, ['indent', 'sort_keys', 'ensure_ascii'], { indent: 4, sort_keys: true, ensure_ascii: true });
  return pyJsonDumps(value, { indent: a.indent as number, sortKeys: Boolean(a.sort_keys), ensureAscii: Boolean(a.ensure_ascii) });
}
