// Every shell program of the repo passes shellcheck: the host programs (scripts/host), the repo's
// own scripts, anything with a sh/bash shebang, and the built-in templates as rendered with the
// defaults. shellcheck is the Debian package (scripts/ensure-deps.sh installs it).
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { hostScript } from '../../src/util/host-scripts.js';
import { packageRoot } from '../../src/util/paths.js';
import { renderTemplate } from '../../src/template/index.js';
import { loadDefaults } from '../../src/vars/defaults.js';

const root = packageRoot();
const SKIP = new Set(['node_modules', 'dist', '.git', '.lab']);
const SHEBANG = /^#!\s*(\/usr\/bin\/env\s+)?(\/bin\/|\/usr\/bin\/)?(sh|bash|dash)\b/;

/** Shell files under `dir`: a .sh/.bash name, or a sh/bash shebang. Templates (.j2) are rendered apart. */
function shellFiles(dir = root): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir)) {
    if (SKIP.has(name) || name.startsWith('.lab')) continue;
    const path = join(dir, name);
    const st = statSync(path);
    if (st.isDirectory()) out.push(...shellFiles(path));
    else if (st.isFile() && !name.endsWith('.j2') && (/\.(sh|bash)$/.test(name) || SHEBANG.test(readFileSync(path, 'utf8').slice(0, 64)))) out.push(path);
  }
  return out;
}

function shellcheck(files: string[]): { code: number | null; output: string } {
  const r = spawnSync('shellcheck', ['--external-sources', ...files], { cwd: root, encoding: 'utf8' });
  if (r.error) throw new Error(`shellcheck is not installed (apt-get install shellcheck, or bash scripts/ensure-deps.sh): ${r.error.message}`);
  return { code: r.status, output: r.stdout + r.stderr };
}

describe('shellcheck', function () {
  this.timeout(60_000);

  it('passes on every shell file of the repo', () => {
    const files = shellFiles();
    const names = files.map((f) => relative(root, f));
    expect(names).to.include.members(['scripts/host/stream-writer.sh', 'scripts/host/preflight-facts.sh', 'scripts/host/move-writer.sh', 'scripts/host/put-file.sh', 'scripts/test.sh', '.ci/run']);
    const r = shellcheck(files);
    expect(r.output, names.join(' ')).to.equal('');
    expect(r.code).to.equal(0);
  });

  it('passes on the built-in templates, rendered with the defaults', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagesync-shellcheck-'));
    try {
      const vars = { ...loadDefaults().values, inventory_hostname: 'db1' };
      const files = readdirSync(join(root, 'templates'))
        .filter((t) => t.endsWith('.sh.j2'))
        .map((t) => {
          const file = join(dir, t.replace(/\.j2$/, ''));
          writeFileSync(file, renderTemplate(t, vars, { cwd: dir }));
          return file;
        });
      expect(files.length).to.be.greaterThan(1);
      const r = shellcheck(files);
      expect(r.output).to.equal('');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('finds what it is there to find', () => {
    const dir = mkdtempSync(join(tmpdir(), 'stagesync-shellcheck-'));
    try {
      writeFileSync(join(dir, 'bad.sh'), '#!/bin/sh\nrm -rf $1/\n');
      expect(shellcheck([join(dir, 'bad.sh')]).output).to.match(/SC2086/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('host scripts', () => {
  it('load without their comments, with every placeholder filled in from the code', () => {
    const facts = hostScript('preflight-facts.sh', { TOOLS: 'pg_dump pg_restore psql', PSQL_FLAGS: '-X -q' });
    expect(facts).to.include('for t in pg_dump pg_restore psql; do').and.include('psql -X -q -d "$conn"');
    expect(facts).to.not.match(/^\s*#/m).and.not.match(/__[A-Z]/);
    expect(() => hostScript('preflight-facts.sh', { TOOLS: 'x' })).to.throw(/nothing to fill in __PSQL_FLAGS__/);
    expect(() => hostScript('move-writer.sh', { EXTRA: 'x' })).to.throw(/no __EXTRA__ to fill in/);
  });
});
