// group_vars/<name> and host_vars/<name> lookup (Ansible's DataLoader.find_vars_files).
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { SourcedVars } from '../util/sourced-vars.js';
import { combineVars, emptySourced } from './sourced.js';
import { readVarsFile } from './vars-file.js';

const VARS_EXTS = ['.yml', '.yaml', '.json'];

/**
 * The files holding `<baseDir>/<kind>/<name>` vars, in merge order: the first existing of
 * `name` (a directory or an extensionless file), `name.yml`, `name.yaml`, `name.json`
 * — an empty directory therefore hides `name.yml`.
 */
export function findVarsFiles(baseDir: string, kind: 'group_vars' | 'host_vars', name: string): string[] {
  const stem = join(baseDir, kind, name);
  for (const candidate of [stem, ...VARS_EXTS.map((e) => stem + e)]) {
    const st = statOrUndefined(candidate);
    if (!st) continue;
    return st.isDirectory() ? filesBelow(candidate) : [candidate];
  }
  return [];
}

/** Every vars file below `dir`, sorted by name per directory, recursing into extensionless subdirectories. */
function filesBelow(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir).sort()) {
    if (entry.startsWith('.') || entry.endsWith('~')) continue; // hidden and backup files
    const path = join(dir, entry);
    const ext = extname(entry);
    const st = statOrUndefined(path);
    if (st?.isDirectory() && !ext) out.push(...filesBelow(path));
    else if (st?.isFile() && (!ext || VARS_EXTS.includes(ext))) out.push(path);
  }
  return out;
}

function statOrUndefined(path: string) {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** Reads each file once, since every host reads group_vars/all again. */
export class VarsFileCache {
  private readonly files = new Map<string, SourcedVars | undefined>();
  /**
   * @param cwd files are named relative to it in origins and errors
   * @param onWarning receives YAML warnings (duplicate keys, unknown tags)
   */
  constructor(readonly cwd: string, private readonly onWarning: (message: string) => void = () => {}) {}

  read(path: string): SourcedVars | undefined {
    if (!this.files.has(path)) {
      const r = readVarsFile(path, this.cwd);
      r.warnings.forEach(this.onWarning);
      this.files.set(path, r.vars);
    }
    return this.files.get(path);
  }

  /** The merged vars of `<baseDir>/<kind>/<name>` (later file wins). */
  load(baseDir: string, kind: 'group_vars' | 'host_vars', name: string): SourcedVars {
    let vars = emptySourced();
    for (const file of findVarsFiles(baseDir, kind, name)) {
      const v = this.read(file);
      if (v) vars = combineVars(vars, v);
    }
    return vars;
  }
}
