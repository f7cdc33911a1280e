// One inventory host entry (`db[01:03].x.com:2222`) → host names and an optional port,
// after Ansible's parse_address() and expand_hostname_range().

export class HostPatternError extends Error {}

const ALNUM_RANGE = String.raw`\[(?:[a-z]:[a-z]|[0-9]+:[0-9]+)(?::[0-9]+)?\]`;
const NUM_RANGE = String.raw`\[[0-9]+:[0-9]+(?::[0-9]+)?\]`;
const WORD = String.raw`[\p{L}\p{N}_]`;
const LABEL = String.raw`(?:${WORD}|${ALNUM_RANGE})(?:${WORD}|-|${ALNUM_RANGE})*(?<![_-])`;
const HOSTNAME_RE = new RegExp(String.raw`^${LABEL}(?:\.${LABEL})*$`, 'iu');
const IPV4_PART = String.raw`(?:[01]?[0-9]{1,2}|2[0-4][0-9]|25[0-5]|${NUM_RANGE})`;
const IPV4_RE = new RegExp(String.raw`^(?:${IPV4_PART}\.){3}${IPV4_PART}$`);
// Loose on purpose: hex groups (or ranges) with at least two colons, optional dotted-quad tail.
const IPV6_RE = /^(?=(?:[^:]*:){2})(?:[0-9a-f]{1,4}|\[[0-9a-f]+:[0-9a-f]+(?::[0-9]+)?\]|:)+(?:\d+\.\d+\.\d+\.\d+)?$/i;
const BRACKETED_HOSTPORT_RE = /^\[(.+)\]:([0-9]+)$/;
const HOSTPORT_RE = /^((?:[^:[\]]|\[[^\]]*\])*):([0-9]+)$/;

/** Ansible's parse_address(allow_ranges=True): split `:port`, validate the rest; undefined if not an address. */
export function parseAddress(address: string): { host: string; port?: number } | undefined {
  let host = address;
  let port: number | undefined;
  for (const re of [BRACKETED_HOSTPORT_RE, HOSTPORT_RE]) {
    const m = re.exec(host);
    if (m) { host = m[1]!; port = Number(m[2]); }
  }
  if (!(IPV4_RE.test(host) || IPV6_RE.test(host) || HOSTNAME_RE.test(host))) return undefined;
  return { host, port };
}

/**
 * Expands an inventory host entry. A valid address may carry `:port`; anything else is taken
 * as a name verbatim (ranges are still expanded), as Ansible does.
 */
export function expandHostPattern(pattern: string): { names: string[]; port?: number } {
  const parsed = parseAddress(pattern);
  const base = parsed?.host ?? pattern;
  const port = parsed?.port;
  if (pattern.trim().endsWith(':') && port === undefined) {
    throw new HostPatternError(`invalid host pattern '${pattern}': a trailing ':' is reserved for a port`);
  }
  const names = base.includes('[') ? expandHostnameRange(base) : [base];
  if (names.some((n) => n.trim() === '---')) {
    throw new HostPatternError(`invalid host pattern '${pattern}': '---' is normally a sign this is a YAML file`);
  }
  return { names, port };
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** `db[01:10:2]-[a:c]` → every combination; the first bracket is expanded, then the rest recursively. */
export function expandHostnameRange(line: string): string[] {
  const open = line.indexOf('[');
  const close = line.indexOf(']', open);
  if (open < 0 || close < 0 || line.indexOf('[', open + 1) !== -1 && line.indexOf('[', open + 1) < close) {
    throw new HostPatternError(`invalid host range in '${line}': unbalanced brackets`);
  }
  const head = line.slice(0, open);
  const tail = line.slice(close + 1);
  const bounds = line.slice(open + 1, close).split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new HostPatternError(`invalid host range in '${line}': must be begin:end or begin:end:step`);
  }
  const beg = bounds[0] || '0';
  const end = bounds[1]!;
  const stepText = bounds[2] ?? '1';
  if (!end) throw new HostPatternError(`invalid host range in '${line}': no end value`);
  if (!/^\d+$/.test(stepText) || Number(stepText) === 0) {
    throw new HostPatternError(`invalid host range in '${line}': step must be a positive integer`);
  }
  const step = Number(stepText);
  let fill = (x: string | number): string => String(x);
  if (beg[0] === '0' && beg.length > 1) {
    if (beg.length !== end.length) {
      throw new HostPatternError(`invalid host range in '${line}': begin and end must have the same width`);
    }
    fill = (x) => String(x).padStart(beg.length, '0');
  }
  const seq: (string | number)[] = [];
  const iBeg = beg.length === 1 ? LETTERS.indexOf(beg) : -1;
  const iEnd = end.length === 1 ? LETTERS.indexOf(end) : -1;
  if (iBeg >= 0 && iEnd >= 0) {
    if (iBeg > iEnd) throw new HostPatternError(`invalid host range in '${line}': begin must be <= end`);
    for (let i = iBeg; i <= iEnd; i += step) seq.push(LETTERS[i]!);
  } else {
    if (!/^-?\d+$/.test(beg) || !/^-?\d+$/.test(end)) {
      throw new HostPatternError(`invalid host range in '${line}': bounds must be numbers or single letters`);
    }
    // A reversed numeric range silently yields nothing, as Python's range().
    for (let i = Number(beg); i <= Number(end); i += step) seq.push(i);
  }
  const out: string[] = [];
  for (const x of seq) {
    const name = head + fill(x) + tail;
    out.push(...(name.includes('[') ? expandHostnameRange(name) : [name]));
  }
  return out;
}
