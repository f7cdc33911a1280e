// Ansible host patterns, as used by --limit (InventoryManager in ansible-core).
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExitCode, NoHostsMatchedError, UserError } from '../errors.js';
import { groupHosts } from './groups.js';

// Convenience: group membership is the other question callers ask alongside patterns.
export { hostsOfGroup } from './groups.js';
import { parseAddress } from './host-pattern.js';
import { getHost, LOCALHOST_NAMES } from './localhost.js';
import type { Inventory } from './types.js';

export interface MatchOptions {
  /** `@file` parts are read relative to this (default: process.cwd()). */
  cwd?: string;
  /** Receives "could not match" warnings (default: appended to inv.warnings). */
  onWarning?: (message: string) => void;
}

/**
 * The hosts a pattern selects, in inventory order, each once. Parts are split on `,` (or a
 * legacy `:`); unions first, then `&` intersections, then `!` exclusions; a pattern of only
 * `&`/`!` parts starts from `all`. `@file` reads one pattern per line.
 * @throws NoHostsMatchedError (exit 1) when nothing is left; UserError for an unreadable @file or bad regex.
 */
export function matchHosts(inv: Inventory, pattern: string | readonly string[], opts: MatchOptions = {}): string[] {
  const cwd = opts.cwd ?? process.cwd();
  const warn = opts.onWarning ?? ((m: string) => inv.warnings.push(m));
  const parts: string[] = [];
  for (const p of splitHostPattern(pattern)) {
    if (p.startsWith('@')) parts.push(...readLimitFile(resolve(cwd, p.slice(1)), p.slice(1)));
    else parts.push(p);
  }
  let hosts: string[] = [];
  for (const p of orderPatterns(parts)) {
    if (inv.hosts.has(p)) { hosts.push(p); continue; } // a plain host name wins over everything
    const that = matchOne(inv, p, warn);
    if (p[0] === '!') hosts = hosts.filter((h) => !that.includes(h));
    else if (p[0] === '&') hosts = hosts.filter((h) => that.includes(h));
    else hosts.push(...that);
  }
  const result = [...new Set(hosts)];
  if (result.length === 0) throw new NoHostsMatchedError(Array.isArray(pattern) ? pattern.join(',') : String(pattern));
  return result;
}

/** `a,b[1], c[2:3]` → parts; without commas a lone address stays whole, else `:` separates. */
export function splitHostPattern(pattern: string | readonly string[]): string[] {
  if (typeof pattern !== 'string') return pattern.flatMap((p) => splitHostPattern(p));
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (parseAddress(pattern)) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter(Boolean);
}

function orderPatterns(parts: string[]): string[] {
  const regular = parts.filter((p) => p[0] !== '!' && p[0] !== '&');
  const and = parts.filter((p) => p[0] === '&');
  const not = parts.filter((p) => p[0] === '!');
  return [...(regular.length ? regular : ['all']), ...and, ...not];
}

function readLimitFile(path: string, shown: string): string[] {
  let text: string;
  try {
    if (!statSync(path).isFile()) throw new UserError('a limit starting with "@" must be a file, not a directory', { file: shown });
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (e instanceof UserError) throw e;
    throw new UserError(`cannot read limit file: ${(e as NodeJS.ErrnoException).code}`, { file: shown });
  }
  return text.split('\n').map((l) => l.trim()).filter(Boolean);
}

const SUBSCRIPT_RE = /^(.+)\[(?:(-?[0-9]+)|([0-9]+)([:-])([0-9]*))\]$/;

/** One part without its `&`/`!`: groups (with descendants) and/or hosts, then an optional `[i]`/`[a:b]`. */
function matchOne(inv: Inventory, part: string, warn: (m: string) => void): string[] {
  let expr = part.replace(/^[&!]/, '');
  let subscript: [number, number | undefined] | undefined;
  const m = expr[0] === '~' ? null : SUBSCRIPT_RE.exec(expr);
  if (m) {
    expr = m[1]!;
    subscript = m[2] !== undefined ? [Number(m[2]), undefined] : [Number(m[3]), m[5] ? Number(m[5]) : -1];
  }
  const { hosts, groupMatched } = enumerateMatches(inv, expr);
  // as Ansible: a group that exists but is empty is no reason to warn
  if (hosts.length === 0 && !groupMatched) warn(`could not match supplied host pattern, ignoring: ${expr}`);
  if (!subscript || hosts.length === 0) return hosts;
  const [start, end] = subscript;
  if (end) return hosts.slice(start, (end === -1 ? hosts.length - 1 : end) + 1);
  const one = hosts.at(start);
  if (one === undefined) {
    throw new UserError(`no hosts matched the subscripted pattern '${part}'`, {}, ExitCode.error);
  }
  return [one];
}

function enumerateMatches(inv: Inventory, expr: string): { hosts: string[]; groupMatched: boolean } {
  const re = compilePattern(expr);
  const results: string[] = [];
  const groups = [...inv.groups.keys()].filter((g) => re.test(g));
  for (const g of groups) results.push(...groupHosts(inv, g).filter((h) => !inv.hosts.get(h)?.implicit));
  if (groups.length === 0 || expr[0] === '~' || /[.?*[]/.test(expr)) {
    for (const h of inv.hosts.keys()) if (re.test(h)) results.push(h);
  }
  if (results.length === 0 && LOCALHOST_NAMES.includes(expr) && getHost(inv, expr)) results.push(expr);
  return { hosts: [...new Set(results)], groupMatched: groups.length > 0 };
}

/** `~regex` (anchored at the start, as Python's re.match) or a shell glob (whole name). */
function compilePattern(expr: string): RegExp {
  try {
    if (expr[0] === '~') return new RegExp(`^(?:${expr.slice(1).replace(/\(\?P</g, '(?<')})`, 'u');
    return new RegExp(`^${globToRegex(expr)}$`, 'su');
  } catch {
    throw new UserError(`invalid host list pattern: ${expr}`, {}, ExitCode.error);
  }
}

/** Python's fnmatch.translate: `*`, `?`, `[seq]`, `[!seq]`; everything else literal. */
export function globToRegex(glob: string): string {
  let out = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '[') {
      let j = i + 1;
      if (glob[j] === '!') j++;
      if (glob[j] === ']') j++;
      while (j < glob.length && glob[j] !== ']') j++;
      if (j >= glob.length) { out += '\\['; continue; }
      let body = glob.slice(i + 1, j).replace(/\\/g, '\\\\');
      if (body[0] === '!') body = '^' + body.slice(1);
      else if (body[0] === '^') body = '\\' + body;
      out += `[${body.replace(/\[/g, '\\[').replace(/\]/g, '\\]')}]`;
      i = j;
    } else out += c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return out;
}
