// Ansible keeps `-e k=v` values and some INI values as strings ("4", "yes") and lets the role
// apply `| int` / `| bool`. We type-check instead, so such strings are converted first where
// the schema expects a boolean or an integer — and only there.
import { loadSchema, resolveRef, typesOf, type SchemaNode } from './schema.js';

// Ansible's module_utils/parsing/convert_bool.py BOOLEANS_TRUE / BOOLEANS_FALSE.
const TRUE = new Set(['y', 'yes', 'on', '1', 'true', 't']);
const FALSE = new Set(['n', 'no', 'off', '0', 'false', 'f']);

function coerceScalar(types: string[], value: unknown): unknown {
  if (typeof value === 'string' && !types.includes('string')) {
    const s = value.trim().toLowerCase();
    if (types.includes('boolean') && TRUE.has(s)) return true;
    if (types.includes('boolean') && FALSE.has(s)) return false;
    if ((types.includes('integer') || types.includes('number')) && /^[+-]?\d+$/.test(s)) return Number(s);
    if (types.includes('number') && s !== '' && Number.isFinite(Number(s))) return Number(s);
  }
  if (typeof value === 'number' && types.includes('boolean') && !types.includes('number') && !types.includes('integer')) {
    if (value === 1) return true;
    if (value === 0) return false;
  }
  return value;
}

/** A copy of `value` with Ansible-style strings turned into what `node` expects. */
export function coerceValue(node: SchemaNode, value: unknown, root: SchemaNode = loadSchema()): unknown {
  let n = resolveRef(node, root);
  if (n.if && n.then && n.else) {
    // Our only if/then/else is "mapping or string": branch on the value's shape.
    const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
    n = resolveRef(isObject ? n.then : n.else, root);
  }
  if (Array.isArray(value)) {
    return n.items ? value.map((v) => coerceValue(n.items!, v, root)) : value;
  }
  if (value !== null && typeof value === 'object') {
    const props = n.properties ?? {};
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = props[k] ? coerceValue(props[k], v, root) : v;
    return out;
  }
  return coerceScalar(typesOf(n), value);
}

/** Coerce every top-level variable the schema knows; unknown keys are left alone. */
export function coerceVars(values: Record<string, unknown>): Record<string, unknown> {
  const root = loadSchema();
  const props = root.properties ?? {};
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(values)) out[k] = props[k] ? coerceValue(props[k], v, root) : v;
  return out;
}
