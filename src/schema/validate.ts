// Checks a host's resolved variables against the shipped schema before anything runs.
// Errors name the file the top-level variable came from and the path inside it.
import type { ValidateFunction } from 'ajv';
import { UserError } from '../errors.js';
import type { SourcedVars } from '../util/sourced-vars.js';
import { coerceVars } from './coerce.js';
import { toPathMessage, suggestion, type PathMessage } from './messages.js';
import { knownVariables, schemaText } from './schema.js';
import { compileValidator, loadPrecompiled } from './standalone.js';
import type { StagesyncVars } from './stagesync-vars.js';

export interface VarError {
  file?: string;
  line?: number;
  /** e.g. `stagesync_copies[0].dest_bucket` */
  path: string;
  message: string;
}

export interface ValidateOptions {
  /** inventory_hostname the vars belong to; named when a variable's origin is unknown. */
  host?: string;
}

let compiled: ValidateFunction | undefined;

function validator(): ValidateFunction {
  compiled ??= loadPrecompiled(schemaText()) ?? compileValidator(schemaText());
  return compiled;
}

/** Rules across variables, which JSON Schema would only express with an unreadable message. */
function crossFieldErrors(values: Record<string, unknown>): PathMessage[] {
  const out: PathMessage[] = [];
  if (values.stagesync_compare_git_commits === true) {
    for (const key of ['stagesync_local_repo', 'stagesync_source_gitbranch', 'stagesync_destination_gitbranch']) {
      if (typeof values[key] !== 'string' || values[key] === '') {
        out.push({
          path: key,
          segments: [key],
          message: 'must be set when stagesync_compare_git_commits is true',
          // The user turned the check on somewhere; the unset default lives in defaults/main.yml.
          originKey: 'stagesync_compare_git_commits',
        });
      }
    }
  }
  if (values.stagesync_post_restore_update_db === true) {
    for (const key of ['stagesync_social_client_id', 'stagesync_social_secret']) {
      if (values[key] === undefined || values[key] === null || values[key] === '') {
        out.push({ path: key, segments: [key], message: 'must be set when stagesync_post_restore_update_db is true', originKey: 'stagesync_post_restore_update_db' });
      }
    }
  }
  return out;
}

function unknownVariableErrors(values: Record<string, unknown>): PathMessage[] {
  const known = knownVariables();
  const knownSet = new Set(known);
  const stagesyncNames = known.filter((k) => k.startsWith('stagesync_'));
  const out: PathMessage[] = [];
  for (const key of Object.keys(values)) {
    // ansible_* has hundreds of magic names (ansible_ssh_pass, ansible_facts...): only known ones are checked.
    if (!key.startsWith('stagesync_') || knownSet.has(key)) continue;
    const hint = suggestion(key, stagesyncNames);
    out.push({
      path: key,
      segments: [key],
      message: hint
        ? `unknown variable; ${hint}`
        : 'unknown variable (the stagesync_ prefix is reserved for orchestrate; name your own variables differently)',
    });
  }
  return out;
}

function compareSegments(a: (string | number)[], b: (string | number)[]): number {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return x - y;
    return String(x) < String(y) ? -1 : 1;
  }
  return a.length - b.length;
}

function schemaErrors(values: Record<string, unknown>): PathMessage[] {
  const validate = validator();
  if (validate(values)) return [];
  const out: PathMessage[] = [];
  for (const err of validate.errors ?? []) {
    const pm = toPathMessage(err, values);
    if (pm) out.push(pm);
  }
  return out;
}

/**
 * Every problem with these variables, sorted by path (stable across runs), without throwing.
 * Values are checked after Ansible-style coercion ("yes" → true, "4" → 4 where the schema wants it).
 */
export function collectVarErrors(vars: SourcedVars, opts: ValidateOptions = {}): VarError[] {
  const values = coerceVars(vars.values);
  const found = [...unknownVariableErrors(values), ...schemaErrors(values), ...crossFieldErrors(values)];
  found.sort((a, b) => compareSegments(a.segments, b.segments) || (a.message < b.message ? -1 : a.message > b.message ? 1 : 0));
  const seen = new Set<string>();
  const out: VarError[] = [];
  for (const pm of found) {
    const id = `${pm.path}\0${pm.message}`;
    if (seen.has(id)) continue;
    seen.add(id);
    const top = String(pm.segments[0] ?? '');
    const origin = vars.origins[pm.originKey ?? top];
    const err: VarError = { path: pm.path, message: pm.message };
    if (origin) {
      err.file = origin.file;
      // The origin's line is where the top-level key is: exact only for errors on the key itself.
      if (origin.line !== undefined && pm.path === top && !pm.originKey) err.line = origin.line;
    } else if (opts.host) {
      err.message += ` (host ${opts.host})`;
    }
    out.push(err);
  }
  return out;
}

export function varErrorToUserError(e: VarError): UserError {
  return new UserError(e.message, { file: e.file, line: e.line, path: e.path });
}

/**
 * Throws a UserError (exit 5) for the first problem, e.g.
 * `vars/prod-to-stage1.yml: stagesync_copies[0].dest_bucket: must be a string`.
 * When valid, `vars.values` is normalized in place (Ansible-style strings coerced) and returned,
 * typed by the schema.
 */
export function validateVars(vars: SourcedVars, opts: ValidateOptions = {}): StagesyncVars {
  const errors = collectVarErrors(vars, opts);
  if (errors.length > 0) throw varErrorToUserError(errors[0]!);
  // Checked just above against the schema the type is generated from.
  return Object.assign(vars.values, coerceVars(vars.values)) as StagesyncVars;
}
