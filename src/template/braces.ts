// Jinja's lexer counts braces, so `{{ {'a': {'b': 1}} | to_json }}` ends at the last `}}`;
// nunjucks' ends the expression at the first `}}`. We wrap its tokenizer: inside an open dict
// literal, `}}` is read as a single `}`.
import { nunjucksLexer } from './nunjucks-internals.js';

interface Token {
  type: string;
  value: unknown;
  lineno: number;
  colno: number;
}
interface Tokenizer {
  in_code: boolean;
  lineno: number;
  colno: number;
  nextToken(): Token | null;
  currentStr(): string;
  forward(): void;
}
interface LexerModule {
  lex(src: string, opts: unknown): Tokenizer;
  TOKEN_LEFT_CURLY: string;
  TOKEN_RIGHT_CURLY: string;
}

// Marked on the lexer itself: this module may be instantiated more than once, the lexer never is.
const INSTALLED = Symbol.for('stagesync.braceCounting');
const lexer = nunjucksLexer as LexerModule & { [INSTALLED]?: true };

export function installBraceCounting(): void {
  if (lexer[INSTALLED]) return;
  lexer[INSTALLED] = true;
  const lex = lexer.lex;
  lexer.lex = (src, opts) => {
    const t = lex(src, opts);
    const next = t.nextToken.bind(t);
    let depth = 0;
    t.nextToken = () => {
      if (t.in_code && depth > 0 && t.currentStr().startsWith('}}')) {
        const tok = { type: lexer.TOKEN_RIGHT_CURLY, value: '}', lineno: t.lineno, colno: t.colno };
        t.forward();
        depth--;
        return tok;
      }
      const tok = next();
      if (tok?.type === lexer.TOKEN_LEFT_CURLY) depth++;
      else if (tok?.type === lexer.TOKEN_RIGHT_CURLY) depth = Math.max(0, depth - 1);
      else if (!t.in_code) depth = 0;
      return tok;
    };
    return t;
  };
}
