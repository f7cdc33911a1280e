// -e / --extra-vars in every form (ansible-playbook's forms and our bare-path extension; docs/cli.md).
import { statSync } from 'node:fs';
import { extname, resolve } from 'node:path';
import { UserError } from '../errors.js';
import type { SourcedVars } from '../util/sourced-vars.js';
import { combineVars, emptySourced, sourcedFromMapping } from './sourced.js';
import { readVarsFile } from './vars-file.js';
import { parseYaml11 } from '../util/yaml11.js';

/** Shown as the "file" of values given inline on the command line. */
export const EXTRA_VARS_ORIGIN = '-e';

const VARS_FILE_EXTS = ['.yml', '.yaml', '.json'];

/**
 * Parses every -e value, left to right (later wins per top-level key):
 * `@path` (YAML/JSON file), an existing `path.yml|.yaml|.json` (our extension),
 * `{...}`/`[...]` inline YAML/JSON (must be a mapping), or `k=v k2="a b"` pairs whose values
 * are all strings. A value starting with `/` or `.` that is not such a file is an error.
 * Relative paths are against `cwd`. Origins name the file, or `-e` for inline values.
 * @throws UserError naming the file or the -e value.
 */
export function parseExtraVars(values: readonly string[], cwd: string = process.cwd()): SourcedVars {
  let result = emptySourced();
  for (const value of values) {
    if (!value) continue;
    result = combineVars(result, parseOne(value, cwd));
  }
  return result;
}

function parseOne(value: string, cwd: string): SourcedVars {
  if (value.startsWith('@')) return fromFile(value.slice(1), cwd, value);
  if (VARS_FILE_EXTS.includes(extname(value).toLowerCase()) && isFile(resolve(cwd, value))) return fromFile(value, cwd, value);
  if (value[0] === '/' || value[0] === '.') {
    throw new UserError(`extra vars file not found (prefix a file with '@': -e @path)`, { file: value });
  }
  if (value[0] === '{' || value[0] === '[') {
    const parsed = parseYaml11(value, EXTRA_VARS_ORIGIN);
    if (!isMapping(parsed.value)) throw new UserError(`'${value}' could not be made into a mapping`, { file: EXTRA_VARS_ORIGIN });
    return sourcedFromMapping(parsed.value, EXTRA_VARS_ORIGIN);
  }
  return sourcedFromMapping(parseKeyValues(value), EXTRA_VARS_ORIGIN);
}

function fromFile(path: string, cwd: string, shown: string): SourcedVars {
  if (!path) throw new UserError("'@' must be followed by a file name", { file: shown });
  const vars = readVarsFile(resolve(cwd, path), cwd).vars;
  if (!vars) throw new UserError('extra vars file is empty: it could not be made into a mapping', { file: path });
  return vars;
}

function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

const isMapping = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Ansible's parse_kv: `a=1 b="x y"` → {a: "1", b: "x y"}; values stay strings. */
export function parseKeyValues(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const token of splitArgs(text)) {
    const x = decodeEscapes(token);
    let pos = x.indexOf('=', 1);
    while (pos > 0 && x[pos - 1] === '\\') pos = x.indexOf('=', pos + 1);
    if (pos < 0) {
      throw new UserError(`expected key=value, @file or an existing .yml/.yaml/.json file, got '${token}'`, { file: EXTRA_VARS_ORIGIN });
    }
    out[x.slice(0, pos).trim()] = unquote(x.slice(pos + 1).trim());
  }
  return out;
}

/** Splits on whitespace outside quotes and outside `{{ }}` / `{% %}` / `{# #}`; quotes are kept. */
function splitArgs(text: string): string[] {
  const tokens: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let jinja = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const two = text.slice(i, i + 2);
    if (quote) {
      cur += c;
      if (c === quote && text[i - 1] !== '\\') quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
      cur += c;
    } else if (/\s/.test(c) && jinja === 0) {
      if (cur) tokens.push(cur);
      cur = '';
    } else if (two === '{{' || two === '{%' || two === '{#') {
      jinja++; cur += two; i++;
    } else if ((two === '}}' || two === '%}' || two === '#}') && jinja > 0) {
      jinja--; cur += two; i++;
    } else cur += c;
  }
  if (quote) throw new UserError('error parsing -e: no closing quotation, try quoting the entire value', { file: EXTRA_VARS_ORIGIN });
  if (cur) tokens.push(cur);
  return tokens;
}

function unquote(v: string): string {
  if (v.length > 1 && v[0] === v.at(-1) && (v[0] === '"' || v[0] === "'") && v.at(-2) !== '\\') return v.slice(1, -1);
  return v;
}

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v' };

/** Python-style escapes (`\n`, `\t`, `\uXXXX`, `\xHH`) in -e key=value text, as Ansible's _decode_escapes. */
function decodeEscapes(s: string): string {
  return s.replace(/\\(u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|x[0-9a-fA-F]{2}|[ntr\\'"abfv])/g, (_m, e: string) =>
    e.length > 1 ? String.fromCodePoint(parseInt(e.slice(1), 16)) : ESCAPES[e]!,
  );
}
