// YAML as Ansible reads it (PyYAML, YAML 1.1: yes/no booleans, 0644 octal), with line numbers
// for every key so errors can point at the exact place. JSON is tried first, as Ansible's loader does.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type DocumentOptions, type Node, type ParseOptions, type ScalarTag, type SchemaOptions } from 'yaml';
import { UserError } from '../errors.js';

export interface ParsedYaml {
  /** The document as plain JS (null for an empty document). */
  value: unknown;
  /** JSON pointer (`/a/0/b`) → 1-based line, for every key and sequence item. */
  pointerLines: Record<string, number>;
  warnings: string[];
}

const unsafeTag: ScalarTag = { tag: '!unsafe', resolve: (s: string) => s };
const vaultTag: ScalarTag = {
  tag: '!vault',
  resolve: (_s: string, onError: (msg: string) => void) => {
    onError('!vault encrypted values are not supported: decrypt them or pass them with -e');
    return null;
  },
};

// PyYAML's resolvers differ from the YAML 1.1 spec that `yaml` follows: `y`/`n` are strings,
// an exponent needs a dot and a sign (`1.0e+5`; `1e5` is a string), and we keep dates as text.
const pyBool = (value: boolean, test: RegExp): ScalarTag => ({
  tag: 'tag:yaml.org,2002:bool',
  default: true,
  identify: (v: unknown) => v === value,
  test,
  resolve: () => value,
});
const pyTrue = pyBool(true, /^(?:yes|Yes|YES|true|True|TRUE|on|On|ON)$/);
const pyFalse = pyBool(false, /^(?:no|No|NO|false|False|FALSE|off|Off|OFF)$/);
const pyExpFloat: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  identify: () => false,
  test: /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)[eE][-+][0-9]+$/,
  resolve: (s: string) => parseFloat(s.replace(/_/g, '')),
};
const pyBareFloat: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  identify: () => false,
  test: /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/,
  resolve: (s: string) => parseFloat(s.replace(/_/g, '')),
};

function pyyamlTags(tags: SchemaOptions['customTags'] & unknown[]): ScalarTag[] {
  const dropped = (t: { tag?: string; test?: RegExp }) =>
    t.tag === 'tag:yaml.org,2002:bool' ||
    t.tag === 'tag:yaml.org,2002:timestamp' ||
    (t.tag === 'tag:yaml.org,2002:float' && (t.test?.test('1e5') || t.test?.test('.')));
  return [
    pyTrue, pyFalse, pyExpFloat, pyBareFloat,
    ...(tags as ScalarTag[]).filter((t) => !dropped(t)),
    unsafeTag, vaultTag,
  ];
}

export const YAML11_OPTIONS: ParseOptions & DocumentOptions & SchemaOptions = {
  version: '1.1',
  merge: true,
  uniqueKeys: false, // PyYAML keeps the last of duplicate keys (Ansible warns)
  customTags: (tags) => pyyamlTags(tags as never),
};

/** Parses YAML/JSON text; a syntax error becomes a UserError naming `file` and the line. */
export function parseYaml11(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...YAML11_OPTIONS, lineCounter, prettyErrors: false });
  const json = tryJson(text);
  if (doc.errors.length > 0 && json === undefined) {
    const err = doc.errors[0]!;
    throw new UserError(`invalid YAML: ${firstLine(err.message)}`, { file, line: lineCounter.linePos(err.pos[0]).line });
  }
  const pointerLines: Record<string, number> = {};
  const warnings: string[] = [];
  if (doc.errors.length === 0) {
    collectLines(doc.contents as Node | null, '', pointerLines, lineCounter);
    for (const w of doc.warnings) warnings.push(`${file}:${lineCounter.linePos(w.pos[0]).line}: ${firstLine(w.message)}`);
    warnings.push(...duplicateKeyWarnings(doc.contents as Node | null, file, lineCounter));
  }
  const value = json !== undefined ? json.value : doc.toJS({ maxAliasCount: -1 });
  return { value: value ?? null, pointerLines, warnings };
}

function tryJson(text: string): { value: unknown } | undefined {
  if (!/^\s*[[{]/.test(text)) return undefined;
  try {
    return { value: JSON.parse(text) };
  } catch {
    return undefined;
  }
}

function firstLine(msg: string): string {
  return msg.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
}

const escapePointer = (key: string) => key.replace(/~/g, '~0').replace(/\//g, '~1');

function collectLines(node: Node | null, base: string, out: Record<string, number>, lc: LineCounter): void {
  if (!node || isAlias(node)) return;
  if (isMap(node)) {
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const key = String(pair.key.value);
      if (key === '<<') continue;
      const ptr = `${base}/${escapePointer(key)}`;
      if (pair.key.range) out[ptr] = lc.linePos(pair.key.range[0]).line;
      collectLines(pair.value as Node | null, ptr, out, lc);
    }
  } else if (isSeq(node)) {
    node.items.forEach((item, i) => {
      const ptr = `${base}/${i}`;
      const n = item as Node | null;
      if (n && n.range) out[ptr] = lc.linePos(n.range[0]).line;
      collectLines(n, ptr, out, lc);
    });
  }
}

function duplicateKeyWarnings(node: Node | null, file: string, lc: LineCounter): string[] {
  if (!isMap(node)) return [];
  const seen = new Set<string>();
  const out: string[] = [];
  for (const pair of node.items) {
    if (!isScalar(pair.key)) continue;
    const key = String(pair.key.value);
    if (seen.has(key)) {
      const line = pair.key.range ? lc.linePos(pair.key.range[0]).line : '?';
      out.push(`${file}:${line}: duplicate key '${key}': the last one is used`);
    }
    seen.add(key);
  }
  return out;
}
