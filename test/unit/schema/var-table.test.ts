import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderVarTable, replaceBetweenMarkers, START, END } from '../../../src/schema/var-table.js';
import { knownVariables } from '../../../src/schema/schema.js';
import { packageRoot } from '../../../src/util/paths.js';

describe('README variable table', () => {
  it('is up to date with the schema (regenerate: npx tsx scripts/gen-var-table.ts)', () => {
    const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
    expect(replaceBetweenMarkers(readme, renderVarTable()) === readme, 'README.md variable table is stale').to.equal(true);
  });

  it('has one row per variable, with type, default and description', () => {
    const t = renderVarTable();
    for (const v of knownVariables()) expect(t).to.include(`| \`${v}\` |`);
    expect(t).to.include('| `stagesync_restore_mode` | `swap` \\| `in_place` | `"swap"` |');
    expect(t).to.include('| `stagesync_copies` | list of copy items | `[]` |');
    expect(t).to.include('| `max_delete` | integer | `1000` |');
    expect(t).to.include('&lt;db&gt;');
  });

  it('replaces only the text between the markers', () => {
    const doc = `# T\nbefore\n${START}\nold\n${END}\nafter\n`;
    expect(replaceBetweenMarkers(doc, 'NEW')).to.equal(`# T\nbefore\n${START}\nNEW\n${END}\nafter\n`);
    expect(() => replaceBetweenMarkers('no markers', 'x')).to.throw(/markers/);
  });
});
