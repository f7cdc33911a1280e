// End-to-end runs of `orchestrate` against the lab, from a temporary ops directory that starts
// as a copy of the repo's example ops files (inventories/, vars/).
import { execFileSync, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { labConfig, labEnv, psql } from '../../lab/index.js';
import { orchestrate, repoRoot, type CliRun } from '../../support/cli.js';

export class Ops {
  readonly dir = mkdtempSync(join(tmpdir(), 'stagesync-e2e-'));
  constructor() {
    for (const d of ['inventories', 'vars']) cpSync(join(repoRoot, d), join(this.dir, d), { recursive: true });
  }
  write(file: string, content: string): string {
    const path = join(this.dir, file);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, content);
    return path;
  }
  run(args: string[], env: Record<string, string | undefined> = {}): Promise<CliRun> {
    return orchestrate(args, { cwd: this.dir, env: { ...labEnv(), ...env } });
  }
  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * A hook command that drops the SSH connection it runs on, the first time only (the mark file
 * remembers): it kills the sshd process serving the session (the hook's shell is its child; only
 * that one is killed).
 */
export const dropConnectionOnce = (mark: string): string =>
  `[ -e ${mark} ] || { touch ${mark}; [ "$(cat /proc/$PPID/comm)" = sshd ] && kill -9 $PPID; sleep 5; }`;

/** Whole output of a run, for "never printed" checks. */
export const allOutput = (r: CliRun) => `${r.stdout}\n${r.stderr}`;

export async function dbNames(host: string, like: string): Promise<string[]> {
  const out = await psql(host, `SELECT datname FROM pg_database WHERE datname LIKE '${like}' ORDER BY 1`);
  return out ? out.split('\n') : [];
}

/** A fresh `db` on `host` owned by `stage` with a stale table of known content; no _new/_prev. */
export async function staleDest(host: string, db: string): Promise<void> {
  await psql(host, `DROP DATABASE IF EXISTS ${db}_stagesync_new WITH (FORCE); DROP DATABASE IF EXISTS ${db}_stagesync_prev WITH (FORCE); DROP DATABASE IF EXISTS ${db} WITH (FORCE);`);
  await psql(host, `CREATE DATABASE ${db} OWNER stage;`);
  await psql(host, `SET ROLE stage; CREATE TABLE stale(id int primary key, note text); INSERT INTO stale SELECT g, 'old ' || g FROM generate_series(1, 300) g;`, db);
}

/** An ssh-agent of the test's own holding the lab's key (direct transfers forward it with -A). */
export interface SshAgent {
  /** Its socket: the SSH_AUTH_SOCK of the runs that use it. */
  sock: string;
  stop(): void;
}

export async function startSshAgent(dir: string): Promise<SshAgent> {
  const sock = join(dir, 'agent.sock');
  const agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
  for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
  execFileSync('ssh-add', ['-q', labConfig().sshKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
  return { sock, stop: () => agent.kill() };
}
