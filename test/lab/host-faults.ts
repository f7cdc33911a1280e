// Faults a lab host can be made to suffer mid-run (the fault suite and bench/soak.ts): its ssh
// sessions cut, its PostgreSQL restarted, a process killed, a directory made full.
import { readFileSync } from 'node:fs';
import { labConfig, labHost, type LabConfig } from './config.js';
import { childrenOf, initdbLines, nsExec, nsInitPid } from './namespace.js';
import { PGDATA, PGLOG } from './postgres.js';

/** The command name of a pid ('' once it is gone). */
function commOf(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

/**
 * SIGKILL every per-connection sshd of the host (children of its listening sshd, never the
 * listener itself): every ssh connection to it drops at once, as on a network cut. Returns how many.
 */
export function killSshSessions(host: string, cfg: LabConfig = labConfig()): number {
  const listener = nsInitPid(labHost(host, cfg));
  if (!listener) throw new Error(`lab: host ${host} is not running`);
  const sessions = childrenOf(listener).filter((pid) => commOf(pid) === 'sshd');
  for (const pid of sessions) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      /* ended meanwhile */
    }
  }
  return sessions.length;
}

async function inHost(host: string, argv: string[], cfg: LabConfig): Promise<string> {
  const r = await nsExec(labHost(host, cfg), argv);
  if (r.exitCode !== 0) throw new Error(`lab: ${argv.join(' ')} on ${host} failed (${r.exitCode}): ${String(r.stderr).trim()}`);
  return String(r.stdout);
}

/** Restart the host's PostgreSQL (fast mode: sessions are ended, as by a crash-free restart). */
export async function restartPostgres(host: string, cfg: LabConfig = labConfig()): Promise<void> {
  await inHost(host, ['runuser', '-u', 'postgres', '--', `${cfg.pgBin}/pg_ctl`, '-D', PGDATA, '-m', 'fast', '-w', '-t', '60', '-s', 'restart', '-l', `${PGDATA}/../lab.log`], cfg);
}

/**
 * The host's PostgreSQL cluster replaced by a new, empty one (data directory and WAL made anew):
 * nothing an earlier run wrote is left in its files. Roles are the caller's to create.
 */
export async function freshCluster(host: string, cfg: LabConfig = labConfig()): Promise<void> {
  const pgCtl = `runuser -u postgres -- ${cfg.pgBin}/pg_ctl -D ${PGDATA}`;
  const script = [`${pgCtl} -m fast -w -t 60 -s stop`, `rm -rf ${PGDATA}`, ...initdbLines(labHost(host, cfg)), `${pgCtl} -l ${PGLOG} -w -t 60 -s start`].join(' && ');
  await inHost(host, ['sh', '-c', script], cfg);
}

/**
 * SIGKILL the processes named exactly `name` (e.g. pg_dump) that still run (a zombie has done its
 * work: killing it is no fault); returns how many the signal reached.
 */
export async function killProcesses(host: string, name: string, cfg: LabConfig = labConfig()): Promise<number> {
  const listed = String((await nsExec(labHost(host, cfg), ['ps', '-C', name, '-o', 'pid=,stat='])).stdout);
  const live = listed.split('\n').map((l) => l.trim().split(/\s+/)).filter(([pid, stat]) => pid && stat && !stat.startsWith('Z')).map(([pid]) => pid!);
  if (!live.length) return 0;
  const killed = await nsExec(labHost(host, cfg), ['sh', '-c', 'n=0; for p; do kill -KILL "$p" 2>/dev/null && n=$((n + 1)); done; echo "$n"', 'sh', ...live]);
  return Number(String(killed.stdout).trim());
}

/** How many processes whose command line holds `text` run (pgrep -f). */
export async function processesRunning(host: string, text: string, cfg: LabConfig = labConfig()): Promise<number> {
  return String((await nsExec(labHost(host, cfg), ['pgrep', '-f', '--', text])).stdout).split('\n').filter(Boolean).length;
}

/** A small tmpfs on `dir` inside the host (its mount namespace only), owned by `owner`. */
export async function mountSmallFs(host: string, dir: string, opts: { sizeKiB: number; owner: string }, cfg: LabConfig = labConfig()): Promise<void> {
  await inHost(host, ['mkdir', '-p', dir], cfg);
  await inHost(host, ['mount', '-t', 'tmpfs', '-o', `size=${opts.sizeKiB}k,mode=0755`, 'stagesync-fault', dir], cfg);
  await inHost(host, ['chown', `${opts.owner}:`, dir], cfg);
}

/** Undo mountSmallFs (lazy: a process still inside does not keep it) and remove the mount point. */
export async function unmountSmallFs(host: string, dir: string, cfg: LabConfig = labConfig()): Promise<void> {
  const mounted = await nsExec(labHost(host, cfg), ['mountpoint', '-q', dir]);
  if (mounted.exitCode === 0) await inHost(host, ['umount', '-l', dir], cfg);
  await nsExec(labHost(host, cfg), ['rmdir', dir]);
}

/** Write `kib` KiB of ballast into `dir` inside the host (as much as fits: a full disk is the point). */
export async function fillDir(host: string, dir: string, kib: number, cfg: LabConfig = labConfig()): Promise<void> {
  await nsExec(labHost(host, cfg), ['dd', 'if=/dev/zero', `of=${dir}/stagesync-fault-ballast`, 'bs=64k', `count=${Math.ceil(kib / 64)}`, 'status=none']);
}

/** Remove fillDir's ballast. */
export async function emptyDir(host: string, dir: string, cfg: LabConfig = labConfig()): Promise<void> {
  await inHost(host, ['rm', '-f', `${dir}/stagesync-fault-ballast`], cfg);
}
