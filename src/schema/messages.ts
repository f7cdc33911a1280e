// Turns ajv's errors into short human messages with the variable path in dotted/indexed form.
import type { ErrorObject } from 'ajv';
import { closest, distance } from 'fastest-levenshtein';

export interface PathMessage {
  /** e.g. `stagesync_copies[0].dest_bucket` */
  path: string;
  /** Segments of `path`; the first is the top-level variable. */
  segments: (string | number)[];
  message: string;
  /** Top-level variable whose origin file to name, when not `segments[0]`. */
  originKey?: string;
}

const ARTICLE: Record<string, string> = {
  string: 'a string',
  integer: 'an integer',
  number: 'a number',
  boolean: 'a boolean (true/false)',
  array: 'a list',
  object: 'a mapping',
  null: 'null',
};

export function formatPath(segments: readonly (string | number)[]): string {
  let out = '';
  for (const s of segments) {
    if (typeof s === 'number') out += `[${s}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(s)) out += out ? `.${s}` : s;
    else out += `[${JSON.stringify(s)}]`;
  }
  return out;
}

/** JSON Pointer → segments, numbers where the data at that point is an array. */
export function pointerSegments(pointer: string, data: unknown): (string | number)[] {
  if (pointer === '') return [];
  const segs: (string | number)[] = [];
  let cur: unknown = data;
  for (const raw of pointer.slice(1).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(cur)) {
      segs.push(Number(key));
      cur = cur[Number(key)];
    } else {
      segs.push(key);
      cur = cur !== null && typeof cur === 'object' ? (cur as Record<string, unknown>)[key] : undefined;
    }
  }
  return segs;
}

/** `did you mean X?` when X is close enough to be a plausible typo. */
export function suggestion(name: string, candidates: readonly string[]): string {
  if (candidates.length === 0) return '';
  const best = closest(name, candidates);
  const limit = Math.max(2, Math.floor(name.length / 3));
  return distance(name, best) <= limit ? `did you mean ${best}?` : '';
}

function orList(words: string[]): string {
  return words.length <= 1 ? words.join('') : `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}

type ParentSchema = { properties?: Record<string, unknown>; errorMessage?: string; patternErrorMessage?: string };

/** One ajv error → path and message; null for errors that only repeat others (if/then). */
export function toPathMessage(err: ErrorObject, data: unknown): PathMessage | null {
  const segments = pointerSegments(err.instancePath, data);
  const parent = (err.parentSchema ?? {}) as ParentSchema;
  const p = err.params as Record<string, unknown>;
  let message: string;
  // Unknown names are reported by validate.ts with a suggestion; propertyNames is for editors.
  if (err.keyword === 'propertyNames' || err.propertyName !== undefined) return null;
  switch (err.keyword) {
    case 'if':
      return null; // the failing then/else branch reports the detail
    case 'type': {
      const types = String(p.type).split(',');
      message = parent.errorMessage ?? `must be ${orList(types.map((t) => ARTICLE[t] ?? t))}`;
      break;
    }
    case 'enum':
      message = `must be one of: ${(p.allowedValues as unknown[]).map((v) => (v === null ? 'null' : String(v))).join(', ')}`;
      break;
    case 'required':
      segments.push(String(p.missingProperty));
      message = 'is required';
      break;
    case 'additionalProperties': {
      const key = String(p.additionalProperty);
      segments.push(key);
      const hint = suggestion(key, Object.keys(parent.properties ?? {}));
      message = hint ? `unknown key; ${hint}` : `unknown key (allowed: ${Object.keys(parent.properties ?? {}).join(', ')})`;
      break;
    }
    case 'minimum':
      message = `must be at least ${String(p.limit)}`;
      break;
    case 'maximum':
      message = `must be at most ${String(p.limit)}`;
      break;
    case 'exclusiveMinimum':
      message = `must be greater than ${String(p.limit)}`;
      break;
    case 'minProperties':
    case 'maxProperties':
      message = parent.errorMessage ?? `must have ${err.keyword === 'minProperties' ? 'at least' : 'at most'} ${String(p.limit)} key(s)`;
      break;
    case 'minLength':
      message = p.limit === 1 ? 'must not be empty' : `must be at least ${String(p.limit)} characters long`;
      break;
    case 'pattern':
      message = parent.patternErrorMessage ?? `must match ${String(p.pattern)}`;
      break;
    default:
      message = err.message ?? `fails the schema rule ${err.keyword}`;
  }
  return { path: formatPath(segments), segments, message };
}
