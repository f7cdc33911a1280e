// A nunjucks Environment configured like Ansible's template module: no autoescape,
// trim_blocks on, lstrip_blocks off, trailing newline kept, Jinja compat, strict undefined,
// and Ansible's filters. Templates are looked up in <cwd>/templates first, then the package's.
import { join } from 'node:path';
import nunjucks from 'nunjucks';
import { builtinTemplatesDir } from '../util/paths.js';
import { makeStrict } from './strict.js';
import { installBraceCounting } from './braces.js';
import { installPythonStringLiterals } from './string-literals.js';
import { isUndefined, use } from './undefined.js';
import { bool, defaultFilter, int, mandatory, quote, ternary } from './filters/core.js';
import { toJson, toNiceJson } from './filters/json.js';
import { basename, dirname } from './filters/path.js';
import { regexReplace, regexTests } from './filters/regex.js';
import { toNiceYaml, toYaml } from './filters/yaml.js';
import { b64decode, b64encode, combine, map, reject, rejectattr, select, selectattr } from './filters/collections.js';
import { lookup, query } from './lookups.js';

// Global, once: True/False/None, .items()/.keys()/.get(), slices; `}}` inside a dict literal.
nunjucks.installJinjaCompat();
installBraceCounting();
installPythonStringLiterals();

type Fn = (...args: unknown[]) => unknown;

/** Filters that accept an undefined input (everything else fails on one, as in Ansible). */
const UNDEFINED_OK = new Set(['default', 'd', 'mandatory']);

/** Template directories in lookup order: the user's, then the built-in ones. */
export function templateSearchPath(cwd: string = process.cwd()): string[] {
  return [join(cwd, 'templates'), builtinTemplatesDir()];
}

export function createEnvironment(opts: { cwd?: string } = {}): nunjucks.Environment {
  const loader = new nunjucks.FileSystemLoader(templateSearchPath(opts.cwd), { noCache: true });
  const env = new nunjucks.Environment(loader, {
    autoescape: false,
    trimBlocks: true,
    lstripBlocks: false,
    // Output of undefined fails; the strict compiler (strict.ts) enforces it everywhere else too.
    throwOnUndefined: true,
  });
  const filters: Record<string, Fn> = {
    to_json: toJson,
    to_nice_json: toNiceJson,
    to_yaml: toYaml,
    to_nice_yaml: toNiceYaml,
    bool,
    basename,
    dirname,
    quote,
    regex_replace: regexReplace,
    mandatory,
    int,
    ternary,
    default: defaultFilter,
    d: defaultFilter,
    combine,
    map,
    select,
    reject,
    selectattr,
    rejectattr,
    b64encode,
    b64decode,
  };
  for (const [name, f] of Object.entries(filters)) env.addFilter(name, f);

  // Every filter fails on an undefined argument unless it is made for them.
  const registered = (env as unknown as { filters: Record<string, Fn> }).filters;
  for (const [name, f] of Object.entries(registered)) {
    if (UNDEFINED_OK.has(name)) continue;
    env.addFilter(name, function (this: unknown, ...args: unknown[]) {
      args.forEach(use);
      return f.apply(this, args);
    });
  }

  // @types/nunjucks lacks addTest.
  const addTest = (name: string, t: Fn): void => void (env as unknown as { addTest(n: string, t: Fn): void }).addTest(name, t);
  addTest('defined', (v: unknown) => v !== undefined && !isUndefined(v));
  addTest('undefined', (v: unknown) => v === undefined || isUndefined(v));
  addTest('none', (v: unknown) => use(v) === null);
  for (const [name, t] of Object.entries(regexTests)) addTest(name, t);
  const tests = (env as unknown as { tests: Record<string, Fn> }).tests;
  for (const [name, t] of Object.entries(tests)) {
    if (name === 'defined' || name === 'undefined') continue;
    addTest(name, (...args: unknown[]) => {
      args.forEach(use);
      return t(...args);
    });
  }

  env.addGlobal('lookup', lookup);
  env.addGlobal('query', query);
  env.addGlobal('q', query);
  makeStrict(env);
  return env;
}
