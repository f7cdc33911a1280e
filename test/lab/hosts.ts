// Bring the lab hosts up and down (all in parallel), and tell whether each one is up.
import { existsSync, readFileSync } from 'node:fs';
import { connect } from 'node:net';
import type { LabConfig, LabHost } from './config.js';
import { writeKnownHosts, writeSshConfig } from './home.js';
import { bootCurrent, bootLogPath, nsRunning, prepareHostFiles, startNamespace, stopNamespace } from './namespace.js';
import { waitFor } from './proc.js';
import { ensureKey, prepareSshd, writeHostSshClient } from './sshd.js';

/** True when something accepts TCP at addr:port. */
export function tcpOpen(address: string, port: number, ms = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port });
    const done = (ok: boolean) => {
      s.destroy();
      resolve(ok);
    };
    s.setTimeout(ms, () => done(false));
    s.once('connect', () => done(true));
    s.once('error', () => done(false));
  });
}

export interface HostState {
  name: string;
  address: string;
  running: boolean;
  ssh: boolean;
  postgres: boolean;
}

export async function hostState(h: LabHost): Promise<HostState> {
  const running = nsRunning(h);
  const second = async () => !h.secondPgPort || tcpOpen(h.address, h.secondPgPort);
  const [ssh, postgres, postgres2] = running ? await Promise.all([tcpOpen(h.address, h.sshPort), tcpOpen(h.address, h.pgPort), second()]) : [false, false, false];
  return { name: h.name, address: h.address, running, ssh, postgres: postgres && postgres2 };
}

const isUp = (s: HostState): boolean => s.running && s.ssh && s.postgres;

function tail(file: string, lines = 15): string {
  if (!existsSync(file)) return '(no log)';
  return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

type Action = 'started' | 'running' | 'restarted' | 'restarted (it was booted by an older lab)';

/**
 * Start one host unless it is already up; restart it when asked, or when it was booted by an older
 * version of the lab (so a lab left running across commits always matches the code).
 */
async function hostUp(cfg: LabConfig, h: LabHost, pub: string, restart = false): Promise<{ pub: string; action: Action }> {
  const st = await hostState(h);
  const current = bootCurrent(h);
  if (isUp(st) && !restart && current) return { pub, action: 'running' };
  const action: Action = !st.running ? 'started' : restart ? 'restarted' : current ? 'restarted' : 'restarted (it was booted by an older lab)';
  // Half up (e.g. postgres died): restart the whole host; its data dirs persist.
  if (st.running) await stopNamespace(h);
  for (const [what, port] of [['ssh', h.sshPort], ['postgres', h.pgPort], ...(h.secondPgPort ? [['postgres', h.secondPgPort] as const] : [])] as const) {
    if (await tcpOpen(h.address, port)) {
      throw new Error(`lab: ${h.address}:${port} (${h.name} ${what}) is taken by a process this lab did not start; set STAGESYNC_LAB_SUBNET`);
    }
  }
  prepareHostFiles(cfg, h);
  startNamespace(h);
  await waitFor(`${h.name} (sshd ${h.address}:${h.sshPort}, postgres :${h.pgPort})`, async () => {
    if (!nsRunning(h)) throw new Error(`lab: host ${h.name} failed to boot:\n${tail(bootLogPath(h))}`);
    return isUp(await hostState(h));
  }, 60000, 100).catch((e: Error) => {
    throw new Error(`${e.message}\n--- ${bootLogPath(h)}\n${tail(bootLogPath(h))}`);
  });
  return { pub, action };
}

/** Every host up (idempotent); the lab HOME's ssh key, known_hosts and config written. */
export async function hostsUp(cfg: LabConfig, log: (line: string) => void = () => undefined, restart = false): Promise<void> {
  const clientPub = await ensureKey(cfg.sshKeyPath, 'stagesync-lab');
  // Every host key first: each host's /etc/ssh/ssh_known_hosts lists all of them.
  const pubs = await Promise.all(cfg.hosts.map((h) => prepareSshd(cfg, h, clientPub)));
  const all = Object.fromEntries(cfg.hosts.map((h, i) => [h.name, pubs[i]!]));
  for (const h of cfg.hosts) writeHostSshClient(cfg, h, all);
  const results = await Promise.allSettled(cfg.hosts.map((h, i) => hostUp(cfg, h, pubs[i]!, restart)));
  const keys: Record<string, string> = {};
  const errors: string[] = [];
  results.forEach((r, i) => {
    const h = cfg.hosts[i]!;
    if (r.status === 'fulfilled') {
      keys[h.name] = r.value.pub;
      log(`lab: ${h.name.padEnd(7)} ${h.address}  ssh :${h.sshPort}  postgres :${h.pgPort}  ${r.value.action}`);
    } else errors.push(String((r.reason as Error).message ?? r.reason));
  });
  writeKnownHosts(cfg, keys);
  writeSshConfig(cfg);
  if (errors.length) throw new Error(errors.join('\n'));
}

export async function hostsDown(cfg: LabConfig): Promise<void> {
  await Promise.all(cfg.hosts.map((h) => stopNamespace(h)));
}

export async function hostsStatus(cfg: LabConfig): Promise<HostState[]> {
  return Promise.all(cfg.hosts.map((h) => hostState(h)));
}

export { isUp as hostIsUp };
