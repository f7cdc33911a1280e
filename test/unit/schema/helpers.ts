// Builds SourcedVars as the vars layer would: defaults first, then one user file on top.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import type { SourcedVars } from '../../../src/util/sourced-vars.js';
import { defaultsFile } from '../../../src/util/paths.js';

export function defaults(): Record<string, unknown> {
  return parse(readFileSync(defaultsFile(), 'utf8'), { version: '1.1' }) as Record<string, unknown>;
}

/** Defaults (origin defaults/main.yml) overlaid with `user` (origin `file`). */
export function sourced(user: Record<string, unknown>, file = 'vars/prod-to-stage1.yml'): SourcedVars {
  const values: Record<string, unknown> = { ...defaults() };
  const origins: SourcedVars['origins'] = {};
  for (const k of Object.keys(values)) origins[k] = { file: 'defaults/main.yml' };
  for (const [k, v] of Object.entries(user)) {
    values[k] = v;
    origins[k] = { file };
  }
  return { values, origins };
}

/** A valid copy item to break one key at a time. */
export const goodCopy = (): Record<string, unknown> => ({
  description: 'production to stage media bucket',
  source_bucket: 'production_bucket',
  source_path: 'files/',
  dest_bucket: 'staging_bucket',
  dest_path: 'files/',
  aws_profile: 'stage',
});
