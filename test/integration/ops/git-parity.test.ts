// Git parity preflight on a throwaway repository: same commit → the run goes on; different
// commits → refused (exit 1, one line naming both refs and commits) before any host is reached;
// a missing repository or ref → bad input (exit 5) naming the variable.
import { expect } from 'chai';
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { checkGitParity } from '../../../src/run/git-parity.js';
import { UserError } from '../../../src/errors.js';
import { orchestrate } from '../../support/cli.js';
import { connectionRecorder, inventory, opsDir, type OpsDir } from './support.js';

describe('git parity preflight (stagesync_compare_git_commits)', function () {
  this.timeout(60_000);
  let ops: OpsDir;
  let rec: Awaited<ReturnType<typeof connectionRecorder>>;
  let first: string;
  let second: string;
  const git = (...args: string[]) => execFileSync('git', ['-C', `${ops.dir}/app`, ...args], { encoding: 'utf8', env: { ...process.env, GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@x', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@x' } }).trim();

  before(async () => {
    rec = await connectionRecorder();
    ops = opsDir({ 'inventories/hosts': inventory(rec.port), 'app/README': 'v1\n' });
    execFileSync('git', ['init', '-q', '-b', 'main', `${ops.dir}/app`]);
    git('add', '.');
    git('commit', '-qm', 'one');
    first = git('rev-parse', 'HEAD');
    git('branch', 'production');
    git('branch', 'staging');
    git('commit', '-q', '--allow-empty', '-m', 'two');
    second = git('rev-parse', 'HEAD');
  });
  after(async () => {
    ops?.remove();
    await rec?.close();
  });

  const vars = (src: string, dst: string, repo = 'app') => ['-e', `stagesync_compare_git_commits=true stagesync_local_repo=${repo} stagesync_source_gitbranch=${src} stagesync_destination_gitbranch=${dst}`];

  it('passes when both refs are one commit', async () => {
    const r = await checkGitParity({ repo: 'app', sourceRef: 'production', destRef: 'staging' }, ops.dir);
    expect(r.commit).to.equal(first);
    const cli = await orchestrate(['--check', ...vars('production', `${first.slice(0, 10)}`)], { cwd: ops.dir, env: ops.env });
    expect(cli.code, cli.stderr).to.equal(0);
    expect(cli.stdout).to.include(`git parity: production and ${first.slice(0, 10)} are both at ${first.slice(0, 12)}`);
  });

  it('refuses different commits with exit 1, in one line, before any host is contacted', async () => {
    const r = await orchestrate([...vars('production', 'main'), '--confirm', 'stage'], { cwd: ops.dir, env: ops.env });
    expect(r.code).to.equal(1);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.include(`ERROR! git parity: production is at ${first.slice(0, 12)} but main is at ${second.slice(0, 12)}`);
    expect(r.stdout).to.not.include('PLAY');
    expect(rec.count(), 'connections to the hosts').to.equal(0);
    const check = await orchestrate(['--check', ...vars('production', 'main')], { cwd: ops.dir, env: ops.env });
    expect(check.code).to.equal(1);
  });

  it('tells the webhook about a refused run', async () => {
    const bodies: string[] = [];
    const srv = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => (bodies.push(b), res.end('ok')));
    });
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    try {
      const hook = `stagesync_notify_webhook=http://127.0.0.1:${(srv.address() as { port: number }).port}/h`;
      const r = await orchestrate([...vars('production', 'main'), '-e', hook, '--confirm', 'stage'], { cwd: ops.dir, env: ops.env });
      expect(r.code).to.equal(1);
      expect(bodies).to.have.length(1);
      const p = JSON.parse(bodies[0]!);
      expect(p.text).to.match(/^stagesync \S+ was refused: localhost git_parity: git parity: production is at /);
      // --check says the same, but nobody is notified of a dry run.
      await orchestrate(['--check', ...vars('production', 'main'), '-e', hook], { cwd: ops.dir, env: ops.env });
      expect(bodies).to.have.length(1);
    } finally {
      srv.closeAllConnections();
      await new Promise((r) => srv.close(r));
    }
  });

  it('reports a missing repository or ref as bad input naming the variable (exit 5)', async () => {
    const cases: [string[], RegExp][] = [
      [vars('production', 'staging', 'nope'), /stagesync_local_repo: .*nope does not exist/],
      [vars('production', 'staging', 'inventories'), /stagesync_local_repo: .*inventories is not a git repository/],
      [vars('v9.9', 'staging'), /stagesync_source_gitbranch: "v9.9" is not a commit, branch or tag/],
      [vars('production', 'origin/develop'), /stagesync_destination_gitbranch: "origin\/develop" is not a commit/],
      [['-e', 'stagesync_compare_git_commits=true'], /stagesync_local_repo: must be set when stagesync_compare_git_commits is true/],
    ];
    for (const [args, message] of cases) {
      const r = await orchestrate(['--check', ...args], { cwd: ops.dir, env: ops.env });
      expect(r.code, r.stderr).to.equal(5);
      expect(r.stderr).to.match(message);
    }
    // A ref is never taken for an option of git.
    await checkGitParity({ repo: 'app', sourceRef: '--help', destRef: 'main' }, ops.dir).then(
      () => expect.fail('accepted'),
      (e: unknown) => expect(e).to.be.instanceOf(UserError).with.property('exitCode', 5),
    );
  });
});
