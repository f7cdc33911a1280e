// Import rules for src/ (and the lab's entry), checked by test/unit/deps.test.ts (dependency-cruiser); see
// docs/architecture.md. Folder-level circles (a ⇄ b through different files) are checked by the
// test itself, on the module graph this configuration produces.

/** Folders whose index.ts is the only way in from the rest of src/. */
const ENTRY_ONLY = ['buckets', 'template'];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'No import circle in src/: layers import downwards only.',
      from: { path: '^src/' },
      to: { circular: true },
    },
    {
      name: 'product-only',
      severity: 'error',
      comment: 'The shipped code never imports tests, the lab, benchmarks or dev scripts.',
      from: { path: '^src/' },
      to: { path: '^(test|bench|scripts)/' },
    },
    {
      name: 'lab-through-index',
      severity: 'error',
      comment: 'test/lab/index.ts is the lab API for tests, benchmarks and scripts; only the lab and its own tests reach further.',
      from: { path: '^(test|bench|scripts)/', pathNot: '^test/(lab|unit/lab|integration/lab)/' },
      to: { path: '^test/lab/', pathNot: '^test/lab/index\\.ts$' },
    },
    ...ENTRY_ONLY.map((dir) => ({
      name: `${dir}-through-index`,
      severity: 'error',
      comment: `src/${dir}/index.ts is the only entry to src/${dir}/ from the rest of src/.`,
      from: { path: '^src/', pathNot: `^src/${dir}/` },
      to: { path: `^src/${dir}/`, pathNot: `^src/${dir}/index\\.ts$` },
    })),
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js', '.cjs', '.json'] },
  },
};
