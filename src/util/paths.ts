// Where the package's own files live, whether run from the repo (tsx) or installed (dist/).
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

let cached: string | undefined;

/** The directory holding package.json (the repo root, or the installed package). */
export function packageRoot(): string {
  if (cached) return cached;
  let dir = dirname(fileURLToPath(import.meta.url));
  while (!existsSync(join(dir, 'package.json'))) {
    const up = dirname(dir);
    if (up === dir) throw new Error('stagesync: cannot find package.json above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
  cached = dir;
  return dir;
}

/** Built-in role defaults, as a role's defaults/main.yml. */
export const defaultsFile = (): string => join(packageRoot(), 'defaults', 'main.yml');
/** Built-in templates (the user's ./templates/<name> overrides one of the same name). */
export const builtinTemplatesDir = (): string => join(packageRoot(), 'templates');
/** The JSON Schema of every variable. */
export const schemaFile = (): string => join(packageRoot(), 'schema', 'stagesync.schema.json');
/** The schema's validator, precompiled (src/schema/standalone.ts). */
export const validatorFile = (): string => join(packageRoot(), 'schema', 'stagesync.validate.cjs');
