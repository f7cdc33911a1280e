// Whether a path is a regular file this process may read or execute (for config and password files).
import { accessSync, constants, statSync } from 'node:fs';

/** A regular file, accessible with `mode` (fs.constants.R_OK, X_OK...); false on any error. */
export function isFileWith(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export const isReadableFile = (path: string): boolean => isFileWith(path, constants.R_OK);
export const isExecutableFile = (path: string): boolean => isFileWith(path, constants.X_OK);
