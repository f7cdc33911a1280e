// YAML as Ansible reads it (PyYAML, YAML 1.1: yes/no booleans, 0644 octal), with line numbers
// for every key so errors can point at the exact place. JSON is tried first, as Ansible's loader does.
import { isAlias, isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type DocumentOptions, type Node, type ParseOptions, type ScalarTag, type SchemaOptions } from 'yaml';
import { UserError } from '../errors.js';
import { PyFloat, UnsafeText, VaultValue } from './py-values.js';

export interface ParsedYaml {
  /** The document as plain JS (null for an empty document). */
  value: unknown;
  /** JSON pointer (`/a/0/b`) → 1-based line, for every key and sequence item. */
  pointerLines: Record<string, number>;
  warnings: string[];
}

// Never templated, as Ansible's !unsafe (a plain string again once read).
const unsafeTag: ScalarTag = { tag: '!unsafe', resolve: (s: string) => new UnsafeText(s) };
// Kept encrypted until read (see src/vault): a run decrypts only the values it uses.
const vaultTag = (file: string): ScalarTag => ({
  tag: '!vault',
  resolve: (s: string) => new VaultValue(s, file),
});

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
// An integral float keeps its type (`1.0` prints as 1.0 in templates, as in Python).
function pyFloat(s: string): number | PyFloat {
  const n = parseFloat(s.replace(/_/g, ''));
  return Number.isInteger(n) ? new PyFloat(n) : n;
}
// PyYAML's decimal int has no leading zero: `08` and `09` are strings (not valid octal).
const pyDecimalInt: ScalarTag = {
  tag: 'tag:yaml.org,2002:int',
  default: true,
  identify: (v: unknown) => typeof v === 'number' && Number.isInteger(v),
  test: /^[-+]?(?:0|[1-9][0-9_]*)$/,
  resolve: (s: string) => parseInt(s.replace(/_/g, ''), 10),
};
const pyExpFloat: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  identify: () => false,
  test: /^[-+]?(?:[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)[eE][-+][0-9]+$/,
  resolve: (s: string) => pyFloat(s),
};
const pyBareFloat: ScalarTag = {
  tag: 'tag:yaml.org,2002:float',
  default: true,
  // Dumping (to_yaml): an integral float is written as PyYAML does, `1.0`.
  identify: (v: unknown) => v instanceof PyFloat,
  stringify: ({ value }) => String(value),
  test: /^(?:[-+]?[0-9][0-9_]*\.[0-9_]*|\.[0-9][0-9_]*)$/,
  resolve: (s: string) => pyFloat(s),
};

function pyyamlTags(tags: SchemaOptions['customTags'] & unknown[], file: string): ScalarTag[] {
  const dropped = (t: { tag?: string; test?: RegExp }) =>
    t.tag === 'tag:yaml.org,2002:bool' ||
    (t.tag === 'tag:yaml.org,2002:int' && t.test?.test('08') === true) ||
    t.tag === 'tag:yaml.org,2002:timestamp' ||
    (t.tag === 'tag:yaml.org,2002:float' && (t.test?.test('1e5') || t.test?.test('.')));
  return [
    pyTrue, pyFalse, pyDecimalInt, pyExpFloat, pyBareFloat,
    ...(tags as ScalarTag[]).filter((t) => !dropped(t)),
    unsafeTag, vaultTag(file),
  ];
}

/** PyYAML's reading of one file (`!vault` values remember which). */
export function yaml11Options(file: string): ParseOptions & DocumentOptions & SchemaOptions {
  return {
    version: '1.1',
    merge: true,
    uniqueKeys: false, // PyYAML keeps the last of duplicate keys (Ansible warns)
    customTags: (tags) => pyyamlTags(tags as never, file),
  };
}

/** Parses YAML/JSON text; a syntax error becomes a UserError naming `file` and the line. */
export function parseYaml11(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...yaml11Options(file), lineCounter, prettyErrors: false });
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
