// Python's shlex.split(line, comments=True) in POSIX mode, as Ansible splits INI host lines:
// quotes group words and are removed, a backslash escapes, `#` outside quotes ends the line.

export class ShlexError extends Error {}

export function shlexSplit(line: string, opts: { comments?: boolean } = {}): string[] {
  const tokens: string[] = [];
  let token = '';
  let inWord = false; // true once a token has started, even if it is only `''`
  let i = 0;
  const emit = () => {
    if (inWord) tokens.push(token);
    token = '';
    inWord = false;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (/\s/.test(c)) { emit(); i++; continue; }
    if (c === '#' && opts.comments) break; // also mid-word: `a#b` → `a`
    inWord = true;
    if (c === '\\') {
      if (i + 1 >= line.length) throw new ShlexError('No escaped character');
      token += line[i + 1];
      i += 2;
      continue;
    }
    if (c === "'" || c === '"') {
      const end = closingQuote(line, i);
      const body = line.slice(i + 1, end);
      // inside double quotes a backslash escapes only `"` and `\`
      token += c === '"' ? body.replace(/\\(["\\])/g, '$1') : body;
      i = end + 1;
      continue;
    }
    token += c;
    i++;
  }
  emit();
  return tokens;
}

function closingQuote(line: string, open: number): number {
  const q = line[open];
  for (let i = open + 1; i < line.length; i++) {
    if (q === '"' && line[i] === '\\') { i++; continue; }
    if (line[i] === q) return i;
  }
  throw new ShlexError('No closing quotation');
}
