// A lab host = one `unshare` whose child is pid 1 of new mount/uts/ipc/pid namespaces. Its boot
// script bind-mounts the host's private dirs, starts PostgreSQL, then becomes sshd. Killing the
// unshare kills that pid 1 (--kill-child), and the kernel then kills everything else in the ns,
// so nothing a host started can outlive `down`; the private IPC ns takes PostgreSQL's SysV memory along.
import { execa } from 'execa';
import { chmodSync, chownSync, existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { quote } from '../../src/util/shell.js';
import type { LabConfig, LabHost } from './config.js';
import { postgresqlConf, PG_HBA, PGDATA, PGDATA2, PGLOG, PGLOG2 } from './postgres.js';
import { sshdConfigPath, sshdLogPath } from './sshd.js';
import { alive, readPid, stopPid, writePid } from './proc.js';

export const nsPidFile = (h: LabHost): string => join(h.root, 'ns.pid');
export const bootLogPath = (h: LabHost): string => join(h.root, 'log', 'boot.log');
const fs = (h: LabHost, d: string): string => join(h.root, 'fs', d);

/** Private dir on the machine -> mount point inside the host, with the owner and mode Debian has. */
function privateDirs(h: LabHost): { src: string; target: string; owner: 'root' | 'postgres'; mode: number }[] {
  return [
    { src: fs(h, 'tmp'), target: '/tmp', owner: 'root', mode: 0o1777 },
    { src: fs(h, 'opt'), target: '/opt', owner: 'root', mode: 0o755 },
    { src: fs(h, 'var-lib-postgresql'), target: '/var/lib/postgresql', owner: 'postgres', mode: 0o755 },
    { src: fs(h, 'var-run-postgresql'), target: '/var/run/postgresql', owner: 'postgres', mode: 0o2775 },
  ];
}

function postgresIds(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.startsWith('postgres:'));
  if (!line) throw new Error('lab: no postgres user in /etc/passwd');
  const [, , uid, gid] = line.split(':');
  return { uid: Number(uid), gid: Number(gid) };
}

/** /etc/hosts of a host: itself by name, and its lab neighbours. */
function etcHosts(cfg: LabConfig, h: LabHost): string {
  const lines = ['127.0.0.1\tlocalhost', `${h.address}\t${h.name}`];
  for (const o of cfg.hosts) if (o !== h) lines.push(`${o.address}\t${o.name}`);
  lines.push('::1\tlocalhost ip6-localhost ip6-loopback', '');
  return lines.join('\n');
}

/** Debian's /etc/skel-like root .bashrc: nothing that slows a non-interactive shell. */
const ROOT_BASHRC = `# ~/.bashrc of a lab host (test/lab/namespace.ts)\n[ -z "$PS1" ] && return\nexport PS1='\\h:\\w\\$ '\n`;

/** A cluster of the host made from nothing, with the lab's settings (at boot, or by freshCluster). */
export function initdbLines(h: LabHost, data = PGDATA, conf = 'postgresql.conf'): string[] {
  const q = quote;
  const bin = '/usr/lib/postgresql/15/bin';
  return [
    `runuser -u postgres -- ${bin}/initdb -D ${data} -U postgres -E UTF8 --locale=C.UTF-8 --auth-local=peer --auth-host=trust --no-sync --no-instructions >/dev/null`,
    `cat ${q(join(h.root, 'etc', conf))} >> ${data}/postgresql.conf`,
    `cat ${q(join(h.root, 'etc', 'pg_hba.conf'))} > ${data}/pg_hba.conf`,
  ];
}

/** Boot lines of one cluster: initdb the first time, then start it. */
function cluster(h: LabHost, data: string, log: string, conf: string): string[] {
  const bin = '/usr/lib/postgresql/15/bin';
  return [
    `if [ ! -f ${data}/PG_VERSION ]; then`,
    ...initdbLines(h, data, conf).map((l) => `  ${l}`),
    'fi',
    `rm -f ${data}/postmaster.pid`,
    `runuser -u postgres -- ${bin}/pg_ctl -D ${data} -l ${log} -w -t 60 -s start`,
  ];
}

export function bootScript(h: LabHost): string {
  const q = quote;
  const mounts = privateDirs(h).map((d) => `mount --bind ${q(d.src)} ${d.target}`);
  return [
    '#!/bin/sh',
    `# lab host ${h.name}: pid 1 of its own namespaces (written by test/lab/namespace.ts on every up)`,
    'set -eu',
    'cd /',
    `hostname ${q(h.name)}`,
    ...mounts,
    `mount --bind ${q(fs(h, 'hosts'))} /etc/hosts`,
    `mount --bind ${q(fs(h, 'etc-ssh'))} /etc/ssh`,
    // The machine's /root/.bashrc (pyenv, cargo...) costs ~0.5 s per ssh command, as bash reads it
    // for every command sshd starts; a lab host, like a fresh server, has Debian's plain one.
    `if [ -f /root/.bashrc ]; then mount --bind ${q(join(h.root, 'etc', 'root-bashrc'))} /root/.bashrc; fi`,
    // sshd's privilege-separation dir (shared /run; Debian's package creates it at boot).
    'mkdir -p /run/sshd && chmod 755 /run/sshd',
    // A fresh pid namespace reuses small pids: a stale lock could name a live process of this ns.
    'rm -f /var/run/postgresql/.s.PGSQL.*',
    ...cluster(h, PGDATA, PGLOG, 'postgresql.conf'),
    ...(h.secondPgPort ? cluster(h, PGDATA2, PGLOG2, `postgresql-${h.secondPgPort}.conf`) : []),
    'echo "lab: ' + h.name + ' postgres started"',
    `exec /usr/sbin/sshd -D -f ${q(sshdConfigPath(h))} -E ${q(sshdLogPath(h))}`,
    '',
  ].join('\n');
}

/** False when the host was booted by an older lab (its boot.sh differs from today's): restart it. */
export function bootCurrent(h: LabHost): boolean {
  try {
    return readFileSync(join(h.root, 'boot.sh'), 'utf8') === bootScript(h);
  } catch {
    return false;
  }
}

/** Directories, /etc/hosts, PostgreSQL settings and the boot script (rewritten on every up). */
export function prepareHostFiles(cfg: LabConfig, h: LabHost): void {
  const pg = postgresIds();
  for (const d of privateDirs(h)) {
    mkdirSync(d.src, { recursive: true });
    if (d.owner === 'postgres') chownSync(d.src, pg.uid, pg.gid);
    chmodSync(d.src, d.mode);
  }
  mkdirSync(join(h.root, 'etc'), { recursive: true });
  mkdirSync(join(h.root, 'log'), { recursive: true });
  writeFileSync(fs(h, 'hosts'), etcHosts(cfg, h));
  writeFileSync(join(h.root, 'etc', 'postgresql.conf'), postgresqlConf(h));
  if (h.secondPgPort) writeFileSync(join(h.root, 'etc', `postgresql-${h.secondPgPort}.conf`), postgresqlConf(h, h.secondPgPort));
  writeFileSync(join(h.root, 'etc', 'pg_hba.conf'), PG_HBA);
  writeFileSync(join(h.root, 'etc', 'root-bashrc'), ROOT_BASHRC);
  writeFileSync(join(h.root, 'boot.sh'), bootScript(h), { mode: 0o755 });
}

/** Start the host's namespace (detached: it outlives `npm run lab -- up`); returns the unshare pid. */
export function startNamespace(h: LabHost): number {
  const child = execa(
    'unshare',
    ['--mount', '--uts', '--ipc', '--pid', '--fork', '--kill-child', '--mount-proc', '--propagation', 'private', '--', '/bin/sh', join(h.root, 'boot.sh')],
    {
      detached: true,
      cleanup: false,
      reject: false,
      stdin: 'ignore',
      stdout: { file: bootLogPath(h), append: true },
      stderr: { file: bootLogPath(h), append: true },
    },
  );
  child.catch(() => undefined);
  child.unref();
  if (!child.pid) throw new Error(`lab: could not start unshare for ${h.name}`);
  writePid(nsPidFile(h), child.pid);
  return child.pid;
}

/** Pids whose parent is `pid` (the ns's pid 1 is the unshare's only child). */
export function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    try {
      const stat = readFileSync(`/proc/${e}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(e));
    } catch {
      /* exited meanwhile */
    }
  }
  return out;
}

/** The host-visible pid of the namespace's pid 1, if running. */
export function nsInitPid(h: LabHost): number | undefined {
  const u = readPid(nsPidFile(h));
  if (!alive(u)) return undefined;
  return childrenOf(u!).find((p) => alive(p));
}

export const nsRunning = (h: LabHost): boolean => alive(readPid(nsPidFile(h)));

/** Run a command inside the host's namespaces (mount + pid), as root. */
export async function nsExec(h: LabHost, argv: string[], opts: { input?: string } = {}) {
  const init = nsInitPid(h);
  if (!init) throw new Error(`lab: host ${h.name} is not running`);
  return execa('nsenter', ['--target', String(init), '--mount', '--uts', '--ipc', '--pid', '--', ...argv], { reject: false, input: opts.input });
}

/**
 * Stop PostgreSQL (immediate mode: no shutdown checkpoint to write for a lab about to be removed or
 * restarted; it recovers on the next start), then the namespace; waits until every pid of it is gone.
 */
export async function stopNamespace(h: LabHost): Promise<void> {
  const u = readPid(nsPidFile(h));
  if (alive(u)) {
    const init = nsInitPid(h);
    if (init && existsSync(join(h.root, 'fs', 'var-lib-postgresql', '15', 'lab', 'postmaster.pid'))) {
      await nsExec(h, ['runuser', '-u', 'postgres', '--', '/usr/lib/postgresql/15/bin/pg_ctl', '-D', PGDATA, '-m', 'immediate', '-w', '-t', '20', '-s', 'stop']).catch(() => undefined);
    }
    // unshare blocks SIGTERM while it waits for its child, so signal pid 1 (sshd) itself; when it
    // ends, the kernel kills the rest of the ns and unshare exits with it.
    if (init) await stopPid(init, 3000);
    await stopPid(u, 3000);
  }
}
