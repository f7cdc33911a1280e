// Programs that run on hosts live as real files in scripts/host/ (shipped in the package, checked
// by shellcheck in the unit suite), not in TypeScript strings. This loads one, as the command text
// handed to `sh -c` (or `perl -e`): full-line comments are dropped (so -vvv shows only the code;
// keep none inside a multi-line string), and each `__NAME__` placeholder is filled in from
// constants of the code that are shell-safe literals, never from variables.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from './paths.js';

/** Where the host programs are, in the repo and in the installed package. */
export const hostScriptsDir = (): string => join(packageRoot(), 'scripts', 'host');

const PLACEHOLDER = /__([A-Z][A-Z0-9_]*)__/g;
const cache = new Map<string, string>();

export function hostScript(name: string, constants: Record<string, string> = {}): string {
  const key = `${name}\0${JSON.stringify(constants)}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const lines = readFileSync(join(hostScriptsDir(), name), 'utf8').split('\n');
  const code = lines.filter((l) => l.trim() !== '' && !/^\s*#/.test(l)).join('\n');
  const used = new Set<string>();
  const text = code.replace(PLACEHOLDER, (_, id: string) => {
    const value = constants[id];
    if (value === undefined) throw new Error(`scripts/host/${name}: nothing to fill in __${id}__`);
    used.add(id);
    return value;
  });
  const unused = Object.keys(constants).filter((k) => !used.has(k));
  if (unused.length) throw new Error(`scripts/host/${name}: no __${unused[0]}__ to fill in`);
  cache.set(key, text);
  return text;
}
