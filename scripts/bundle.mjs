// Builds the `orchestrate` executable: src/cli/bin.ts and everything it imports in a few files
// (dist/bin/chunks/cli.js and the chunks of its lazy imports, loaded by dist/bin/orchestrate.js).
// Node resolves, reads and links every ES module one by one; the SDK alone is several hundred.
// A bundle halves the start-up of every command. Left as packages: ssh2 (it loads native addons
// by path) and nunjucks (src/template patches its lexer and compiler modules through require():
// one instance, the package's).
import { build } from 'esbuild';
import { chmodSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outdir = join(root, 'dist', 'bin');
rmSync(outdir, { recursive: true, force: true });

// Node's own http and https, loaded with require(): importing a built-in from an ES module makes
// Node read every export, and on Node >= 22 http's lazy WebSocket/fetch exports load the whole
// bundled undici (12 ms of a files-only run's start-up) that nothing here uses.
const builtinsByRequire = {
  name: 'builtins-by-require',
  setup(b) {
    b.onResolve({ filter: /^(node:)?https?$/ }, (a) =>
      a.namespace === 'builtin-require' ? { path: a.path, external: true } : { path: a.path.replace(/^node:/, ''), namespace: 'builtin-require' },
    );
    b.onLoad({ filter: /.*/, namespace: 'builtin-require' }, (a) => ({ contents: `module.exports = require('node:${a.path}');`, loader: 'js' }));
  },
};

await build({
  absWorkingDir: root,
  entryPoints: { 'chunks/cli': 'src/cli/bin.ts' },
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
  plugins: [builtinsByRequire],
  minifyWhitespace: true,
  minifySyntax: true,
  logLevel: 'warning',
});

// The executable itself only turns on Node's compile cache (Node >= 22.1; a no-op before) and then
// loads the bundle: the cache must be on before the first module is compiled, and static imports
// are all compiled before a module's body runs. Measured: a fifth of a files-only run's start-up.
// The cache lives in the user's own cache directory, not Node's default under the shared /tmp,
// where another local user could plant code for a run as root.
const bin = join(outdir, 'orchestrate.js');
writeFileSync(
  bin,
  `#!/usr/bin/env node
// stagesync's \`orchestrate\` (built by scripts/bundle.mjs).
import module from 'node:module';
import { homedir } from 'node:os';
import { join } from 'node:path';
module.enableCompileCache?.(join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'stagesync', 'node-compile-cache'));
await import('./chunks/cli.js');
`,
);
chmodSync(bin, 0o755);
