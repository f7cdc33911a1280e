// Every host's variables for one run, rendered lazily (src/template/lazy.ts): one LazyVars per
// host, sharing a scope (hostvars, the secrets found while rendering).
import type { Inventory } from '../inventory/types.js';
import { getHost } from '../inventory/localhost.js';
import type { SourcedVars } from '../util/sourced-vars.js';
import { createScope, LazyVars, toPlain } from '../template/index.js';
import { magicVars } from './magic.js';
import { resolveHostVars, type ResolveOptions } from './resolve.js';

export interface HostVarsOptions extends ResolveOptions {
  env?: NodeJS.ProcessEnv;
}

export interface RunVars {
  /** The host's variables, each rendered when first read. */
  lazy(host: string): LazyVars;
  /** The rendered values of the variables `wanted` selects, with their origins (for validation). */
  rendered(host: string, wanted: (name: string) => boolean): SourcedVars;
  /** Secret values met while rendering (vault, secret-named variables, secret env lookups). */
  secrets(): string[];
  /** The play's own variables, as a play's `hosts:` is rendered with: the extra vars, `groups`, `playbook_dir`. */
  play(): LazyVars;
}

export function createRunVars(inv: Inventory, opts: HostVarsOptions = {}): RunVars {
  const hosts = new Map<string, LazyVars>();
  let play: LazyVars | undefined;
  const scope = createScope({
    ...(opts.cwd ? { cwd: opts.cwd } : {}),
    ...(opts.env ? { env: opts.env } : {}),
    host: (name) => (getHost(inv, name) ? lazy(name) : undefined),
    hostNames: () => [...inv.hosts.keys()],
  });
  function lazy(host: string): LazyVars {
    let v = hosts.get(host);
    if (!v) {
      const sourced = resolveHostVars(inv, host, opts);
      hosts.set(host, (v = new LazyVars(host, sourced.values, scope, sourced.origins)));
    }
    return v;
  }
  return {
    lazy,
    rendered(host, wanted) {
      const v = lazy(host);
      const out: SourcedVars = { values: {}, origins: {} };
      for (const key of v.keys()) {
        if (!wanted(key)) continue;
        out.values[key] = toPlain(v.get(key));
        const origin = v.origin(key);
        if (origin) out.origins[key] = origin;
      }
      return out;
    },
    secrets: () => [...scope.secrets],
    play() {
      if (!play) {
        const { groups, playbook_dir } = magicVars(inv, 'localhost', opts.cwd ?? process.cwd()).values;
        const extra = opts.extraVars ?? { values: {}, origins: {} };
        play = new LazyVars('localhost', { groups, playbook_dir, ...extra.values }, scope, extra.origins);
      }
      return play;
    },
  };
}
