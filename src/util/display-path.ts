// How a file is named in messages: relative to the cwd when below it (`vars/p.yml`), else absolute.
import { isAbsolute, relative, resolve } from 'node:path';

export function displayPath(file: string, cwd: string): string {
  const abs = resolve(cwd, file);
  const rel = relative(cwd, abs);
  if (rel && !rel.startsWith('..') && !isAbsolute(rel)) return rel;
  return abs;
}
