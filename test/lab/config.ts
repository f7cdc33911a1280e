// Where the lab lives and what it is made of: plain data derived from the environment,
// so every process (cli, tests, demo) computes the same paths without talking to anything.
import { createHash } from 'node:crypto';
import { isAbsolute, join, resolve } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';

export interface LabHost {
  /** Inventory name, also the host's hostname inside its namespace. */
  name: string;
  /** Loopback address its sshd and PostgreSQL listen on (127.0.1.x). */
  address: string;
  sshPort: number;
  pgPort: number;
  /** A second PostgreSQL cluster on this port (stage1: 5433), for a destination off pg_wrapper's default. */
  secondPgPort?: number;
  /** Per-host directory in the state dir (its private /tmp, /opt, ... live under it). */
  root: string;
  role: 'source' | 'dest';
}

export interface LabS3 {
  endpoint: string;
  host: string;
  port: number;
  region: string;
  /** Profiles written to the lab's ~/.aws files (all point at the endpoint). */
  profiles: string[];
  pidFile: string;
  logFile: string;
}

/** The fast in-memory endpoint (fauxqs) beside moto: for speed and scale; no ACLs, no signatures. */
export interface LabFastS3 {
  endpoint: string;
  host: string;
  port: number;
  /** The profile of the lab HOME that points at it. */
  profile: string;
  pidFile: string;
  logFile: string;
}

export interface LabConfig {
  stateDir: string;
  /** The lab HOME (holds .ssh and .aws), used as HOME when running orchestrate/ssh/aws. */
  home: string;
  sshKeyPath: string;
  knownHostsPath: string;
  sshConfigPath: string;
  awsConfigPath: string;
  awsCredentialsPath: string;
  hosts: LabHost[];
  s3: LabS3;
  fastS3: LabFastS3;
  /** PostgreSQL 15 binaries (Debian layout). */
  pgBin: string;
}

export const HOST_NAMES = ['db1', 'stage1', 'stage2', 'dev1'] as const;
/** Directories that are private to each host (bind mounts inside its mount namespace). */
export const PRIVATE_DIRS = ['/tmp', '/opt', '/var/lib/postgresql', '/var/run/postgresql'] as const;
/** Directories the lab state dir must not sit under: they are shadowed inside the namespaces. */
const SHADOWED = [...PRIVATE_DIRS, '/run/postgresql'];

export const S3_REGION = 'us-east-2';
export const S3_PROFILES = ['default', 'production', 'stage'];
/** The lab HOME's profile for the fast endpoint (production's keys; fauxqs checks none). */
export const FAST_PROFILE = 'fast';
/** Static keys per profile; moto accepts anything, distinct keys keep the profiles honest. */
export const S3_KEYS: Record<string, { id: string; secret: string }> = {
  default: { id: 'AKIALABDEFAULT000000', secret: 'lab-default-secret' },
  production: { id: 'AKIALABPRODUCTION000', secret: 'lab-production-secret' },
  stage: { id: 'AKIALABSTAGE00000000', secret: 'lab-stage-secret' },
};

/**
 * Environment knobs (so a second, throw-away lab can run beside the shared one):
 *   STAGESYNC_LAB_DIR     state dir (default <repo>/.lab, or /var/lib/stagesync-lab/<id> when the
 *                         repo itself sits under a shadowed dir, e.g. a clone in /tmp)
 *   STAGESYNC_LAB_SUBNET  first three octets of the host addresses (default 127.0.1)
 *   STAGESYNC_LAB_S3_PORT moto_server port (default 5055)
 *   STAGESYNC_LAB_FAUXQS_PORT the fast endpoint's port (default 5056)
 */
const isShadowed = (dir: string) => SHADOWED.some((d) => dir === d || dir.startsWith(d + '/'));

/** <repo>/.lab, unless the repo is under a dir the hosts shadow: then one per repo under /var/lib. */
function defaultStateDir(): string {
  const beside = join(packageRoot(), '.lab');
  if (!isShadowed(beside)) return beside;
  return join('/var/lib/stagesync-lab', createHash('sha256').update(packageRoot()).digest('hex').slice(0, 12));
}

export function labConfig(env: NodeJS.ProcessEnv = process.env): LabConfig {
  const raw = env.STAGESYNC_LAB_DIR || defaultStateDir();
  const stateDir = isAbsolute(raw) ? raw : resolve(raw);
  for (const d of SHADOWED) {
    if (stateDir === d || stateDir.startsWith(d + '/')) {
      throw new Error(`lab: state dir ${stateDir} is under ${d}, which each lab host shadows; set STAGESYNC_LAB_DIR elsewhere`);
    }
  }
  const subnet = env.STAGESYNC_LAB_SUBNET || '127.0.1';
  if (!/^127\.\d{1,3}\.\d{1,3}$/.test(subnet)) throw new Error(`lab: STAGESYNC_LAB_SUBNET must look like 127.0.1, got ${subnet}`);
  const s3Port = Number(env.STAGESYNC_LAB_S3_PORT || 5055);
  const fastPort = Number(env.STAGESYNC_LAB_FAUXQS_PORT || 5056);
  const home = join(stateDir, 'home');
  const hosts: LabHost[] = HOST_NAMES.map((name, i) => ({
    name,
    address: `${subnet}.${i + 1}`,
    sshPort: 2222,
    pgPort: 5432,
    ...(name === 'stage1' ? { secondPgPort: 5433 } : {}),
    root: join(stateDir, 'hosts', name),
    role: name === 'db1' ? 'source' : 'dest',
  }));
  return {
    stateDir,
    home,
    sshKeyPath: join(home, '.ssh', 'id_ed25519'),
    knownHostsPath: join(home, '.ssh', 'known_hosts'),
    sshConfigPath: join(home, '.ssh', 'config'),
    awsConfigPath: join(home, '.aws', 'config'),
    awsCredentialsPath: join(home, '.aws', 'credentials'),
    hosts,
    s3: {
      endpoint: `http://127.0.0.1:${s3Port}`,
      host: '127.0.0.1',
      port: s3Port,
      region: S3_REGION,
      profiles: S3_PROFILES,
      pidFile: join(stateDir, 's3', 'moto.pid'),
      logFile: join(stateDir, 's3', 'moto.log'),
    },
    fastS3: {
      endpoint: `http://127.0.0.1:${fastPort}`,
      host: '127.0.0.1',
      port: fastPort,
      profile: FAST_PROFILE,
      pidFile: join(stateDir, 's3', 'fauxqs.pid'),
      logFile: join(stateDir, 's3', 'fauxqs.log'),
    },
    pgBin: '/usr/lib/postgresql/15/bin',
  };
}

/** The host of that name, or a clear error. */
export function labHost(name: string, cfg: LabConfig = labConfig()): LabHost {
  const h = cfg.hosts.find((x) => x.name === name);
  if (!h) throw new Error(`lab: no host ${name} (hosts: ${cfg.hosts.map((x) => x.name).join(', ')})`);
  return h;
}
