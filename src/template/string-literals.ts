// String literals in templates read as Jinja2 reads them (Python's unicode-escape codec): `\n`,
// `\t`, `\x41`, `\u00e9`, octal… are escapes, and an unknown escape keeps its backslash, so
// `regex_replace('\d+', '')` sees the pattern `\d+`. nunjucks drops the backslash of any escape it
// does not know (`'\d+'` became `d+`), which silently changed every such regex.
import { nunjucksLexer } from './nunjucks-internals.js';

interface Tokenizer {
  str: string;
  index: number;
  forward(): void;
  current(): string;
  isFinished(): boolean;
}

const INSTALLED = Symbol.for('stagesync.pythonStrings');
const lexer = nunjucksLexer as { lex(src: string, opts: unknown): Tokenizer; [INSTALLED]?: true };

const SIMPLE: Record<string, string> = { '\\': '\\', "'": "'", '"': '"', n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };
const HEX_DIGITS: Record<string, number> = { x: 2, u: 4, U: 8 };

/** The text an escape `\<rest…>` stands for, and how many characters after the backslash it used. */
function pythonEscape(rest: string): { text: string; used: number } {
  const c = rest[0] ?? '';
  if (c in SIMPLE) return { text: SIMPLE[c]!, used: 1 };
  const octal = /^[0-7]{1,3}/.exec(rest);
  if (octal) return { text: String.fromCodePoint(parseInt(octal[0], 8)), used: octal[0].length };
  const digits = HEX_DIGITS[c];
  if (digits) {
    const hex = rest.slice(1, 1 + digits);
    if (!new RegExp(`^[0-9a-fA-F]{${digits}}$`).test(hex)) throw new Error(`truncated \\${c}${'X'.repeat(digits)} escape in a string literal`);
    return { text: String.fromCodePoint(parseInt(hex, 16)), used: 1 + digits };
  }
  return { text: `\\${c}`, used: 1 };
}

export function installPythonStringLiterals(): void {
  if (lexer[INSTALLED]) return;
  lexer[INSTALLED] = true;
  const proto = Object.getPrototypeOf(lexer.lex('', {})) as Tokenizer & { _parseString(delimiter: string): string };
  proto._parseString = function (this: Tokenizer, delimiter: string): string {
    this.forward();
    let str = '';
    while (!this.isFinished() && this.current() !== delimiter) {
      if (this.current() !== '\\') {
        str += this.current();
        this.forward();
        continue;
      }
      // forward() keeps the line and column counts: it moves over what the escape used.
      this.forward();
      const { text, used } = pythonEscape(this.str.slice(this.index, this.index + 9));
      str += text;
      for (let i = 0; i < used; i++) this.forward();
    }
    this.forward();
    return str;
  };
}
