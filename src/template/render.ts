// Rendering entry points. Any template problem (syntax, undefined variable, failing filter)
// becomes a UserError naming the template file and line.
import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, relative } from 'node:path';
import nunjucks from 'nunjucks';
import { UserError } from '../errors.js';
import { createEnvironment, templateSearchPath } from './environment.js';

export interface RenderOptions {
  /** Directory whose templates/ overrides the built-in templates (default: process.cwd()). */
  cwd?: string;
}

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

/** Render the template `name` (user's templates/ first, then built-in) with `vars`. */
export function renderTemplate(name: string, vars: Record<string, unknown>, opts: RenderOptions = {}): string {
  const cwd = opts.cwd ?? process.cwd();
  const file = resolveTemplate(name, { cwd });
  const env = envFor(cwd);
  try {
    const tmpl = new nunjucks.Template(readFileSync(file, 'utf8'), env, file, false);
    return tmpl.render(vars);
  } catch (e) {
    throw toTemplateError(e, displayName(file, cwd), cwd);
  }
}

/** Render template source; `name` is used in error messages (e.g. the vars file it came from). */
export function renderString(src: string, vars: Record<string, unknown>, opts: RenderOptions & { name?: string } = {}): string {
  const env = envFor(opts.cwd ?? process.cwd());
  const name = opts.name ?? '<template string>';
  try {
    return new nunjucks.Template(src, env, name, false).render(vars);
  } catch (e) {
    throw toTemplateError(e, name);
  }
}
