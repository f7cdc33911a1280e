// Rendering entry points. Any template problem (syntax, undefined variable, failing filter)
// becomes a UserError naming the template file (or the variable) and line.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import nunjucks from 'nunjucks';
import { UserError } from '../errors.js';
import type { VarOrigin } from '../util/sourced-vars.js';
import { createEnvironment, templateSearchPath } from './environment.js';
import { LazyVars, takePendingError, type LazyScope } from './lazy.js';
import { lazyContext } from './lazy-context.js';
import { renderNative, renderText } from './native.js';

export interface RenderOptions {
  /** Directory whose templates/ overrides the built-in templates (default: process.cwd()). */
  cwd?: string;
}

/** Variables to render with: a host's lazily rendered vars, or a plain mapping (rendered lazily too). */
export type TemplateVars = LazyVars | Record<string, unknown>;

/**
 * The file `name` resolves to: an absolute path as is, else <cwd>/templates/<name> when it
 * exists, else the package's templates/<name>. Throws a UserError when none exists.
 */
export function resolveTemplate(name: string, opts: RenderOptions = {}): string {
  if (isAbsolute(name)) {
    if (existsSync(name)) return name;
  } else {
    for (const dir of templateSearchPath(opts.cwd)) {
      const p = join(dir, name);
      if (existsSync(p)) return p;
    }
  }
  throw new UserError(`template not found: ${name} (looked in ${isAbsolute(name) ? name : templateSearchPath(opts.cwd).join(', ')})`);
}

/** How a template file is named in messages: relative to cwd when inside it. */
function displayName(file: string, cwd: string): string {
  const rel = relative(cwd, file);
  return rel && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
}

/** nunjucks' "(path) [Line 3, Column 5]\n  Error: msg" → {line, message}. */
export function toTemplateError(err: unknown, file: string, cwd?: string): UserError {
  const inner = takePendingError();
  if (inner) return inner;
  const raw = err instanceof Error ? err.message : String(err);
  const located = /\(([^()\n]*)\) \[Line (\d+)(?:, Column \d+)?\]\n\s*([\s\S]*)$/.exec(raw);
  let message = located ? located[3]! : raw.replace(/^\([^()\n]*\)\n\s*/gm, '');
  message = message.replace(/^(Template render error|UndefinedError|Error): /, '').replace(/^\([^()\n]*\)\s*/, '').trim();
  const line = located ? Number(located[2]) : undefined;
  // In an {% include %}d template the located path is the included file's.
  const where = located && cwd && isAbsolute(located[1]!) ? displayName(located[1]!, cwd) : file;
  return new UserError(message, { file: where, line });
}

// Environments hold no per-render state (the loader does not cache): one per cwd is enough.
const envs = new Map<string, nunjucks.Environment>();
function envFor(cwd: string): nunjucks.Environment {
  let env = envs.get(cwd);
  if (!env) envs.set(cwd, (env = createEnvironment({ cwd })));
  return env;
}

// Renders nest (a variable read while rendering renders that variable): an error kept from an
// earlier, finished render must not be taken for this one's.
let depth = 0;
function nested<T>(render: () => T): T {
  if (depth === 0) takePendingError();
  depth++;
  try {
    return render();
  } finally {
    depth--;
  }
}

// Compiled template strings: a host's many values share few distinct templates.
const compiled = new Map<string, nunjucks.Template>();
function compiledString(src: string, cwd: string, name: string): nunjucks.Template {
  const key = `${cwd}\0${name}\0${src}`;
  let t = compiled.get(key);
  if (!t) {
    if (compiled.size > 2000) compiled.clear();
    compiled.set(key, (t = new nunjucks.Template(src, envFor(cwd), name, true)));
  }
  return t;
}

/** A scope for plain mappings: no other hosts, lookups from `cwd`. */
export function createScope(opts: { cwd?: string; env?: NodeJS.ProcessEnv; secrets?: Set<string> } & Partial<Pick<LazyScope, 'host' | 'hostNames'>> = {}): LazyScope {
  const cwd = opts.cwd ?? process.cwd();
  return {
    cwd,
    env: opts.env ?? process.env,
    secrets: opts.secrets ?? new Set(),
    ...(opts.host ? { host: opts.host } : {}),
    ...(opts.hostNames ? { hostNames: opts.hostNames } : {}),
    render: (src, vars, where) => renderValue(src, vars, where, cwd),
  };
}

function asLazy(vars: TemplateVars, cwd: string): LazyVars {
  return vars instanceof LazyVars ? vars : new LazyVars(String(vars.inventory_hostname ?? 'localhost'), vars, createScope({ cwd }));
}

/** A variable's template, rendered with Ansible's native types: "{{ list }}" is the list. */
export function renderValue(src: string, vars: LazyVars, where: VarOrigin & { path: string }, cwd = process.cwd()): unknown {
  try {
    return nested(() => renderNative(src, () => compiledString(src, cwd, where.file ?? '<variable>').render(lazyContext(vars))));
  } catch (e) {
    // A variable read on the way failed: its own error says where.
    const inner = takePendingError();
    if (inner) throw inner;
    const err = toTemplateError(e, where.file ?? '<variable>');
    throw new UserError(err.message, { file: where.file, line: where.line, path: where.path });
  }
}

/** Render the template `name` (user's templates/ first, then built-in) with `vars`. */
export function renderTemplate(name: string, vars: TemplateVars, opts: RenderOptions = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  const file = resolveTemplate(name, { cwd });
  const env = envFor(cwd);
  try {
    const tmpl = new nunjucks.Template(readFileSync(file, 'utf8'), env, file, false);
    return nested(() => renderText(() => tmpl.render(lazyContext(asLazy(vars, cwd)))));
  } catch (e) {
    throw toTemplateError(e, displayName(file, cwd), cwd);
  }
}

/** Render template source to text; `name` is used in error messages (e.g. the vars file it came from). */
export function renderString(src: string, vars: TemplateVars, opts: RenderOptions & { name?: string } = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  const name = opts.name ?? '<template string>';
  try {
    return nested(() => renderText(() => compiledString(src, cwd, name).render(lazyContext(asLazy(vars, cwd)))));
  } catch (e) {
    throw toTemplateError(e, name);
  }
}
