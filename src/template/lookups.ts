// Ansible's lookup()/query() for the plugins vars files use: env (a secret when the variable's
// name says so) and file (relative to the project's files/, then the project dir).
import { readFileSync, existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { isSecretKey } from '../util/redact.js';
import { lazyOf } from './lazy-context.js';
import type { LazyScope } from './lazy.js';

type Plugin = (terms: string[], kw: Record<string, unknown>, scope: LazyScope) => unknown[];

const plugins: Record<string, Plugin> = {
  env(terms, kw, scope) {
    return terms.map((name) => {
      const v = scope.env[name];
      if (v === undefined) return kw.default ?? '';
      if (isSecretKey(name)) scope.secrets.add(v);
      return v;
    });
  },
  file(terms, kw, scope) {
    return terms.map((term) => {
      const candidates = isAbsolute(term) ? [term] : [join(scope.cwd, 'files', term), join(scope.cwd, term)];
      const path = candidates.find((p) => existsSync(p));
      if (!path) throw new Error(`could not locate file in lookup: ${term}`);
      let text = readFileSync(path, 'utf8');
      if (kw.rstrip !== false) text = text.trimEnd();
      if (kw.lstrip === true) text = text.trimStart();
      return text;
    });
  },
};

function call(context: unknown, args: unknown[]): { results: unknown[]; wantlist: boolean } {
  const last = args[args.length - 1] as Record<string, unknown> | undefined;
  const kwArgs = last && typeof last === 'object' && last.__keywords === true;
  const { __keywords: _k, wantlist, errors, ...kw } = kwArgs ? last : ({} as Record<string, unknown>);
  const [name, ...terms] = (kwArgs ? args.slice(0, -1) : args).map(String) as [string, ...string[]];
  const plugin = plugins[name];
  if (!plugin) throw new Error(`lookup plugin '${name}' not found (supported: ${Object.keys(plugins).join(', ')})`);
  const scope = lazyOf(context)?.scope;
  if (!scope) throw new Error(`lookup('${name}') needs a host's variables`);
  try {
    return { results: plugin(terms, kw, scope), wantlist: Boolean(wantlist) };
  } catch (e) {
    if (errors === 'ignore' || errors === 'warn') return { results: [], wantlist: Boolean(wantlist) };
    throw e;
  }
}

/** `lookup(name, *terms, wantlist=False)`: one value as is, several joined with commas. */
export function lookup(this: unknown, ...args: unknown[]): unknown {
  const { results, wantlist } = call(this, args);
  if (wantlist) return results;
  return results.length === 1 ? results[0] : results.map(String).join(',');
}

/** `query(name, *terms)` / `q(...)`: always a list. */
export function query(this: unknown, ...args: unknown[]): unknown[] {
  return call(this, args).results;
}
