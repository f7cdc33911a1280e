// The Stage Sync role's preflight: with stagesync_compare_git_commits, the code deployed on
// both sides (two refs of a local clone) must be the same commit, else the restored schema
// would not match the destination's code. Local and read-only (git rev-parse), so it runs
// before anything else, in --check too. No fetch: the clone is as fresh as the user keeps it.
import { execa } from 'execa';
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { ExitCode, UserError } from '../errors.js';

export interface GitParityPlan {
  /** stagesync_local_repo, as given (relative to the current directory). */
  repo: string | null;
  sourceRef: string;
  destRef: string;
}

export interface GitParityResult {
  commit: string;
  line: string;
}

async function git(repo: string, args: string[]): Promise<{ ok: boolean; out: string; err: string }> {
  const r = await execa('git', ['-C', repo, ...args], { reject: false, env: { GIT_TERMINAL_PROMPT: '0', LC_ALL: 'C' } });
  return { ok: r.exitCode === 0, out: String(r.stdout).trim(), err: String(r.stderr).trim() };
}

async function resolveRef(repo: string, ref: string, variable: string): Promise<string> {
  const r = await git(repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${ref}^{commit}`]);
  if (!r.ok || !/^[0-9a-f]{40,64}$/.test(r.out)) {
    throw new UserError(`${JSON.stringify(ref)} is not a commit, branch or tag of ${repo} (fetch it first?)`, { path: variable });
  }
  return r.out;
}

/**
 * Resolves both refs. Missing repository or ref: bad input (exit 5, naming the variable).
 * Different commits: the run is refused (exit 1, an error that is nobody's typo).
 */
export async function checkGitParity(p: GitParityPlan, cwd = process.cwd()): Promise<GitParityResult> {
  if (!p.repo) throw new UserError('stagesync_compare_git_commits is true but no repository is given', { path: 'stagesync_local_repo' });
  const repo = resolve(cwd, p.repo);
  if (!existsSync(repo) || !statSync(repo).isDirectory()) throw new UserError(`${repo} does not exist or is not a directory`, { path: 'stagesync_local_repo' });
  const top = await git(repo, ['rev-parse', '--git-dir']);
  if (!top.ok) throw new UserError(`${repo} is not a git repository: ${top.err.split('\n')[0]}`, { path: 'stagesync_local_repo' });
  const source = await resolveRef(repo, p.sourceRef, 'stagesync_source_gitbranch');
  const dest = await resolveRef(repo, p.destRef, 'stagesync_destination_gitbranch');
  if (source !== dest) {
    throw new UserError(
      `git parity: ${p.sourceRef} is at ${source.slice(0, 12)} but ${p.destRef} is at ${dest.slice(0, 12)} in ${repo}; refusing to sync (deploy the same commit on both sides, or set stagesync_compare_git_commits: false)`,
      {},
      ExitCode.error,
    );
  }
  return { commit: source, line: `git parity: ${p.sourceRef} and ${p.destRef} are both at ${source.slice(0, 12)}` };
}
