// The built-in role defaults (defaults/main.yml shipped in the package): the lowest precedence.
import { defaultsFile } from '../util/paths.js';
import type { SourcedVars } from '../util/sourced-vars.js';
import { emptySourced } from './sourced.js';
import { readVarsFile } from './vars-file.js';

/**
 * Reads the shipped defaults (or `file`, for tests). Origins name the file as seen from `cwd`.
 * @throws UserError if the file is missing or not a YAML mapping.
 */
export function loadDefaults(opts: { file?: string; cwd?: string } = {}): SourcedVars {
  return readVarsFile(opts.file ?? defaultsFile(), opts.cwd ?? process.cwd()).vars ?? emptySourced();
}
