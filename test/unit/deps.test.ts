// Import rules of src/ (docs/architecture.md): no module circle, no folder circle (a ⇄ b through
// different files), the index.ts of buckets/ and template/ as their only entry, nothing of the
// tests or the lab in the product, and test/lab/index.ts as the lab's entry. Rules in
// .dependency-cruiser.cjs; `npx depcruise src --config .dependency-cruiser.cjs` shows the same.
import { expect } from 'chai';
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cruise, type ICruiseResult } from 'dependency-cruiser';
import extractDepcruiseOptions from 'dependency-cruiser/config-utl/extract-depcruise-options';
import extractTSConfig from 'dependency-cruiser/config-utl/extract-ts-config';
import { packageRoot } from '../../src/util/paths.js';

const root = packageRoot();

async function cruiseDir(dirs: string[], baseDir: string): Promise<ICruiseResult> {
  const options = await extractDepcruiseOptions(join(root, '.dependency-cruiser.cjs'));
  const tsConfig = extractTSConfig(join(root, 'tsconfig.json'));
  const { output } = await cruise(dirs, { ...options, baseDir }, undefined, { tsConfig });
  return output as ICruiseResult;
}

const violations = (r: ICruiseResult) => r.summary.violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}${v.cycle ? ` (${v.cycle.map((c) => c.name).join(' → ')})` : ''}`);

/** Pairs of top folders of src/ that import each other, with one import each way. */
export function folderCircles(r: ICruiseResult): string[] {
  const folder = (p: string) => /^src\/([^/]+)\//.exec(p)?.[1] ?? (p.startsWith('src/') ? '.' : undefined);
  const edges = new Map<string, string>();
  for (const m of r.modules) {
    for (const d of m.dependencies) {
      const a = folder(m.source);
      const b = folder(d.resolved);
      if (a && b && a !== b && !edges.has(`${a}>${b}`)) edges.set(`${a}>${b}`, `${m.source} → ${d.resolved}`);
    }
  }
  // Transitive: a folder reaching itself through others is a circle too.
  const next = new Map<string, string[]>();
  for (const k of edges.keys()) {
    const [a, b] = k.split('>') as [string, string];
    next.set(a, [...(next.get(a) ?? []), b]);
  }
  const found: string[] = [];
  for (const start of next.keys()) {
    const seen = new Map<string, string[]>([[start, [start]]]);
    const queue = [start];
    while (queue.length) {
      const at = queue.shift()!;
      for (const b of next.get(at) ?? []) {
        const path = [...seen.get(at)!, b];
        if (b === start) {
          const hops = path.slice(1).map((to, i) => edges.get(`${path[i]}>${to}`)).join(', ');
          if (start === [...path].sort()[0]) found.push(`${path.join(' → ')}: ${hops}`);
        } else if (!seen.has(b)) {
          seen.set(b, path);
          queue.push(b);
        }
      }
    }
  }
  return found;
}

describe('dependencies of src/', function () {
  this.timeout(60_000);

  it('break no rule and form no circle, between modules or between folders', async () => {
    const r = await cruiseDir(['src'], root);
    expect(r.summary.totalCruised).to.be.greaterThan(100);
    expect(violations(r)).to.deep.equal([]);
    expect(folderCircles(r)).to.deep.equal([]);
  });

  it('the lab is reached through test/lab/index.ts from tests, benchmarks and scripts', async () => {
    const r = await cruiseDir(['test', 'bench', 'scripts'], root);
    expect(r.modules.some((m) => m.source === 'test/lab/index.ts')).to.equal(true);
    expect(violations(r)).to.deep.equal([]);
  });

  describe('the check itself', () => {
    let dir: string;
    before(() => {
      dir = mkdtempSync(join(tmpdir(), 'stagesync-deps-'));
      mkdirSync(join(dir, 'src/a'), { recursive: true });
      mkdirSync(join(dir, 'src/b'), { recursive: true });
      mkdirSync(join(dir, 'src/buckets'), { recursive: true });
      // a/x → a/y → a/x (a module circle); a/y → b/z → a/w (a folder circle); a/w → buckets/sync.
      writeFileSync(join(dir, 'src/a/x.ts'), "import { y } from './y.js';\nexport const x = () => y;\n");
      writeFileSync(join(dir, 'src/a/y.ts'), "import { x } from './x.js';\nimport { z } from '../b/z.js';\nexport const y = () => [x, z];\n");
      writeFileSync(join(dir, 'src/b/z.ts'), "import { w } from '../a/w.js';\nexport const z = w;\n");
      writeFileSync(join(dir, 'src/a/w.ts'), "import { s } from '../buckets/sync.js';\nexport const w = s;\n");
      writeFileSync(join(dir, 'src/buckets/sync.ts'), 'export const s = 1;\n');
      writeFileSync(join(dir, 'src/buckets/index.ts'), "export { s } from './sync.js';\n");
    });
    after(() => rmSync(dir, { recursive: true, force: true }));

    it('fails on a module circle, a folder circle and a way around an index', async () => {
      const r = await cruiseDir(['src'], dir);
      const v = violations(r);
      expect(v.some((l) => l.startsWith('no-circular: src/a/x.ts'))).to.equal(true, v.join('\n'));
      expect(v.some((l) => l.startsWith('buckets-through-index: src/a/w.ts → src/buckets/sync.ts'))).to.equal(true, v.join('\n'));
      expect(folderCircles(r)).to.deep.equal(['a → b → a: src/a/y.ts → src/b/z.ts, src/b/z.ts → src/a/w.ts']);
    });
  });
});
