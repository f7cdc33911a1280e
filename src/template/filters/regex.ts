// regex_replace as Ansible's: Python `re.sub(pattern, replacement, value, count)` with
// ignorecase/multiline flags. Python syntax is translated to JS: (?P<n>...) groups, (?P=n)
// back-references, \A \Z anchors, leading inline flags; in the replacement \1, \g<1>,
// \g<name> and the escapes \n \t \\ — and `$` is literal, as in Python.
import { pyArgs } from './args.js';
import { pyStr } from '../python.js';

function translatePattern(py: string): { source: string; flags: string } {
  let flags = '';
  let src = py;
  const inline = /^\(\?([aiLmsux]+)\)/.exec(src);
  if (inline) {
    for (const f of inline[1]!) {
      if (f === 'i' || f === 'm' || f === 's') flags += f;
      else if (f !== 'u' && f !== 'a' && f !== 'L') throw new Error(`regex_replace: inline flag (?${f}) is not supported`);
    }
    src = src.slice(inline[0].length);
  }
  let out = '';
  for (let i = 0; i < src.length; i++) {
    const ch = src[i]!;
    if (ch === '\\') {
      const next = src[i + 1] ?? '';
      if (next === 'A') out += '(?<![\\s\\S])';
      else if (next === 'Z') out += '(?![\\s\\S])';
      else out += ch + next;
      i++;
    } else if (src.startsWith('(?P<', i)) {
      out += '(?<';
      i += 3;
    } else if (src.startsWith('(?P=', i)) {
      const end = src.indexOf(')', i);
      out += `\\k<${src.slice(i + 4, end)}>`;
      i = end;
    } else {
      out += ch;
    }
  }
  return { source: out, flags };
}

type Part = string | { group: number | string };

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', f: '\f', v: '\v', a: '\x07', '\\': '\\' };

function parseReplacement(rep: string): Part[] {
  const parts: Part[] = [];
  let lit = '';
  for (let i = 0; i < rep.length; i++) {
    const ch = rep[i]!;
    if (ch !== '\\') {
      lit += ch;
      continue;
    }
    const rest = rep.slice(i + 1);
    let m: RegExpExecArray | null;
    if ((m = /^g<([^>]*)>/.exec(rest))) {
      parts.push(lit, { group: /^\d+$/.test(m[1]!) ? Number(m[1]) : m[1]! });
      lit = '';
      i += m[0].length;
    } else if ((m = /^\d{1,2}/.exec(rest))) {
      parts.push(lit, { group: Number(m[0]) });
      lit = '';
      i += m[0].length;
    } else if (rest[0] !== undefined && ESCAPES[rest[0]] !== undefined) {
      lit += ESCAPES[rest[0]];
      i += 1;
    } else if (rest[0] !== undefined && /[A-Za-z]/.test(rest[0])) {
      throw new Error(`regex_replace: bad escape \\${rest[0]} in the replacement`);
    } else {
      lit += '\\'; // Python keeps a backslash before other characters
    }
  }
  parts.push(lit);
  return parts.filter((p) => p !== '');
}

/** The pattern as a JS RegExp, with Python's ignorecase/multiline arguments and `extra` flags. */
function pyRegExp(a: Record<string, unknown>, extra: string): RegExp {
  const { source, flags } = translatePattern(String(a.pattern));
  // No 'u' flag: Python accepts escapes like \- that unicode-mode JS rejects.
  let f = flags + extra;
  if (a.ignorecase && !f.includes('i')) f += 'i';
  if (a.multiline && !f.includes('m')) f += 'm';
  return new RegExp(source, f);
}

export function regexReplace(value: unknown, ...args: unknown[]): string {
  const a = pyArgs(args, ['pattern', 'replacement', 'ignorecase', 'multiline', 'count', 'mandatory_count'], {
    pattern: '',
    replacement: '',
    ignorecase: false,
    multiline: false,
    count: 0,
    mandatory_count: 0,
  });
  const text = typeof value === 'string' ? value : pyStr(value);
  const re = pyRegExp(a, 'g');
  const parts = parseReplacement(String(a.replacement));
  const limit = Number(a.count) || Infinity;
  let out = '';
  let last = 0;
  let n = 0;
  for (const m of text.matchAll(re)) {
    if (n >= limit) break;
    out += text.slice(last, m.index);
    for (const p of parts) {
      if (typeof p === 'string') out += p;
      else {
        const g = typeof p.group === 'number' ? m[p.group] : m.groups?.[p.group];
        if (typeof p.group === 'number' && p.group >= m.length) throw new Error(`regex_replace: invalid group reference ${p.group}`);
        out += g ?? '';
      }
    }
    last = m.index! + m[0].length;
    n++;
  }
  const mandatory = Number(a.mandatory_count) || 0;
  if (mandatory && n < mandatory) {
    throw new Error(`regex_replace: ${n} substitutions made, ${mandatory} required`);
  }
  return out + text.slice(last);
}

/** Ansible's `regex` test: Python's re.search (or re.match: anchored at the start) over the text. */
function regexTest(value: unknown, a: Record<string, unknown>): boolean {
  const text = typeof value === 'string' ? value : pyStr(value);
  // re.match: the sticky flag anchors the match at the start, as Python's does.
  return pyRegExp(a, a.match_type === 'match' ? 'y' : '').test(text);
}

const TEST_DEFAULTS = { pattern: '', ignorecase: false, multiline: false, match_type: 'search' };
const testOf =
  (matchType?: 'match' | 'search') =>
  (value: unknown, ...args: unknown[]): boolean => {
    const names = matchType ? ['pattern', 'ignorecase', 'multiline'] : ['pattern', 'ignorecase', 'multiline', 'match_type'];
    const a = pyArgs(args, names, TEST_DEFAULTS);
    return regexTest(value, matchType ? { ...a, match_type: matchType } : a);
  };

/** The tests `regex`, `match` and `search`, as Ansible's (ansible.builtin). */
export const regexTests = { regex: testOf(), match: testOf('match'), search: testOf('search') };
