// Python's ast.literal_eval, as Ansible's INI inventory applies it to every value:
// success gives int/float/bool/None/str/list/tuple/dict/set, failure keeps the raw text.
// So `22` → 22, `False` → false, `0x1F` → 31, `'22'` → "22", but `yes`, `true`, `010`, `1.2.3.4` stay strings.
import { PyFloat } from '../util/py-values.js';

/** Returned by the parser when Python would raise ValueError/SyntaxError. */
class NotALiteral extends Error {}

type Tok =
  | { kind: 'num'; value: number; float?: boolean }
  | { kind: 'str'; value: string; bytes: boolean }
  | { kind: 'name'; value: string }
  | { kind: 'op'; value: string };

const DIGITS = String.raw`\d(?:_?\d)*`;
const EXP = String.raw`[eE][+-]?${DIGITS}`;
const FLOAT_RE = new RegExp(
  String.raw`^(?:(?:${DIGITS})?\.${DIGITS}(?:${EXP})?|${DIGITS}\.(?:${EXP})?|${DIGITS}${EXP})`,
);
const INT_RE = new RegExp(`^${DIGITS}`);
const RADIX_RE = /^0(?:[xX](?:_?[0-9a-fA-F])+|[oO](?:_?[0-7])+|[bB](?:_?[01])+)/;
const NAME_RE = /^[A-Za-z_\u0080-\uffff][A-Za-z0-9_\u0080-\uffff]*/;
const STRING_PREFIX_RE = /^(?:[rR][bB]?|[bB][rR]?|[uU])?(?='|")/;
const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};

function tokenize(src: string): Tok[] {
  const toks: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === ' ' || c === '\t' || c === '\f' || c === '\n' || c === '\r') { i++; continue; }
    if (c === '#') break; // a Python comment: the rest of the line is ignored
    const rest = src.slice(i);
    const prefix = STRING_PREFIX_RE.exec(rest);
    if (prefix) {
      const { value, bytes, end } = readString(src, i + prefix[0].length, prefix[0].toLowerCase());
      toks.push({ kind: 'str', value, bytes });
      i = end;
      continue;
    }
    if (/[0-9.]/.test(c) && /^\.?\d/.test(rest)) {
      i += readNumber(rest, toks);
      continue;
    }
    const name = NAME_RE.exec(rest);
    if (name) { toks.push({ kind: 'name', value: name[0] }); i += name[0].length; continue; }
    if ('()[]{},:+-'.includes(c)) { toks.push({ kind: 'op', value: c }); i++; continue; }
    throw new NotALiteral(); // any other operator or character: not a literal
  }
  return toks;
}

/** A Python float that is integral keeps its type (`1.0` prints as 1.0), see util/py-values. */
const num = (value: number, float?: boolean): number | PyFloat => (float && Number.isInteger(value) ? new PyFloat(value) : value);

/** Reads one number token; returns the characters consumed. */
function readNumber(rest: string, toks: Tok[]): number {
  let m = RADIX_RE.exec(rest);
  let value: number;
  let isFloat = false;
  if (m) {
    const digits = m[0].slice(2).replace(/_/g, '');
    const radix = { x: 16, o: 8, b: 2 }[m[0][1]!.toLowerCase() as 'x' | 'o' | 'b'];
    value = parseInt(digits, radix);
  } else if ((m = FLOAT_RE.exec(rest))) {
    value = Number(m[0].replace(/_/g, ''));
    isFloat = true;
  } else if ((m = INT_RE.exec(rest))) {
    const digits = m[0].replace(/_/g, '');
    // Python 3: "leading zeros in decimal integer literals are not permitted" (`00` is fine).
    if (/^0+[1-9]/.test(digits)) throw new NotALiteral();
    value = Number(digits);
    // Python ints are exact; rather than round a long number (an ID...), keep the text.
    if (!Number.isSafeInteger(value)) throw new NotALiteral();
  } else {
    throw new NotALiteral();
  }
  const after = rest[m[0].length];
  // `1j` is complex (which we cannot represent), `1abc`/`1_` are syntax errors.
  if (after !== undefined && /[A-Za-z0-9_]/.test(after)) throw new NotALiteral();
  toks.push({ kind: 'num', value, float: isFloat });
  return m[0].length;
}

function readString(src: string, start: number, prefix: string): { value: string; bytes: boolean; end: number } {
  const raw = prefix.includes('r');
  const bytes = prefix.includes('b');
  const q = src[start]!;
  const triple = src.startsWith(q.repeat(3), start);
  const close = triple ? q.repeat(3) : q;
  let i = start + close.length;
  let out = '';
  while (true) {
    if (i >= src.length) throw new NotALiteral(); // unterminated string
    if (src.startsWith(close, i)) return { value: out, bytes, end: i + close.length };
    const c = src[i]!;
    if (!triple && c === '\n') throw new NotALiteral();
    if (c !== '\\') { out += c; i++; continue; }
    const n = src[i + 1];
    if (n === undefined) throw new NotALiteral();
    if (raw) { out += c + n; i += 2; continue; } // raw: the backslash stays, the quote does not end the string
    i += 2;
    if (n === '\n') continue;
    if (n in SIMPLE_ESCAPES) { out += SIMPLE_ESCAPES[n]; continue; }
    if (/[0-7]/.test(n)) {
      const oct = /^[0-7]{1,3}/.exec(src.slice(i - 1))![0];
      out += String.fromCharCode(parseInt(oct, 8));
      i += oct.length - 1;
      continue;
    }
    const hexLen = n === 'x' ? 2 : !bytes && n === 'u' ? 4 : !bytes && n === 'U' ? 8 : 0;
    if (hexLen) {
      const hex = src.slice(i, i + hexLen);
      if (!new RegExp(`^[0-9a-fA-F]{${hexLen}}$`).test(hex)) throw new NotALiteral();
      const cp = parseInt(hex, 16);
      if (cp > 0x10ffff) throw new NotALiteral();
      out += String.fromCodePoint(cp);
      i += hexLen;
      continue;
    }
    if (!bytes && n === 'N') throw new NotALiteral(); // \N{name}: no Unicode name table here
    out += '\\' + n; // unknown escapes keep their backslash
  }
}

class Parser {
  private pos = 0;
  constructor(private readonly toks: Tok[]) {}

  /** The whole input: one expression, or a bare tuple `1, 2`. */
  parseAll(): unknown {
    if (this.toks.length === 0) throw new NotALiteral();
    const first = this.expr();
    let result: unknown = first;
    if (this.isOp(',')) {
      const items = [first];
      while (this.eatOp(',')) {
        if (this.pos >= this.toks.length) break;
        items.push(this.expr());
      }
      result = items;
    }
    if (this.pos !== this.toks.length) throw new NotALiteral();
    return result;
  }

  private peek(): Tok | undefined { return this.toks[this.pos]; }
  private isOp(v: string): boolean { const t = this.peek(); return t?.kind === 'op' && t.value === v; }
  private eatOp(v: string): boolean { if (this.isOp(v)) { this.pos++; return true; } return false; }
  private expectOp(v: string): void { if (!this.eatOp(v)) throw new NotALiteral(); }

  private expr(): unknown {
    // literal_eval allows one sign directly on a number (and complex sums, which we cannot represent).
    if (this.isOp('-') || this.isOp('+')) {
      const neg = (this.toks[this.pos++] as { value: string }).value === '-';
      const t = this.peek();
      if (t?.kind !== 'num') throw new NotALiteral();
      this.pos++;
      this.rejectComplexSum();
      return num(neg ? -t.value : t.value, t.float);
    }
    const value = this.atom();
    if (typeof value === 'number' || value instanceof PyFloat) this.rejectComplexSum();
    return value;
  }

  private rejectComplexSum(): void {
    if (this.isOp('+') || this.isOp('-')) throw new NotALiteral();
  }

  private atom(): unknown {
    const t = this.toks[this.pos++];
    if (!t) throw new NotALiteral();
    switch (t.kind) {
      case 'num':
        return num(t.value, t.float);
      case 'str': {
        let s = t.value;
        // adjacent literals concatenate ('a' 'b' → 'ab'); str and bytes do not mix
        for (let n = this.peek(); n?.kind === 'str'; n = this.peek()) {
          if (n.bytes !== t.bytes) throw new NotALiteral();
          s += n.value;
          this.pos++;
        }
        return s;
      }
      case 'name':
        if (t.value === 'True') return true;
        if (t.value === 'False') return false;
        if (t.value === 'None') return null;
        if (t.value === 'set' && this.eatOp('(')) { this.expectOp(')'); return []; }
        throw new NotALiteral();
      case 'op':
        if (t.value === '[') return this.sequence(']');
        if (t.value === '(') return this.paren();
        if (t.value === '{') return this.braces();
        throw new NotALiteral();
    }
  }

  private sequence(close: string): unknown[] {
    const items: unknown[] = [];
    while (!this.eatOp(close)) {
      items.push(this.expr());
      if (!this.eatOp(',')) { this.expectOp(close); break; }
    }
    return items;
  }

  /** `()` empty tuple, `(x)` just x, `(x,)` / `(x, y)` tuple (a list for us). */
  private paren(): unknown {
    if (this.eatOp(')')) return [];
    const first = this.expr();
    if (this.eatOp(')')) return first;
    this.expectOp(',');
    return [first, ...this.sequence(')')];
  }

  /** `{}` dict, `{k: v, ...}` dict, `{a, b}` set (a list for us). */
  private braces(): unknown {
    if (this.eatOp('}')) return {};
    const first = this.expr();
    if (!this.eatOp(':')) {
      if (this.eatOp('}')) return [first];
      this.expectOp(',');
      return [first, ...this.sequence('}')];
    }
    const dict: Record<string, unknown> = {};
    let key = first;
    while (true) {
      if (typeof key === 'object' && key !== null) throw new NotALiteral(); // unhashable key
      dict[pythonKey(key)] = this.expr();
      if (!this.eatOp(',') || this.isOp('}')) { this.expectOp('}'); return dict; }
      key = this.expr();
      this.expectOp(':');
    }
  }
}

function pythonKey(key: unknown): string {
  if (key === true) return 'True';
  if (key === false) return 'False';
  if (key === null) return 'None';
  return String(key);
}

/**
 * Types one INI value as Ansible does (`ast.literal_eval`, falling back to the text itself).
 * Leading spaces and tabs are ignored, as literal_eval does.
 */
export function parsePythonLiteral(text: string): unknown {
  try {
    return new Parser(tokenize(text.replace(/^[ \t]+/, ''))).parseAll();
  } catch (e) {
    if (e instanceof NotALiteral) return text;
    throw e;
  }
}
