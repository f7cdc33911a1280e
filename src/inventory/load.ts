// Loads every inventory source (files, directories, `h1,h2,` host lists) into one Inventory.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath } from '../util/display-path.js';
import { InventoryBuilder } from './builder.js';
import { parseAddress } from './host-pattern.js';
import { parseInventoryFile } from './parse-file.js';
import type { Inventory } from './types.js';

// Convenience: the CLI imports source resolution from here too.
export { resolveInventorySources } from './sources.js';

export interface LoadInventoryOptions {
  /** Relative sources and display paths are taken from here (default: process.cwd()). */
  cwd?: string;
  /** Accepted for symmetry with resolveInventorySources; loading reads no environment. */
  env?: NodeJS.ProcessEnv;
}

// Ansible's IGNORED_ALWAYS and INVENTORY_IGNORE_EXTS (REJECT_EXTS + .orig, .cfg, .retry).
const IGNORED_NAMES = /^(?:\..*|host_vars|group_vars|vars_plugins)$/;
const IGNORED_EXTS = ['.pyc', '.pyo', '.swp', '.bak', '~', '.rpm', '.md', '.txt', '.rst', '.orig', '.cfg', '.retry'];

/**
 * Parses the given sources, in order, into one Inventory (later sources add to and override
 * earlier ones). A source containing a comma that is not an existing path is a host list.
 * Missing or unreadable sources and parse errors are UserErrors naming the file (and line).
 */
export function loadInventory(sources: readonly string[], opts: LoadInventoryOptions = {}): Inventory {
  const cwd = opts.cwd ?? process.cwd();
  const builder = new InventoryBuilder();
  const inv = builder.inventory;
  for (const source of sources) {
    const abs = resolve(cwd, source);
    if (source.includes(',') && !existsSync(abs)) {
      parseHostList(source, builder);
      inv.sources.push(source);
      continue;
    }
    let isDir: boolean;
    try {
      isDir = statSync(abs).isDirectory();
    } catch {
      throw new UserError('inventory source not found', { file: displayPath(abs, cwd) });
    }
    inv.sources.push(abs);
    inv.sourceDirs.push(isDir ? abs : dirname(abs));
    if (isDir) parseDirectory(abs, cwd, builder);
    else parseSource(abs, cwd, builder);
  }
  return builder.finish();
}

function parseDirectory(dir: string, cwd: string, builder: InventoryBuilder): void {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (e) {
    throw new UserError(`cannot read inventory directory: ${(e as NodeJS.ErrnoException).code}`, { file: displayPath(dir, cwd) });
  }
  for (const name of names) {
    if (IGNORED_NAMES.test(name) || IGNORED_EXTS.some((ext) => name.endsWith(ext))) continue;
    const path = join(dir, name);
    if (statSync(path).isDirectory()) parseDirectory(path, cwd, builder);
    else parseSource(path, cwd, builder);
  }
}

function parseSource(path: string, cwd: string, builder: InventoryBuilder): void {
  builder.currentSource = path;
  try {
    parseInventoryFile(path, displayPath(path, cwd), builder);
  } finally {
    builder.currentSource = undefined;
  }
}

/** `h1,h2:2222,` → hosts in `ungrouped` (Ansible's host_list plugin; no ranges). */
function parseHostList(source: string, builder: InventoryBuilder): void {
  const where = { file: source };
  for (const item of source.split(',')) {
    const text = item.trim();
    if (!text) continue;
    const parsed = parseAddress(text);
    const host = parsed && !parsed.host.includes('[') ? parsed.host : text;
    builder.addHost(host, where, 'ungrouped', parsed?.port);
  }
}
