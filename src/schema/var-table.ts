// The README's variable table, generated from the schema (scripts/gen-var-table.ts writes it).
import { loadSchema, resolveRef, typesOf, type SchemaNode } from './schema.js';

export const START = '<!-- vars:start -->';
export const END = '<!-- vars:end -->';

const TYPE_NAMES: Record<string, string> = {
  string: 'string', integer: 'integer', number: 'number', boolean: 'boolean', array: 'list', object: 'mapping', null: 'null',
};

function typeOf(node: SchemaNode, root: SchemaNode): string {
  const n = resolveRef(node, root);
  if (n.enum) return n.enum.map((v) => `\`${String(v)}\``).join(' \\| ');
  if (n.if && n.then && n.else) return 'string or mapping';
  if (Array.isArray(n.anyOf)) return (n.anyOf as SchemaNode[]).map((alt) => typeOf(alt, root)).join(' or ');
  const types = typesOf(n);
  if (types.includes('array') && n.items) {
    const raw = n.items.$ref?.replace('#/definitions/', '');
    const item = raw === 'copy' ? 'copy items' : raw === 'hook' ? 'commands' : raw === 'postRestoreSql' ? '`{sql, params}`' : `${typeOf(n.items, root)}s`;
    return `list of ${item}`;
  }
  return types.map((t) => TYPE_NAMES[t] ?? t).join(' or ') || 'any';
}

function defaultOf(node: SchemaNode): string {
  if (!('default' in node)) return '—';
  return `\`${JSON.stringify(node.default)}\``;
}

// Markdown would swallow `<db>` as an HTML tag and split cells at `|`.
const cell = (s: string): string => s.replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\|/g, '\\|').replace(/\n/g, ' ');

function table(props: Record<string, SchemaNode>, root: SchemaNode, head: string): string[] {
  const rows = [`| ${head} | type | default | description |`, '|---|---|---|---|'];
  for (const [name, node] of Object.entries(props)) {
    const n = resolveRef(node, root);
    // typeOf already escapes the enum separator; the rest is escaped here.
    rows.push(`| \`${name}\` | ${typeOf(node, root)} | ${cell(defaultOf(n))} | ${cell(n.description ?? '')} |`);
  }
  return rows;
}

/** The markdown put between the README markers. */
export function renderVarTable(root: SchemaNode = loadSchema()): string {
  const props = root.properties ?? {};
  const copy = root.definitions?.copy;
  const hook = root.definitions?.hook?.then;
  const lines = [
    '<!-- generated from schema/stagesync.schema.json by scripts/gen-var-table.ts; do not edit -->',
    ...table(props, root, 'variable'),
    '',
    'Each `stagesync_copies` item (required: ' + (copy?.required as string[] | undefined ?? []).map((k) => `\`${k}\``).join(', ') + '):',
    '',
    ...table(copy?.properties ?? {}, root, 'key'),
    '',
    'Each hook (`stagesync_pre_restore_commands`, `stagesync_post_restore_commands`, `stagesync_always_commands`) is a command string, run on each destination host, or a mapping:',
    '',
    ...table(hook?.properties ?? {}, root, 'key'),
  ];
  return lines.join('\n');
}

/** `readme` with the text between the markers replaced by `tableText`; nothing else changes. */
export function replaceBetweenMarkers(readme: string, tableText: string): string {
  const a = readme.indexOf(START);
  const b = readme.indexOf(END);
  if (a < 0 || b < a) throw new Error(`README has no ${START} ... ${END} markers`);
  return readme.slice(0, a + START.length) + '\n' + tableText + '\n' + readme.slice(b);
}
