// Ansible's lazy templating: a variable's value is rendered when it is read, with the reading
// host's variables, once per host. Unused values are never rendered (a vars file shared with
// playbooks may refer to facts we never have). A value that needs itself is an error naming the chain.
import { UserError } from '../errors.js';
import type { VarOrigin } from '../util/sourced-vars.js';
import { isSecretKey } from '../util/redact.js';
import { isVaultValue, revealVault } from '../vault/value.js';
import { Branded, UnsafeText } from '../util/py-values.js';

/** What every host of one run shares. */
export interface LazyScope {
  /** Render a template string read from variable `name` with `vars`: its native value. */
  render(src: string, vars: LazyVars, where: VarOrigin & { path: string }): unknown;
  /** Values that must never be shown: decrypted vault values, secret-named variables, secret env lookups. */
  secrets: Set<string>;
  /** Another host's variables (hostvars[...]); undefined for an unknown host. */
  host?(name: string): LazyVars | undefined;
  hostNames?(): string[];
  /** Directory relative paths of lookups start from. */
  cwd: string;
  env: NodeJS.ProcessEnv;
}

const JINJA = /{{|{%|{#/;
// The chain being resolved, across hosts: "a -> b -> a" when a loop is found.
const resolving: string[] = [];
// nunjucks replaces errors thrown inside a render with plain ones: the first UserError of a
// nested resolution is kept here for the outermost render to rethrow as it was.
let pending: UserError | undefined;

export function takePendingError(): UserError | undefined {
  const e = pending;
  pending = undefined;
  return e;
}

function secretLeaves(value: unknown, out: Set<string>): void {
  if (typeof value === 'string') out.add(value);
  else if (typeof value === 'number') out.add(String(value));
  else if (Array.isArray(value)) value.forEach((v) => secretLeaves(v, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((v) => secretLeaves(v, out));
}

export class LazyVars extends Branded('LazyVars') {
  private readonly cache = new Map<string, unknown>();

  constructor(
    readonly host: string,
    private readonly raw: Record<string, unknown>,
    readonly scope: LazyScope,
    private readonly origins: Record<string, VarOrigin> = {},
  ) {
    super();
  }

  has(name: string): boolean {
    return name in this.raw || name === 'ansible_host' || name === 'vars' || (name === 'hostvars' && !!this.scope.host);
  }

  keys(): string[] {
    return Object.keys(this.raw);
  }

  /** The raw (unrendered) value, as ansible-inventory shows it. */
  rawValue(name: string): unknown {
    return this.raw[name];
  }

  origin(name: string): VarOrigin | undefined {
    return this.origins[name];
  }

  /** The variable's value, rendered on first read; undefined when not set. */
  get(name: string): unknown {
    if (this.cache.has(name)) return this.cache.get(name);
    if (!(name in this.raw)) return this.magic(name);
    const label = `${this.host}:${name}`;
    const at = resolving.indexOf(label);
    if (at >= 0) {
      const chain = [...resolving.slice(at), label].map((l) => (l.startsWith(`${this.host}:`) ? l.slice(this.host.length + 1) : l));
      throw this.keep(new UserError(`recursive loop detected in template: ${chain.join(' -> ')}`, { file: this.origins[name]?.file, path: name }));
    }
    resolving.push(label);
    try {
      const value = this.materialize(this.raw[name], name);
      if (isSecretKey(name) || this.origins[name]?.vault) secretLeaves(value, this.scope.secrets);
      this.cache.set(name, value);
      return value;
    } catch (e) {
      throw e instanceof UserError ? this.keep(e) : e;
    } finally {
      resolving.pop();
    }
  }

  /** Every variable, rendered (for `hostvars[h] | to_json` and the like). */
  all(): Record<string, unknown> {
    return Object.fromEntries(this.keys().map((k) => [k, this.get(k)]));
  }

  /**
   * A read-only object view: `hostvars['db1'].ansible_host`. Only variables that are set
   * (Ansible: hostvars[h].ansible_host is undefined when unset, though a task on h sees its name).
   */
  view(): Record<string, unknown> {
    const set = (key: string | symbol): key is string => typeof key === 'string' && key in this.raw;
    return new Proxy({} as Record<string, unknown>, {
      get: (_t, key) => (set(key) ? this.get(key) : undefined),
      has: (_t, key) => set(key),
      ownKeys: () => this.keys(),
      getOwnPropertyDescriptor: (_t, key) => (set(key) ? { enumerable: true, configurable: true, value: this.get(key) } : undefined),
    });
  }

  private keep(e: UserError): UserError {
    pending ??= e;
    return e;
  }

  private magic(name: string): unknown {
    // Ansible's connection default: the address is the inventory name.
    if (name === 'ansible_host') return this.raw.inventory_hostname ?? this.host;
    if (name === 'hostvars' && this.scope.host) return hostvarsView(this.scope);
    // `vars['name']`: the host's variables by a computed name.
    if (name === 'vars') return this.view();
    return undefined;
  }

  private materialize(value: unknown, path: string): unknown {
    if (typeof value === 'string') {
      return JINJA.test(value) ? this.scope.render(value, this, { ...this.origins[path.split(/[.[]/)[0]!], path }) : value;
    }
    if (value instanceof UnsafeText) return value.value;
    if (isVaultValue(value)) {
      const plain = revealVault(value);
      this.scope.secrets.add(plain);
      return plain;
    }
    if (Array.isArray(value)) return value.map((v, i) => this.materialize(v, `${path}[${i}]`));
    if (value !== null && typeof value === 'object' && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, this.materialize(v, `${path}.${k}`)]));
    }
    return value;
  }
}

function hostvarsView(scope: LazyScope): Record<string, unknown> {
  const names = () => scope.hostNames?.() ?? [];
  return new Proxy({} as Record<string, unknown>, {
    get: (_t, key) => (typeof key === 'string' ? scope.host!(key)?.view() : undefined),
    has: (_t, key) => typeof key === 'string' && scope.host!(key) !== undefined,
    ownKeys: () => names(),
    getOwnPropertyDescriptor: (_t, key) =>
      typeof key === 'string' && scope.host!(key) ? { enumerable: true, configurable: true, value: scope.host!(key)!.view() } : undefined,
  });
}
