// Jinja/Ansible filters over lists and dicts that vars files use: combine, map, select/reject,
// selectattr/rejectattr (with tests, which nunjucks' versions lack), b64encode/b64decode.
import { pyArgs } from './args.js';
import { pyStr } from '../python.js';

type Fn = (...args: unknown[]) => unknown;
interface FilterThis {
  env: { getFilter(name: string): Fn; getTest(name: string): Fn | undefined };
}

const isDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function keywords(args: unknown[]): { positional: unknown[]; kw: Record<string, unknown> } {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  if (last && typeof last === 'object' && last.__keywords === true) {
    const { __keywords: _k, ...kw } = last;
    return { positional: args.slice(0, -1), kw };
  }
  return { positional: args, kw: {} };
}

function mergeLists(a: unknown[], b: unknown[], how: string): unknown[] {
  switch (how) {
    case 'replace': return b;
    case 'keep': return a;
    case 'append': return [...a, ...b];
    case 'prepend': return [...b, ...a];
    case 'append_rp': return [...a.filter((x) => !b.includes(x)), ...b];
    case 'prepend_rp': return [...b, ...a.filter((x) => !b.includes(x))];
    default: throw new Error(`combine: list_merge must be one of replace, keep, append, prepend, append_rp, prepend_rp, got '${how}'`);
  }
}

function merge(a: Record<string, unknown>, b: Record<string, unknown>, recursive: boolean, listMerge: string): Record<string, unknown> {
  const out = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const old = out[k];
    if (recursive && isDict(old) && isDict(v)) out[k] = merge(old, v, recursive, listMerge);
    else if (Array.isArray(old) && Array.isArray(v)) out[k] = mergeLists(old, v, listMerge);
    else out[k] = v;
  }
  return out;
}

/** Ansible's `combine(*dicts, recursive=False, list_merge='replace')`; a list of dicts is flattened. */
export function combine(value: unknown, ...args: unknown[]): Record<string, unknown> {
  const { positional, kw } = keywords(args);
  const dicts = [value, ...positional].flatMap((d) => (Array.isArray(d) ? d : [d]));
  for (const d of dicts) if (!isDict(d)) throw new Error(`combine: failed to combine variables, expected dicts but got ${pyStr(d)}`);
  const recursive = Boolean(kw.recursive ?? false);
  const listMerge = String(kw.list_merge ?? 'replace');
  return (dicts as Record<string, unknown>[]).reduce((acc, d) => merge(acc, d, recursive, listMerge), {});
}

function attr(item: unknown, path: string): unknown {
  let v = item;
  for (const part of path.split('.')) {
    if (v === null || v === undefined) return undefined;
    v = /^\d+$/.test(part) && Array.isArray(v) ? v[Number(part)] : (v as Record<string, unknown>)[part];
  }
  return v;
}

function items(value: unknown, name: string): unknown[] {
  if (Array.isArray(value)) return value;
  if (isDict(value)) return Object.keys(value);
  if (typeof value === 'string') return [...value];
  throw new Error(`${name}: expected a list, got ${pyStr(value)}`);
}

/** Jinja's `map(filter, *args)` or `map(attribute='a.b', default=x)`. */
export function map(this: FilterThis, value: unknown, ...args: unknown[]): unknown[] {
  const { positional, kw } = keywords(args);
  const list = items(value, 'map');
  if (kw.attribute !== undefined) {
    return list.map((x) => {
      const v = attr(x, String(kw.attribute));
      if (v === undefined && !('default' in kw)) throw new Error(`'${pyStr(x)}' has no attribute '${String(kw.attribute)}'`);
      return v === undefined ? kw.default : v;
    });
  }
  const [name, ...rest] = positional;
  if (typeof name !== 'string') throw new Error('map: expected a filter name or attribute=');
  const f = this.env.getFilter(name);
  const extra = Object.keys(kw).length ? [...rest, { ...kw, __keywords: true }] : rest;
  return list.map((x) => f.call(this, x, ...extra));
}

function selector(self: FilterThis, args: unknown[], byAttr: boolean, name: string): (x: unknown) => boolean {
  const [first, testName, ...testArgs] = byAttr ? args : [undefined, ...args];
  const get = byAttr ? (x: unknown) => attr(x, String(first)) : (x: unknown) => x;
  if (testName === undefined) return (x) => Boolean(get(x));
  const test = self.env.getTest(String(testName));
  if (!test) throw new Error(`${name}: no test named '${String(testName)}'`);
  return (x) => Boolean(test.call(self, get(x), ...testArgs));
}

export const select = function (this: FilterThis, value: unknown, ...args: unknown[]) {
  return items(value, 'select').filter(selector(this, args, false, 'select'));
};
export const reject = function (this: FilterThis, value: unknown, ...args: unknown[]) {
  const keep = selector(this, args, false, 'reject');
  return items(value, 'reject').filter((x) => !keep(x));
};
export const selectattr = function (this: FilterThis, value: unknown, ...args: unknown[]) {
  return items(value, 'selectattr').filter(selector(this, args, true, 'selectattr'));
};
export const rejectattr = function (this: FilterThis, value: unknown, ...args: unknown[]) {
  const keep = selector(this, args, true, 'rejectattr');
  return items(value, 'rejectattr').filter((x) => !keep(x));
};

export function b64encode(value: unknown, ...args: unknown[]): string {
  const a = pyArgs(args, ['encoding'], { encoding: 'utf-8' });
  return Buffer.from(pyStr(value), String(a.encoding).replace('-', '') as BufferEncoding).toString('base64');
}

export function b64decode(value: unknown, ...args: unknown[]): string {
  const a = pyArgs(args, ['encoding'], { encoding: 'utf-8' });
  return Buffer.from(pyStr(value), 'base64').toString(String(a.encoding).replace('-', '') as BufferEncoding);
}
