// Builds the `orchestrate` executable: src/cli/bin.ts and everything it imports in a few files
// (dist/bin/orchestrate.js and the chunks of its lazy imports). Node resolves, reads and links
// every ES module one by one; the SDK alone is several hundred. A bundle halves the start-up of
// every command. Left as packages: ssh2 (it loads native addons by path) and nunjucks (src/template
// patches its lexer and compiler modules through require(): one instance, the package's).
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bin');
rmSync(outdir, { recursive: true, force: true });

await build({
  absWorkingDir: root,
  entryPoints: { orchestrate: 'src/cli/bin.ts' },
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // The packages' ES module builds: what tree-shaking can cut.
  mainFields: ['module', 'main'],
  external: ['ssh2', 'cpu-features', 'nunjucks'],
  chunkNames: 'chunks/[name]-[hash]',
  // CommonJS packages inside an ES module bundle call require(): give them Node's.
  banner: { js: "import { createRequire as stagesyncCreateRequire } from 'node:module'; const require = stagesyncCreateRequire(import.meta.url);" },
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});
