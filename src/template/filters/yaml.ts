// to_yaml / to_nice_yaml as Ansible's PyYAML dumps: keys sorted; to_yaml writes collections
// that hold only scalars inline (default_flow_style=None), to_nice_yaml is all block style,
// indent 4. YAML 1.1 so strings like "yes" stay quoted for Ansible's reader.
import { Document, isMap, isSeq, isScalar, visit, type Node } from 'yaml';
import { pyArgs } from './args.js';
import { yaml11Options } from '../../util/yaml11.js';
import { niceYaml } from './nice-yaml.js';

function leafCollection(node: unknown): boolean {
  if (isSeq(node)) return node.items.every((i) => isScalar(i));
  if (isMap(node)) return node.items.every((p) => isScalar(p.value) || p.value === null);
  return false;
}

function dumpYaml(value: unknown, indent: number, flowLeaves: boolean): string {
  // PyYAML's resolvers decide what needs quotes (`y`, `1e5` stay plain; `yes` is quoted).
  const doc = new Document(value, { ...yaml11Options('<to_yaml>'), sortMapEntries: true });
  if (flowLeaves) {
    visit(doc, {
      Seq(_k, n) {
        if (leafCollection(n)) (n as Node & { flow?: boolean }).flow = true;
      },
      Map(_k, n) {
        if (leafCollection(n)) (n as Node & { flow?: boolean }).flow = true;
      },
    });
  }
  return doc.toString({ indent, indentSeq: false, flowCollectionPadding: false, lineWidth: 80, singleQuote: true });
}

export function toYaml(value: unknown, ...args: unknown[]): string {
  const a = pyArgs(args, ['indent'], { indent: 2 });
  return dumpYaml(value, Number(a.indent), true);
}

export function toNiceYaml(value: unknown, ...args: unknown[]): string {
  const a = pyArgs(args, ['indent'], { indent: 4 });
  const indent = Number(a.indent);
  return niceYaml(value, indent, (v) => dumpYaml(v, indent, false).replace(/\n$/, '')) ?? dumpYaml(value, indent, false);
}
