// The shape rules of docs/architecture.md, read with the TypeScript compiler (not by line
// counting regexes): no file in src/ over 300 lines; in src/run and src/steps no function
// (declaration, method, arrow, constructor) over 60 lines or with more than 4 positional
// parameters (an options object past that).
import { expect } from 'chai';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import ts from 'typescript';
import { packageRoot } from '../../src/util/paths.js';

const root = packageRoot();
const MAX_FILE_LINES = 300;
const MAX_FUNCTION_LINES = 60;
const MAX_PARAMS = 4;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? filesUnder(p) : p.endsWith('.ts') ? [p] : [];
  });
}

const lineCount = (text: string) => text.replace(/\n$/, '').split('\n').length;

/** Functions of one file that are too long or take too many positional parameters. */
export function functionProblems(fileName: string, text: string): string[] {
  const sf = ts.createSourceFile(fileName, text, ts.ScriptTarget.Latest, true);
  const problems: string[] = [];
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const start = sf.getLineAndCharacterOfPosition(node.getStart(sf)).line;
      const end = sf.getLineAndCharacterOfPosition(node.getEnd()).line;
      const name = node.name && ts.isIdentifier(node.name) ? node.name.text : `<${ts.SyntaxKind[node.kind]}>`;
      const where = `${fileName}:${start + 1} ${name}`;
      if (end - start + 1 > MAX_FUNCTION_LINES) problems.push(`${where}: ${end - start + 1} lines`);
      if (node.parameters.length > MAX_PARAMS) problems.push(`${where}: ${node.parameters.length} positional parameters`);
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return problems;
}

describe('code shape', () => {
  it(`no file in src/ is over ${MAX_FILE_LINES} lines`, () => {
    const over = filesUnder(join(root, 'src'))
      .map((f) => ({ f: relative(root, f), n: lineCount(readFileSync(f, 'utf8')) }))
      .filter((x) => x.n > MAX_FILE_LINES)
      .map((x) => `${x.f}: ${x.n} lines`);
    expect(over).to.deep.equal([]);
  });

  it(`no function in src/run or src/steps is over ${MAX_FUNCTION_LINES} lines or takes more than ${MAX_PARAMS} positional parameters`, () => {
    const problems = ['src/run', 'src/steps'].flatMap((d) => filesUnder(join(root, d)).flatMap((f) => functionProblems(relative(root, f), readFileSync(f, 'utf8'))));
    expect(problems).to.deep.equal([]);
  });

  it('the check finds a long function, a long arrow and five positional parameters', () => {
    const body = Array.from({ length: MAX_FUNCTION_LINES }, (_, i) => `  const x${i} = ${i};`).join('\n');
    const planted = [
      `function long() {\n${body}\n}`,
      `const arrow = () => {\n${body}\n};`,
      'function many(a: number, b: number, c: number, d: number, e: number) { return a + b + c + d + e; }',
      'function four(a: number, b: number, c: number, d: number) { return a + b + c + d; }',
      `class K { method() {\n${body}\n} }`,
    ].join('\n');
    const found = functionProblems('planted.ts', planted);
    expect(found).to.have.length(4);
    expect(found[0]).to.match(/planted\.ts:1 long: 62 lines/);
    expect(found.some((p) => /arrow|ArrowFunction/.test(p))).to.equal(true);
    expect(found.some((p) => /many: 5 positional parameters/.test(p))).to.equal(true);
    expect(found.some((p) => /method: 62 lines/.test(p))).to.equal(true);
  });
});
