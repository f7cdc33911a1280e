// Picks the parser for one inventory file by extension, as Ansible's enabled plugins do:
// .yml/.yaml/.json or none → YAML, then INI; anything else → INI only.
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';
import { UserError } from '../errors.js';
import type { InventoryBuilder } from './builder.js';
import { parseIniInventory } from './ini.js';
import { NotYamlInventory, parseYamlInventory } from './yaml.js';

const YAML_EXTS = new Set(['.yml', '.yaml', '.json']);

/** Parses one inventory file (absolute `path`, shown as `file`) into `builder`. */
export function parseInventoryFile(path: string, file: string, builder: InventoryBuilder): void {
  let text: string;
  try {
    text = readFileSync(path, 'utf8').replace(/^\uFEFF/, ''); // a BOM would hide the first header
  } catch (e) {
    throw new UserError(`cannot read inventory: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
  const ext = extname(path).toLowerCase();
  const yamlFirst = ext === '' || YAML_EXTS.has(ext);
  if (!yamlFirst) return parseIniInventory(text, file, builder);

  let notYaml: NotYamlInventory;
  try {
    return parseYamlInventory(text, file, builder);
  } catch (e) {
    if (!(e instanceof NotYamlInventory)) throw e;
    notYaml = e;
  }
  try {
    parseIniInventory(text, file, builder);
  } catch (e) {
    // A .yml file that fails both ways was meant as YAML: its YAML error is the useful one.
    if (e instanceof UserError && ext !== '') {
      throw new UserError(`not a valid YAML inventory: ${notYaml.message}`, { file, line: notYaml.line });
    }
    throw e;
  }
}
