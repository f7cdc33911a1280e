// A small reader for Python configparser files (ansible.cfg): `[section]`, `key = value` or
// `key: value`, full-line `#`/`;` comments, inline `;` comments after whitespace, indented continuations.
import { UserError } from '../errors.js';

export type CfgSections = Map<string, Map<string, { value: string; line: number }>>;

export function parseCfg(text: string, file: string): CfgSections {
  const sections: CfgSections = new Map();
  let current: Map<string, { value: string; line: number }> | undefined;
  let lastKey: string | undefined;
  text.split(/\r?\n/).forEach((raw, i) => {
    const line = i + 1;
    const stripped = raw.trim();
    if (!stripped || stripped[0] === '#' || stripped[0] === ';') { lastKey = undefined; return; }
    const value = stripped.replace(/\s;.*$/, '').trim();
    if (/^\s/.test(raw) && current && lastKey) {
      const entry = current.get(lastKey)!;
      entry.value = entry.value ? `${entry.value}\n${value}` : value;
      return;
    }
    const header = /^\[([^\]]+)\]/.exec(stripped);
    if (header) {
      const name = header[1]!;
      if (sections.has(name)) throw new UserError(`section [${name}] appears twice`, { file, line });
      sections.set(name, (current = new Map()));
      lastKey = undefined;
      return;
    }
    const opt = /^(.*?)\s*[=:]\s*(.*)$/.exec(value);
    if (!current) throw new UserError('option before any [section] header', { file, line });
    if (!opt || !opt[1]) throw new UserError(`expected key = value, got: ${stripped}`, { file, line });
    const key = opt[1].toLowerCase();
    if (current.has(key)) throw new UserError(`option '${key}' appears twice in its section`, { file, line });
    current.set(key, { value: opt[2]!, line });
    lastKey = key;
  });
  return sections;
}
