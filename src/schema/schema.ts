// The shipped JSON Schema of every variable, loaded once, and helpers to walk it.
import { readFileSync } from 'node:fs';
import { schemaFile } from '../util/paths.js';

/** The subset of JSON Schema (draft-07) our schema uses. */
export interface SchemaNode {
  $ref?: string;
  type?: string | string[];
  properties?: Record<string, SchemaNode>;
  items?: SchemaNode;
  if?: SchemaNode;
  then?: SchemaNode;
  else?: SchemaNode;
  enum?: unknown[];
  default?: unknown;
  description?: string;
  minimum?: number;
  maximum?: number;
  definitions?: Record<string, SchemaNode>;
  [key: string]: unknown;
}

let text: string | undefined;
let cached: SchemaNode | undefined;

/** The schema file as shipped (its sha256 names the precompiled validator made from it). */
export function schemaText(): string {
  text ??= readFileSync(schemaFile(), 'utf8');
  return text;
}

export function loadSchema(): SchemaNode {
  cached ??= JSON.parse(schemaText()) as SchemaNode;
  return cached;
}

/** Every variable the schema knows (stagesync_* and ansible_*), in schema order. */
export function knownVariables(): string[] {
  return Object.keys(loadSchema().properties ?? {});
}

/** Follow a local `#/definitions/x` reference; other nodes are returned as they are. */
export function resolveRef(node: SchemaNode, root: SchemaNode = loadSchema()): SchemaNode {
  let n = node;
  while (n.$ref) {
    const name = n.$ref.replace(/^#\/definitions\//, '');
    const target = root.definitions?.[name];
    if (!target) throw new Error(`schema: unresolvable $ref ${n.$ref}`);
    // Siblings of $ref (description, default) annotate; the target validates.
    const { $ref: _ignored, ...siblings } = n;
    n = { ...target, ...siblings };
  }
  return n;
}

export function typesOf(node: SchemaNode): string[] {
  if (node.type === undefined) return [];
  return Array.isArray(node.type) ? node.type : [node.type];
}
