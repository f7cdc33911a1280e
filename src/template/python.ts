// How Python (and so Ansible) prints values: str() when a value is output inside a string,
// repr() for the items of a list or dict. `True`, `[1, 2]`, `{'a': 1}`, `1.0`, `None`.
import { floatRepr, PyFloat, UnsafeText } from '../util/py-values.js';

export { PyFloat, UnsafeText };

/** Python's repr() of a str: single quotes unless the text holds ' and no ". */
export function pyReprString(s: string): string {
  const q = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = '';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === q) out += `\\${q}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || c === 0x7f) out += `\\x${c.toString(16).padStart(2, '0')}`;
    else out += ch;
  }
  return q + out + q;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v) && !(v instanceof PyFloat) && !(v instanceof UnsafeText);
}

const TUPLE = Symbol.for('stagesync.tuple');

/** Marks a list as a Python tuple (what `.items()` gives): it prints as `('a', 1)`. */
export function pyTuple<T extends unknown[]>(items: T): T {
  Object.defineProperty(items, TUPLE, { value: true });
  return items;
}

/** Python's repr(): how an item prints inside a list or dict. */
export function pyRepr(v: unknown): string {
  if (Array.isArray(v) && (v as unknown as Record<symbol, unknown>)[TUPLE]) return `(${v.map(pyRepr).join(', ')}${v.length === 1 ? ',' : ''})`;
  if (typeof v === 'string' || v instanceof UnsafeText) return pyReprString(String(v));
  if (v === null || v === undefined) return 'None';
  if (Array.isArray(v)) return `[${v.map(pyRepr).join(', ')}]`;
  if (isPlainObject(v)) return `{${Object.keys(v).map((k) => `${pyReprString(k)}: ${pyRepr(v[k])}`).join(', ')}}`;
  return pyStr(v);
}

/** Python's str(): how a value prints when output in a template. */
export function pyStr(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v === true) return 'True';
  if (v === false) return 'False';
  if (v === null || v === undefined) return 'None';
  if (v instanceof PyFloat || v instanceof UnsafeText) return v.toString();
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : floatRepr(v);
  if (Array.isArray(v) || isPlainObject(v)) return pyRepr(v);
  return String(v);
}

/** `value` with PyFloat markers turned back into numbers, at any depth (for the schema, JSON...). */
export function toPlain(value: unknown): unknown {
  if (value instanceof PyFloat || value instanceof UnsafeText) return value.value;
  if (Array.isArray(value)) return value.some(needsPlain) ? value.map(toPlain) : value;
  if (isPlainObject(value) && Object.getPrototypeOf(value) === Object.prototype && Object.values(value).some(needsPlain)) {
    return Object.fromEntries(Object.entries(value).map(([k, x]) => [k, toPlain(x)]));
  }
  return value;
}

function needsPlain(v: unknown): boolean {
  if (v instanceof PyFloat || v instanceof UnsafeText) return true;
  if (Array.isArray(v)) return v.some(needsPlain);
  return isPlainObject(v) && Object.getPrototypeOf(v) === Object.prototype && Object.values(v).some(needsPlain);
}
