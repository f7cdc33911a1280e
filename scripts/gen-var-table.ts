// Regenerates the variable table in README.md from schema/stagesync.schema.json.
//   npx tsx scripts/gen-var-table.ts           # write README.md
//   npx tsx scripts/gen-var-table.ts --check   # exit 1 when README.md is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderVarTable, replaceBetweenMarkers } from '../src/schema/var-table.js';
import { packageRoot } from '../src/util/paths.js';

const readmePath = join(packageRoot(), 'README.md');
const current = readFileSync(readmePath, 'utf8');
const wanted = replaceBetweenMarkers(current, renderVarTable());

if (process.argv.includes('--check')) {
  if (wanted !== current) {
    console.error('README.md: the variable table is stale; run: npx tsx scripts/gen-var-table.ts');
    process.exit(1);
  }
  console.log('README.md: the variable table is up to date');
} else if (wanted !== current) {
  writeFileSync(readmePath, wanted);
  console.log('README.md: variable table updated');
} else {
  console.log('README.md: variable table already up to date');
}
