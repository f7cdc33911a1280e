// The built-in bash templates: rendered with the defaults, syntax-checked, and run for real
// (cleanup.sh on a temp dir; postgresbackup.sh with a stand-in pg_dump).
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { renderTemplate } from '../../../src/template/index.js';
import type { UserError } from '../../../src/errors.js';
import { defaultsFile } from '../../../src/util/paths.js';

const defaults = parse(readFileSync(defaultsFile(), 'utf8'), { version: '1.1' }) as Record<string, unknown>;

function writeScript(dir: string, name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  chmodSync(p, 0o755);
  return p;
}

const DAY = 24 * 3600;
function age(path: string, seconds: number): void {
  const t = Date.now() / 1000 - seconds;
  utimesSync(path, t, t);
}

describe('built-in script templates', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'stagesync-tpl-'));
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  for (const name of ['postgresbackup.sh.j2', 'cleanup.sh.j2']) {
    it(`${name} renders with the defaults and passes bash -n`, () => {
      const out = renderTemplate(name, { ...defaults, inventory_hostname: 'db1.example.com' }, { cwd: tmp });
      expect(out.startsWith('#!/usr/bin/env bash\n')).to.equal(true);
      expect(out).to.include('set -euo pipefail');
      const p = writeScript(tmp, 'x.sh', out);
      expect(spawnSync('bash', ['-n', p]).status).to.equal(0);
    });
  }

  it('quotes every rendered value (a hostile directory name stays one word)', () => {
    const dir = join(tmp, "it's $(touch pwned) dir");
    const out = renderTemplate('cleanup.sh.j2', { ...defaults, stagesync_source_backups_dir: dir }, { cwd: tmp });
    expect(spawnSync('bash', ['-n', writeScript(tmp, 'c.sh', out)]).status).to.equal(0);
    mkdirSync(dir);
    execFileSync('bash', [join(tmp, 'c.sh')], { cwd: tmp });
    expect(existsSync(join(tmp, 'pwned'))).to.equal(false);
  });

  it('cleanup.sh removes only *.dump files older than the retention, directly in the directory', () => {
    const dir = join(tmp, 'backups');
    mkdirSync(join(dir, 'sub'), { recursive: true });
    const files: Record<string, number> = {
      'production.db1.2020-01-01-00-00-00.dump': 3 * DAY, // old dump: removed
      'production.db1.2020-01-02-00-00-00.dump': 2 * DAY + 3600, // just over 2 days: removed
      'production.db1.new.dump': 1 * DAY, // recent: kept
      'notes.txt': 10 * DAY, // not a dump: kept
      '.production.db1.x.dump.partial': 10 * DAY, // in-progress name: kept
      'sub/old.dump': 10 * DAY, // not directly in the directory: kept
    };
    for (const [f, s] of Object.entries(files)) {
      writeFileSync(join(dir, f), 'x');
      age(join(dir, f), s);
    }
    const out = renderTemplate('cleanup.sh.j2', { ...defaults, stagesync_source_backups_dir: dir, stagesync_backups_retention_days: 2 }, { cwd: tmp });
    const printed = execFileSync('bash', [writeScript(tmp, 'cleanup.sh', out)], { encoding: 'utf8' });
    expect(readdirSync(dir).sort()).to.deep.equal(['.production.db1.x.dump.partial', 'notes.txt', 'production.db1.new.dump', 'sub']);
    expect(existsSync(join(dir, 'sub/old.dump'))).to.equal(true);
    expect(printed.trim().split('\n').sort()).to.deep.equal([
      join(dir, 'production.db1.2020-01-01-00-00-00.dump'),
      join(dir, 'production.db1.2020-01-02-00-00-00.dump'),
    ]);
  });

  it('cleanup.sh succeeds when the directory does not exist yet', () => {
    const out = renderTemplate('cleanup.sh.j2', { ...defaults, stagesync_source_backups_dir: join(tmp, 'none') }, { cwd: tmp });
    expect(spawnSync('bash', [writeScript(tmp, 'cleanup.sh', out)]).status).to.equal(0);
  });

  describe('postgresbackup.sh with a stand-in pg_dump', () => {
    function render(pgDumpBody: string): { script: string; dir: string } {
      const fake = writeScript(tmp, 'fake pg_dump', `#!/usr/bin/env bash\n${pgDumpBody}\n`);
      const dir = join(tmp, 'backups dir');
      const out = renderTemplate(
        'postgresbackup.sh.j2',
        { ...defaults, stagesync_source_backups_dir: dir, stagesync_backups_pgdump: fake, inventory_hostname: 'db1' },
        { cwd: tmp },
      );
      return { script: writeScript(tmp, 'postgresbackup.sh', out), dir };
    }
    // The stand-in records its arguments in the dump it writes to --file=.
    const GOOD = 'for a in "$@"; do case "$a" in --file=*) f="${a#--file=}";; esac; done; printf "%s\\n" "$*" > "$f"';

    it('dumps each database to <db>.<host>.<timestamp>.dump, creating the directory, printing the paths', () => {
      const { script, dir } = render(GOOD);
      const res = spawnSync('bash', [script, 'production', 'other'], { encoding: 'utf8' });
      expect(res.status, res.stderr).to.equal(0);
      const files = readdirSync(dir).sort();
      expect(files).to.have.length(2);
      expect(files[0]).to.match(/^other\.db1\.\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.dump$/);
      expect(files[1]).to.match(/^production\.db1\.\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}\.dump$/);
      expect(res.stdout.trim().split('\n').map((l) => l.slice(dir.length + 1)).sort()).to.deep.equal(files);
      const args = readFileSync(join(dir, files[1]!), 'utf8');
      expect(args).to.match(/^-Fc --file=.*\/\.production\.db1\.\d+\.partial -- production\n$/);
    });

    it('never replaces a dump finished in the same second by another run', () => {
      const { script, dir } = render(GOOD);
      mkdirSync(dir, { recursive: true });
      // Occupy this second's and the next second's names, as a concurrent run would.
      const now = Date.now();
      for (const t of [now, now + 1000]) {
        const name = `production.db1.${new Date(t).toISOString().slice(0, 19).replace('T', '-').replace(/:/g, '-')}.dump`;
        writeFileSync(join(dir, name), 'other run');
      }
      const res = spawnSync('bash', [script, 'production'], { encoding: 'utf8', env: { ...process.env, TZ: 'UTC' } });
      expect(res.status, res.stderr).to.equal(0);
      const files = readdirSync(dir).sort();
      expect(files).to.have.length(3);
      expect(files.filter((f) => readFileSync(join(dir, f), 'utf8') === 'other run')).to.have.length(2);
    });

    it('fails with pg_dump’s status and leaves no partial file', () => {
      const { script, dir } = render(`${GOOD}; echo 'pg_dump: error: boom' >&2; exit 3`);
      const res = spawnSync('bash', [script, 'production'], { encoding: 'utf8' });
      expect(res.status).to.equal(3);
      expect(res.stdout).to.equal('');
      expect(readdirSync(dir)).to.deep.equal([]);
    });

    it('--stdout: the dump also goes to stdout as it is written, the final path to stderr', () => {
      // A stand-in that writes to stdout when given no --file (as pg_dump does), in pieces with
      // pauses between them: the script must send on what is there and wait for the rest.
      const { script, dir } = render('printf "dump of %s\\n" "${@: -1}"; for i in 1 2 3 4 5; do head -c 40000 /dev/urandom | od -An; sleep 0.1; done');
      const res = spawnSync('bash', [script, '--stdout', 'production'], { encoding: 'buffer' });
      expect(res.status, res.stderr.toString()).to.equal(0);
      const files = readdirSync(dir);
      expect(files).to.have.length(1);
      const file = readFileSync(join(dir, files[0]!));
      expect(file.length).to.be.greaterThan(5 * 40000);
      expect(Buffer.compare(res.stdout, file)).to.equal(0);
      expect(file.toString().startsWith('dump of production\n')).to.equal(true);
      expect(res.stderr.toString()).to.equal(`dump written: ${join(dir, files[0]!)}\n`);
    });

    it('--stdout: a failing pg_dump or a reader gone away fails the script, leaving no file and no pg_dump', () => {
      const failing = render('echo partial; exit 4');
      const res = spawnSync('bash', [failing.script, '--stdout', 'production'], { encoding: 'utf8' });
      expect(res.status).to.equal(4);
      expect(readdirSync(failing.dir)).to.deep.equal([]);
      // Failing before a byte is written (no such database) ends as promptly.
      const atOnce = render('echo "pg_dump: error: no such database" >&2; exit 1');
      const early = spawnSync('bash', [atOnce.script, '--stdout', 'production'], { encoding: 'utf8', timeout: 10_000 });
      expect(early.status, early.stderr).to.equal(1);
      expect(readdirSync(atOnce.dir)).to.deep.equal([]);
      // The reader (here `head`) stops after 1 KiB while pg_dump still writes: the script fails
      // and stops pg_dump (which notes its pid, so the test can tell it is gone).
      const pidFile = join(tmp, 'slow pg_dump.pid');
      const slow = render(`echo $$ > ${JSON.stringify(pidFile)}; while :; do head -c 65536 /dev/zero; sleep 0.05; done`);
      let alive = false;
      try {
        const cut = spawnSync('bash', ['-c', `bash ${JSON.stringify(slow.script)} --stdout production | head -c 1024 > /dev/null; echo "\${PIPESTATUS[0]}"`], { encoding: 'utf8', timeout: 20_000 });
        expect(Number(cut.stdout.trim())).to.not.equal(0);
        expect(readdirSync(slow.dir)).to.deep.equal([]);
      } finally {
        // Never left running, even when the script failed to stop it.
        const pid = Number(readFileSync(pidFile, 'utf8'));
        try {
          alive = process.kill(pid, 0);
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone, as it should be */
        }
      }
      expect(alive, 'pg_dump stand-in still running').to.equal(false);
    });

    it('--stdout without GNU tail (no --pid): the same bytes through tee', () => {
      const bin = join(tmp, 'bin without GNU tail');
      mkdirSync(bin, { recursive: true });
      writeScript(bin, 'tail', '#!/bin/sh\necho "tail: unrecognized option" >&2\nexit 1\n');
      const { script, dir } = render('printf "dump of %s\\n" "${@: -1}"; head -c 100000 /dev/urandom | od -An');
      const res = spawnSync('bash', [script, '--stdout', 'production'], { encoding: 'buffer', env: { ...process.env, PATH: `${bin}:${process.env.PATH}` } });
      expect(res.status, res.stderr.toString()).to.equal(0);
      const files = readdirSync(dir);
      expect(files).to.have.length(1);
      expect(Buffer.compare(res.stdout, readFileSync(join(dir, files[0]!)))).to.equal(0);
      expect(res.stdout.length).to.be.greaterThan(100000);
    });

    it('--stdout takes exactly one database', () => {
      const { script } = render(GOOD);
      expect(spawnSync('bash', [script, '--stdout']).status).to.equal(2);
      expect(spawnSync('bash', [script, '--stdout', 'a', 'b']).status).to.equal(2);
    });

    it('refuses no arguments and database names that would escape the directory', () => {
      const { script } = render(GOOD);
      expect(spawnSync('bash', [script]).status).to.equal(2);
      expect(spawnSync('bash', [script, '../etc']).status).to.equal(2);
    });
  });

  it('fails naming the template and line when a variable is missing', () => {
    try {
      renderTemplate('postgresbackup.sh.j2', defaults, { cwd: tmp });
      expect.fail('rendered without inventory_hostname');
    } catch (e) {
      expect((e as UserError).oneLine()).to.match(/\/templates\/postgresbackup\.sh\.j2:\d+: 'inventory_hostname' is undefined$/);
    }
  });

  it("a user's templates/<name> overrides the built-in one", () => {
    mkdirSync(join(tmp, 'templates'));
    writeFileSync(join(tmp, 'templates', 'cleanup.sh.j2'), '#!/bin/sh\n# mine: {{ stagesync_source_backups_dir }}\n');
    expect(renderTemplate('cleanup.sh.j2', defaults, { cwd: tmp })).to.equal('#!/bin/sh\n# mine: /opt/backups/postgres\n');
    // Others still come from the package.
    expect(renderTemplate('postgresbackup.sh.j2', { ...defaults, inventory_hostname: 'h' }, { cwd: tmp })).to.include('pg_dump');
  });

  it("errors in a user's template name that file, relative to the working directory", () => {
    mkdirSync(join(tmp, 'templates'));
    writeFileSync(join(tmp, 'templates', 'mine.j2'), 'ok\n{{ nope }}\n');
    expect(() => renderTemplate('mine.j2', {}, { cwd: tmp })).to.throw(/^'nope' is undefined$/).with.property('location').that.deep.equals({ file: 'templates/mine.j2', line: 2 });
  });

  it('a missing template is a clear error', () => {
    expect(() => renderTemplate('nope.j2', {}, { cwd: tmp })).to.throw(/template not found: nope\.j2/);
  });
});

describe('template includes', () => {
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'stagesync-inc-'));
    mkdirSync(join(tmp, 'templates'));
    writeFileSync(join(tmp, 'templates', 'part.j2'), 'inc:{{ y }}\n');
    writeFileSync(join(tmp, 'templates', 'main.j2'), 'main\n{% include "part.j2" %}');
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('includes from the same search path, strictly, naming the included file on error', () => {
    expect(renderTemplate('main.j2', { y: 1 }, { cwd: tmp })).to.equal('main\ninc:1\n');
    try {
      renderTemplate('main.j2', {}, { cwd: tmp });
      expect.fail('rendered without y');
    } catch (e) {
      expect((e as UserError).oneLine()).to.equal("templates/part.j2:1: 'y' is undefined");
    }
  });
});
