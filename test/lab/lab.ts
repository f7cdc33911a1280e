// The whole lab: up (deps, hosts, S3), down (stop what we started, unmount, remove), status.
import { execa } from 'execa';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import type { LabConfig } from './config.js';
import { labConfig } from './config.js';
import { ensureDeps } from './deps.js';
import { withLabLock } from './lock.js';
import { hostIsUp, hostsDown, hostsStatus, hostsUp, type HostState } from './hosts.js';
import { fastS3Up, startFastS3, stopFastS3 } from './fauxqs.js';
import { s3Up, startS3Endpoint, stopS3Endpoint } from './s3.js';

export async function labUp(cfg: LabConfig = labConfig(), log: (line: string) => void = () => undefined): Promise<void> {
  await ensureDeps();
  mkdirSync(cfg.stateDir, { recursive: true });
  await withLabLock(cfg, 'up', async () => {
    // S3 and hosts in parallel: moto's start (python imports) is the slowest single piece.
    const s3 = startS3Endpoint(cfg).then((ep) => log(`lab: s3      ${ep}`));
    const fast = startFastS3(cfg).then((ep) => log(`lab: s3 fast ${ep} (fauxqs, profile ${cfg.fastS3.profile})`));
    await Promise.all([hostsUp(cfg, log), s3, fast]);
  });
}

/**
 * Restart the hosts (their data persists; PostgreSQL recovers) so they boot with today's lab:
 * for a lab brought up by an older commit. The S3 endpoint and its objects are left alone.
 */
export async function labRestart(cfg: LabConfig = labConfig(), log: (line: string) => void = () => undefined): Promise<void> {
  await ensureDeps();
  await withLabLock(cfg, 'restart', async () => {
    await hostsUp(cfg, log, true);
    await Promise.all([startS3Endpoint(cfg), startFastS3(cfg)]);
  });
}

/** Mount points on this machine under the state dir (normally none: the mounts live in the host namespaces). */
export function leftoverMounts(cfg: LabConfig): string[] {
  const decode = (s: string) => s.replace(/\\(\d{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => decode(l.split(' ')[4] ?? ''))
    .filter((m) => m === cfg.stateDir || m.startsWith(cfg.stateDir + '/'));
}

export async function labDown(cfg: LabConfig = labConfig()): Promise<void> {
  if (!existsSync(cfg.stateDir)) return;
  // The lock file goes with the state dir: whoever waited recreates both.
  await withLabLock(cfg, 'down', async () => {
    await Promise.all([hostsDown(cfg), stopS3Endpoint(cfg), stopFastS3(cfg)]);
    for (const m of leftoverMounts(cfg).reverse()) await execa('umount', ['-l', m], { reject: false });
    rmSync(cfg.stateDir, { recursive: true, force: true });
  });
}

export interface LabStatus {
  hosts: HostState[];
  s3: { endpoint: string; up: boolean };
  fastS3: { endpoint: string; up: boolean };
  up: boolean;
}

export async function labStatus(cfg: LabConfig = labConfig()): Promise<LabStatus> {
  const [hosts, s3, fast] = await Promise.all([hostsStatus(cfg), s3Up(cfg), fastS3Up(cfg)]);
  return { hosts, s3: { endpoint: cfg.s3.endpoint, up: s3 }, fastS3: { endpoint: cfg.fastS3.endpoint, up: fast }, up: s3 && fast && hosts.every(hostIsUp) };
}
