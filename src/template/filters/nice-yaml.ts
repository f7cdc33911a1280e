// to_nice_yaml laid out as PyYAML's block style does: keys sorted, mappings indented by
// `indent`, a sequence under a key not indented, a mapping or sequence inside a sequence item
// starting `indent` columns after its dash (`-   x: 1`), multi-line strings single-quoted with
// blank lines for line breaks. Scalars are quoted by the YAML 1.1 dumper (yaml.ts).

type Scalar = (value: unknown) => string;

const isDict = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v) && Object.getPrototypeOf(v) === Object.prototype;
const nonEmpty = (v: unknown): boolean => (Array.isArray(v) ? v.length > 0 : isDict(v) && Object.keys(v).length > 0);

/** `text` indented by `n` columns (blank lines stay empty, as PyYAML writes them). */
const shift = (lines: string[], n: number): string[] => lines.map((l) => (l === '' ? l : ' '.repeat(n) + l));

function quotedLines(s: string, step: number): string[] {
  const [first, ...rest] = s.replace(/'/g, "''").split('\n');
  return [`'${first}`, ...rest.flatMap((l) => ['', ' '.repeat(step) + l]).map((l, i, all) => (i === all.length - 1 ? `${l}'` : l))];
}

function scalarLines(value: unknown, step: number, scalar: Scalar): string[] {
  if (typeof value === 'string' && value.includes('\n')) return quotedLines(value, step);
  if (Array.isArray(value)) return ['[]'];
  if (isDict(value)) return ['{}'];
  return [scalar(value)];
}

function block(value: unknown, step: number, scalar: Scalar): string[] {
  if (Array.isArray(value)) return value.flatMap((item) => seqItem(item, step, scalar));
  const dict = value as Record<string, unknown>;
  return Object.keys(dict).sort().flatMap((k) => mapEntry(k, dict[k], step, scalar));
}

function mapEntry(key: string, value: unknown, step: number, scalar: Scalar): string[] {
  const k = scalar(key);
  if (isDict(value) && nonEmpty(value)) return [`${k}:`, ...shift(block(value, step, scalar), step)];
  if (Array.isArray(value) && nonEmpty(value)) return [`${k}:`, ...block(value, step, scalar)];
  const [first, ...rest] = scalarLines(value, step, scalar);
  return [`${k}: ${first}`, ...rest];
}

function seqItem(value: unknown, step: number, scalar: Scalar): string[] {
  const [first, ...rest] = nonEmpty(value) ? block(value, step, scalar) : scalarLines(value, step, scalar);
  const pad = nonEmpty(value) ? step - 1 : 1;
  return [`-${' '.repeat(Math.max(1, pad))}${first}`, ...shift(rest, nonEmpty(value) ? Math.max(2, step) : 2)];
}

/** The document, or undefined for a scalar or empty collection (left to the plain dumper). */
export function niceYaml(value: unknown, step: number, scalar: Scalar): string | undefined {
  if (!nonEmpty(value)) return undefined;
  return block(value, step, scalar).join('\n') + '\n';
}
