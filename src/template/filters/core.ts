// Small Ansible/Jinja filters nunjucks lacks or gets wrong: bool, int, quote, mandatory,
// ternary, and default/d that know our undefined marker.
import { quote as shellQuote } from '../../util/shell.js';
import { isUndefined, undefinedInfo } from '../undefined.js';
import { pyArgs } from './args.js';
import { pyStr } from '../python.js';

/** Ansible's `bool`: yes/on/1/true (any case) or 1 → true; null and booleans unchanged; else false. */
export function bool(value: unknown): boolean | null {
  if (value === null || value === undefined || typeof value === 'boolean') return (value ?? null) as boolean | null;
  if (typeof value === 'string') return ['yes', 'on', '1', 'true'].includes(value.toLowerCase());
  return value === 1;
}

function parseIntStrict(s: string, base: number): number | undefined {
  const t = s.trim().replace(/_/g, '');
  const prefix = { 16: /^([+-]?)(?:0x)?([0-9a-f]+)$/i, 8: /^([+-]?)(?:0o)?([0-7]+)$/i, 2: /^([+-]?)(?:0b)?([01]+)$/i, 10: /^([+-]?)(\d+)$/ }[base];
  if (!prefix) throw new Error(`int: unsupported base ${base}`);
  const m = prefix.exec(t);
  if (!m) return undefined;
  const n = parseInt(m[2]!, base);
  return m[1] === '-' ? -n : n;
}

/** Jinja's `int(default=0, base=10)`: "42.23" → 42, "12abc" → default (nunjucks: 12). */
export function int(value: unknown, ...args: unknown[]): unknown {
  const a = pyArgs(args, ['default', 'base'], { default: 0, base: 10 });
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number') return Number.isFinite(value) ? Math.trunc(value) : a.default;
  if (typeof value === 'string') {
    const n = parseIntStrict(value, Number(a.base));
    if (n !== undefined) return n;
    // Python: int(float(value)) — accepts "42.23", " 1e3 ", rejects "inf"/"nan" (overflow/value errors).
    const t = value.trim();
    if (/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(t)) {
      const f = Number(t);
      if (Number.isFinite(f)) return Math.trunc(f);
    }
  }
  return a.default;
}

/**
 * Ansible's `quote` (shlex.quote through src/util/shell): null → ''; True/False as Python
 * prints them. A list quotes each item and joins them with spaces (an extension: Ansible
 * would quote the list's Python repr).
 */
export function quote(value: unknown): string {
  if (value === null || value === undefined) return "''";
  if (Array.isArray(value)) return value.map((v) => quote(v)).join(' ');
  if (typeof value === 'object') throw new Error('quote expects a string, a number or a list');
  return shellQuote(pyStr(value));
}

/** `mandatory(msg)`: fail with msg (or Ansible's message) when the value is undefined. */
export function mandatory(value: unknown, msg?: unknown): unknown {
  const info = undefinedInfo(value);
  if (info) throw new Error(typeof msg === 'string' && msg ? msg : `Mandatory variable '${info.name}' not defined.`);
  return value;
}

/** Jinja's default/d: replaces only undefined, or also falsy values when `boolean` is true. */
export function defaultFilter(value: unknown, def: unknown = '', boolean: unknown = false): unknown {
  if (value === undefined || isUndefined(value)) return def;
  if (boolean && !value) return def;
  return value;
}

/** Ansible's `ternary(true_val, false_val, none_val)`. */
export function ternary(value: unknown, trueVal: unknown, falseVal: unknown, noneVal?: unknown): unknown {
  if (value === null && noneVal !== undefined) return noneVal;
  return value ? trueVal : falseVal;
}
