// One vars file (group_vars, host_vars, -e @file, defaults): a YAML/JSON mapping, or empty.
import { readFileSync } from 'node:fs';
import { UserError } from '../errors.js';
import type { SourcedVars } from '../util/sourced-vars.js';
import { displayPath } from '../util/display-path.js';
import { sourcedFromMapping } from './sourced.js';
import { isVaultText } from '../vault/format.js';
import { decryptVaultText } from '../vault/value.js';
import { parseYaml11 } from '../util/yaml11.js';

export interface VarsFileResult {
  /** undefined for an empty file (ignored, as Ansible does). */
  vars?: SourcedVars;
  warnings: string[];
}

/**
 * Reads a vars file. Origins and errors name it relative to `cwd` when below it.
 * @throws UserError (file, line) for unreadable files, bad YAML, or a top level that is not a mapping.
 */
export function readVarsFile(path: string, cwd: string): VarsFileResult {
  const file = displayPath(path, cwd);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new UserError(code === 'ENOENT' ? 'file not found' : `cannot read vars file: ${code ?? (e as Error).message}`, { file });
  }
  // A whole file encrypted with ansible-vault is opened when it is loaded, as Ansible does.
  const encrypted = isVaultText(text);
  if (encrypted) text = decryptVaultText(text, file).toString('utf8');
  const parsed = parseYaml11(text, file);
  if (parsed.value === null || parsed.value === undefined) return { warnings: parsed.warnings };
  if (typeof parsed.value !== 'object' || Array.isArray(parsed.value)) {
    throw new UserError(`vars must be a mapping (key: value), got ${Array.isArray(parsed.value) ? 'a list' : typeof parsed.value}`, {
      file,
      line: 1,
    });
  }
  const vars = sourcedFromMapping(parsed.value as Record<string, unknown>, file, parsed.pointerLines);
  if (encrypted) for (const origin of Object.values(vars.origins)) origin.vault = true;
  return { vars, warnings: parsed.warnings };
}
