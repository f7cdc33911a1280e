// INI inventory with the semantics of Ansible's ini plugin (ansible.plugins.inventory.ini).
import { UserError } from '../errors.js';
import { InventoryBuilder, type Where } from './builder.js';
import { expandHostPattern, HostPatternError } from './host-pattern.js';
import { parsePythonLiteral } from './python-literal.js';
import { shlexSplit, ShlexError } from './shlex.js';

// `[name]` or `[name:tag]`, then optional whitespace and `# comment`.
const SECTION_RE = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const GROUP_NAME_RE = /^([^:\]\s]+)\s*(?:#.*)?$/;

type State = 'hosts' | 'vars' | 'children';
interface Pending {
  line: number;
  state: 'vars' | 'children';
  parents: string[];
}

/**
 * Parses INI inventory text into `builder`. `file` is the display path used in errors and origins.
 * Throws UserError with file and line on the first problem.
 */
export function parseIniInventory(text: string, file: string, builder: InventoryBuilder): void {
  let group = 'ungrouped';
  let state: State = 'hosts';
  // Groups named before they are declared: `[g:vars]` or a `[p:children]` entry.
  const pending = new Map<string, Pending>();
  const lines = text.split(/\r?\n/);

  lines.forEach((rawLine, index) => {
    const where: Where = { file, line: index + 1 };
    const line = rawLine.trim();
    if (!line || line[0] === '#' || line[0] === ';') return;

    const section = SECTION_RE.exec(line);
    if (section) {
      group = section[1]!;
      const tag = section[2] ?? 'hosts';
      if (tag !== 'hosts' && tag !== 'vars' && tag !== 'children') {
        throw new UserError(`section [${group}:${tag}] has unknown type: ${tag}`, where);
      }
      state = tag;
      if (!builder.hasGroup(group)) {
        // [g] or [g:children] declares a group; [g:vars] only if g is declared somewhere.
        if (state === 'vars' && !pending.has(group)) pending.set(group, { line: where.line!, state, parents: [] });
        builder.addGroup(group);
      }
      const waiting = pending.get(group);
      if (waiting && state !== 'vars') {
        if (waiting.state === 'children') addPendingChildren(group, pending, builder, where);
        else pending.delete(group);
      }
      return;
    }
    if (line.startsWith('[') && line.endsWith(']')) {
      throw new UserError(`invalid section entry '${line}': no spaces or other characters are allowed in a section header`, where);
    }

    if (state === 'hosts') parseHostLine(line, group, where, builder);
    else if (state === 'vars') parseVarLine(line, group, where, builder);
    else {
      const m = GROUP_NAME_RE.exec(line);
      if (!m) throw new UserError(`expected a group name, got: ${line}`, where);
      const child = m[1]!;
      if (builder.hasGroup(child)) {
        builder.addChild(group, child, where);
      } else {
        const p = pending.get(child);
        if (p) p.parents.push(group);
        else pending.set(child, { line: where.line!, state: 'children', parents: [group] });
      }
    }
  });

  for (const [name, p] of pending) {
    const where = { file, line: p.line };
    if (p.state === 'vars') throw new UserError(`section [${name}:vars] is for an undefined group: ${name}`, where);
    throw new UserError(`section [${p.parents.at(-1)}:children] includes an undefined group: ${name}`, where);
  }
}

function addPendingChildren(group: string, pending: Map<string, Pending>, builder: InventoryBuilder, where: Where): void {
  for (const parent of pending.get(group)!.parents) {
    builder.addChild(parent, group, where);
    const up = pending.get(parent);
    if (up && up.state === 'children') addPendingChildren(parent, pending, builder, where);
  }
  pending.delete(group);
}

/** `host[01:03]:2222 k=v k2="a b"  # comment` */
function parseHostLine(line: string, group: string, where: Where, builder: InventoryBuilder): void {
  let tokens: string[];
  try {
    tokens = shlexSplit(line, { comments: true });
  } catch (e) {
    if (e instanceof ShlexError) throw new UserError(`cannot parse host line '${line}': ${e.message}`, where);
    throw e;
  }
  if (tokens.length === 0) return; // only a comment after leading characters shlex dropped
  let expanded;
  try {
    expanded = expandHostPattern(tokens[0]!);
  } catch (e) {
    if (e instanceof HostPatternError) throw new UserError(e.message, where);
    throw e;
  }
  const vars: [string, unknown][] = [];
  for (const t of tokens.slice(1)) {
    const eq = t.indexOf('=');
    if (eq < 0) throw new UserError(`expected key=value host variable, got: ${t}`, where);
    vars.push([t.slice(0, eq), parsePythonLiteral(t.slice(eq + 1))]);
  }
  for (const name of expanded.names) {
    builder.addHost(name, where, group, expanded.port);
    for (const [k, v] of vars) builder.setHostVar(name, k, v, { file: where.file, line: where.line });
  }
}

/** `key=value` where the value is everything after the first `=`, trailing `# ...` included. */
function parseVarLine(line: string, group: string, where: Where, builder: InventoryBuilder): void {
  const eq = line.indexOf('=');
  if (eq < 0) throw new UserError(`expected key=value, got: ${line}`, where);
  const key = line.slice(0, eq).trim();
  if (!key) throw new UserError(`empty variable name in: ${line}`, where);
  builder.setGroupVar(group, key, parsePythonLiteral(line.slice(eq + 1).trim()), { file: where.file, line: where.line });
}
