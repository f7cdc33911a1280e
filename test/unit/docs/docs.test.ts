// The repo documents itself: code comments point at docs/ pages, never at a document outside the
// repository, and every relative link of README and docs/ leads to an existing file.
import { expect } from 'chai';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../../src/util/paths.js';

const root = packageRoot();

function filesUnder(dir: string, exts: RegExp): string[] {
  const out: string[] = [];
  for (const name of readdirSync(join(root, dir))) {
    const rel = join(dir, name);
    if (statSync(join(root, rel)).isDirectory()) out.push(...filesUnder(rel, exts));
    else if (exts.test(name)) out.push(rel);
  }
  return out;
}

describe('docs', () => {
  it('no code cites the outside contract document', () => {
    // Spelled in two parts so this file does not match itself.
    const banned = new RegExp('CONTRACT' + ' §');
    const offenders = ['src', 'test', 'scripts', 'bench']
      .flatMap((d) => filesUnder(d, /\.(ts|sh|cjs|js|md)$/))
      .filter((f) => banned.test(readFileSync(join(root, f), 'utf8')));
    expect(offenders).to.deep.equal([]);
  });

  it('README links docs/architecture.md, and every relative link of README and docs/ resolves', () => {
    expect(readFileSync(join(root, 'README.md'), 'utf8')).to.include('](docs/architecture.md)');
    const broken: string[] = [];
    for (const f of ['README.md', ...filesUnder('docs', /\.md$/)]) {
      for (const [, target] of readFileSync(join(root, f), 'utf8').matchAll(/\]\(([^)#\s]+)(#[^)]*)?\)/g)) {
        if (/^[a-z]+:/.test(target!)) continue;
        if (!existsSync(join(root, dirname(f), target!))) broken.push(`${f}: ${target}`);
      }
    }
    expect(broken).to.deep.equal([]);
  });
});
