// Preflight's one-trip FACTS script, run by a real sh against stand-in tools on a PATH of their
// own (the only way to have a tool missing): versions parsed by tag whatever order the parallel
// checks finish in, a missing tool named, a failing server query named, and the checks side by
// side with the query (on Debian each goes through a Perl wrapper that takes ~0.1 s to start).
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { gatherFacts } from '../../../src/steps/preflight.js';
import type { Command, ExecResult, Host } from '../../../src/transport/types.js';

describe('preflight: the facts script against stand-in tools', () => {
  let dir: string;
  const user = userInfo().username;
  /** A Host that runs argv here with PATH = the stand-ins only (become is ignored: same user). */
  const host = (): Host =>
    ({
      name: 'h',
      exec: async (cmd: Command): Promise<ExecResult> => {
        const argv = (cmd as { argv: string[] }).argv;
        const r = spawnSync(argv[0]!, argv.slice(1), { env: { PATH: dir }, encoding: 'utf8' });
        return { code: r.status, stdout: r.stdout, stderr: r.stderr };
      },
    }) as unknown as Host;
  const tool = (name: string, body: string) => {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  };
  const version = (name: string, v: string, delay = '0') => tool(name, `[ "$1" = --version ] && { sleep ${delay}; echo "${name} (PostgreSQL) ${v}"; exit 0; }`);
  const params = { backupUser: user, database: 'app', dirs: ['/tmp'] };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'stagesync-facts-'));
    for (const t of ['id', 'df', 'awk', 'dirname', 'sleep', 'sh']) symlinkSync(execFileSync('sh', ['-c', `command -v ${t}`], { encoding: 'utf8' }).trim(), join(dir, t));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('reads each version by its tag, the server, and the free space', async () => {
    version('pg_dump', '16.2', '0.3');
    version('pg_restore', '15.18', '0.1');
    tool('psql', '[ "$1" = --version ] && { echo "psql (PostgreSQL) 14.11"; exit 0; }\necho "150018|4242"');
    const f = await gatherFacts(host(), params);
    expect(f.tools).to.deep.equal({ pg_dump: 16, pg_restore: 15, psql: 14 });
    expect(f.serverMajor).to.equal(15);
    expect(f.dbSize).to.equal(4242);
    expect(f.free['/tmp']).to.be.greaterThan(0);
  });

  it('where a copy will live: the data directory, and the socket psql reached the server on', async () => {
    version('pg_dump', '15.18');
    version('pg_restore', '15.18');
    tool('psql', '[ "$1" = --version ] && { echo "psql (PostgreSQL) 15.18"; exit 0; }\necho "150018|4242|/run/pg-5433|5433|/srv/pg data"');
    const f = await gatherFacts(host(), { ...params, withDataDir: true });
    expect(f.pg).to.deep.equal({ socketDir: '/run/pg-5433', port: 5433 });
    expect(f.dataDir).to.equal('/srv/pg data');
    expect(f.free['/srv/pg data']).to.be.greaterThan(0);
    // Reached over TCP (no socket): the relay keeps its default.
    tool('psql', '[ "$1" = --version ] && { echo "psql (PostgreSQL) 15.18"; exit 0; }\necho "150018|4242||5432|/data"');
    expect((await gatherFacts(host(), { ...params, withDataDir: true })).pg).to.equal(undefined);
  });

  it('names a tool that is not on PATH', async () => {
    version('pg_dump', '15.18');
    tool('psql', '[ "$1" = --version ] && { echo "psql (PostgreSQL) 15.18"; exit 0; }\necho "150018|1"');
    const err = await gatherFacts(host(), params).then(() => null, (e: Error) => e);
    expect(err?.message).to.include(`pg_restore is not installed or not on PATH for ${user}`);
  });

  it('names psql when the server query fails, with its exit code', async () => {
    version('pg_dump', '15.18');
    version('pg_restore', '15.18');
    tool('psql', '[ "$1" = --version ] && { echo "psql (PostgreSQL) 15.18"; exit 0; }\necho "could not connect" >&2; exit 2');
    const err = await gatherFacts(host(), params).then(() => null, (e: Error) => e);
    expect(err?.message).to.match(/psql exited with 2/);
  });

  it('runs the version checks side by side with the server query', async () => {
    version('pg_dump', '15.18', '0.6');
    version('pg_restore', '15.18', '0.6');
    tool('psql', '[ "$1" = --version ] && { sleep 0.6; echo "psql (PostgreSQL) 15.18"; exit 0; }\nsleep 0.6; echo "150018|1"');
    const started = Date.now();
    await gatherFacts(host(), params);
    expect(Date.now() - started).to.be.below(1800); // one after the other: 2.4 s
  });
});
