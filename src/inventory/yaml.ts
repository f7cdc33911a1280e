// YAML inventory with the semantics of Ansible's yaml plugin (ansible.plugins.inventory.yaml).
import { isAlias, isMap, isScalar, LineCounter, parseDocument, type Document, type Node, type YAMLMap } from 'yaml';
import { UserError } from '../errors.js';
import { yaml11Options } from '../util/yaml11.js';
import { InventoryBuilder, type Where } from './builder.js';
import { expandHostPattern, HostPatternError } from './host-pattern.js';

/** Why a text is not a YAML inventory at all (so the caller may try INI instead). */
export class NotYamlInventory extends Error {
  constructor(message: string, readonly line?: number) {
    super(message);
  }
}

interface Ctx {
  doc: Document;
  lc: LineCounter;
  file: string;
  builder: InventoryBuilder;
}

/**
 * Parses YAML inventory text into `builder`.
 * Throws NotYamlInventory when the text is not YAML or not a mapping of groups (try INI next),
 * and UserError for a YAML inventory with a bad structure.
 */
export function parseYamlInventory(text: string, file: string, builder: InventoryBuilder): void {
  const lc = new LineCounter();
  const doc = parseDocument(text, { ...yaml11Options(file), lineCounter: lc, prettyErrors: false });
  if (doc.errors.length > 0) {
    const err = doc.errors[0]!;
    throw new NotYamlInventory(`invalid YAML: ${err.message.split('\n')[0]}`, lc.linePos(err.pos[0]).line);
  }
  const root = deref(doc, doc.contents as Node | null);
  if (root === null || (isScalar(root) && root.value === null)) throw new NotYamlInventory('empty YAML file');
  if (!isMap(root)) throw new NotYamlInventory('a YAML inventory must be a mapping of groups');
  const ctx: Ctx = { doc, lc, file, builder };
  if (root.items.some((p) => isScalar(p.key) && p.key.value === 'plugin')) {
    throw new UserError('this is an inventory plugin configuration, not a YAML inventory', { file });
  }
  for (const pair of root.items) parseGroup(ctx, keyText(ctx, pair.key as Node), deref(doc, pair.value as Node | null), lineOf(ctx, pair.key as Node));
}

function parseGroup(ctx: Ctx, name: string, data: Node | null, line: number | undefined): string {
  if (data !== null && !isMap(data) && !isNull(data)) {
    ctx.builder.inventory.warnings.push(`${ctx.file}:${line}: skipping '${name}': not a valid group definition`);
    return name;
  }
  ctx.builder.addGroup(name);
  if (!isMap(data)) return name;
  for (const pair of data.items) {
    const key = keyText(ctx, pair.key as Node);
    const keyWhere: Where = { file: ctx.file, line: lineOf(ctx, pair.key as Node) };
    let value = deref(ctx.doc, pair.value as Node | null);
    if (['vars', 'children', 'hosts'].includes(key) && isScalar(value) && typeof value.value === 'string') {
      value = ctx.doc.createNode({ [value.value]: null }) as Node; // `hosts: web1` means `hosts: {web1: }`
    }
    if (value === null || isNull(value)) continue;
    if (!isMap(value)) {
      if (['vars', 'children', 'hosts'].includes(key)) {
        throw new UserError(`'${key}' of group '${name}' must be a mapping`, keyWhere);
      }
      ctx.builder.inventory.warnings.push(`${ctx.file}:${keyWhere.line}: skipping key '${key}' in group '${name}': not a mapping`);
      continue;
    }
    if (key === 'vars') parseVars(ctx, name, value);
    else if (key === 'children') {
      for (const child of value.items) {
        const childLine = lineOf(ctx, child.key as Node);
        const childName = parseGroup(ctx, keyText(ctx, child.key as Node), deref(ctx.doc, child.value as Node | null), childLine);
        ctx.builder.addChild(name, childName, { file: ctx.file, line: childLine });
      }
    } else if (key === 'hosts') parseHosts(ctx, name, value);
    else {
      ctx.builder.inventory.warnings.push(
        `${ctx.file}:${keyWhere.line}: skipping unexpected key '${key}' in group '${name}': only vars, children and hosts are valid`,
      );
    }
  }
  return name;
}

function parseVars(ctx: Ctx, group: string, vars: YAMLMap): void {
  for (const pair of vars.items) {
    const line = lineOf(ctx, pair.key as Node);
    ctx.builder.setGroupVar(group, keyText(ctx, pair.key as Node), toJS(ctx, pair.value as Node | null), { file: ctx.file, line });
  }
}

function parseHosts(ctx: Ctx, group: string, hosts: YAMLMap): void {
  for (const pair of hosts.items) {
    const keyNode = pair.key as Node;
    const where: Where = { file: ctx.file, line: lineOf(ctx, keyNode) };
    if (!isScalar(keyNode) || typeof keyNode.value !== 'string') {
      throw new UserError(`host pattern ${String(isScalar(keyNode) ? keyNode.value : keyNode)} must be a string (quote it)`, where);
    }
    let expanded;
    try {
      expanded = expandHostPattern(keyNode.value);
    } catch (e) {
      if (e instanceof HostPatternError) throw new UserError(e.message, where);
      throw e;
    }
    const value = deref(ctx.doc, pair.value as Node | null);
    if (value !== null && !isNull(value) && !isMap(value)) {
      throw new UserError(`variables of host '${keyNode.value}' must be a mapping`, where);
    }
    for (const host of expanded.names) {
      ctx.builder.addHost(host, where, group, expanded.port);
      if (!isMap(value)) continue;
      for (const v of value.items) {
        const line = lineOf(ctx, v.key as Node);
        ctx.builder.setHostVar(host, keyText(ctx, v.key as Node), toJS(ctx, v.value as Node | null), { file: ctx.file, line });
      }
    }
  }
}

function deref(doc: Document, node: Node | null): Node | null {
  if (node && isAlias(node)) return (node.resolve(doc) as Node | undefined) ?? null;
  return node;
}

const isNull = (n: Node): boolean => isScalar(n) && n.value === null;

function keyText(ctx: Ctx, node: Node): string {
  const v = isScalar(node) ? node.value : node.toJS(ctx.doc);
  return String(v);
}

function toJS(ctx: Ctx, node: Node | null): unknown {
  if (!node) return null;
  return node.toJS(ctx.doc, { maxAliasCount: -1 });
}

function lineOf(ctx: Ctx, node: Node | null | undefined): number | undefined {
  return node?.range ? ctx.lc.linePos(node.range[0]).line : undefined;
}
