// The lab's typed API for tests, benchmarks and the demo: the only way into test/lab/ from outside
// it (and the lab's own tests), checked by test/unit/deps.test.ts. Everything takes the lab from
// the environment (STAGESYNC_LAB_DIR, STAGESYNC_LAB_SUBNET, STAGESYNC_LAB_S3_PORT, STAGESYNC_LAB_FAUXQS_PORT) unless given a config.
import { labConfig, type LabConfig } from './config.js';
import { labEnvOf } from './home.js';
import { labStatus } from './lab.js';

export { labConfig, labHost, HOST_NAMES, PRIVATE_DIRS, S3_KEYS, type LabConfig, type LabHost, type LabS3, type LabFastS3 } from './config.js';
export { labUp, labDown, labRestart, labStatus, leftoverMounts, type LabStatus } from './lab.js';
export { labSeed } from './seed.js';
export { psql } from './postgres.js';
export { sshExec, sshArgs, type SshResult } from './ssh.js';
export { s3Client, s3Up, startS3Endpoint, stopS3Endpoint, findMotoServer } from './s3.js';
export { fastS3Client, fastS3Up, startFastS3, stopFastS3 } from './fauxqs.js';
export { startFaultProxy, objectKeyOf, type FaultProxy } from './fault-proxy.js';
export { nsExec, bootScript } from './namespace.js';
export { freshCluster, killSshSessions, restartPostgres, killProcesses, processesRunning, mountSmallFs, unmountSmallFs, fillDir, emptyDir } from './host-faults.js';
export { SlowTcpProxy, type SlowProxyOptions } from './slow-tcp-proxy.js';

/** Variables to merge onto process.env to run orchestrate, ssh or aws against the lab. */
export function labEnv(cfg: LabConfig = labConfig()): Record<string, string> {
  return labEnvOf(cfg);
}

/**
 * For integration tests: resolves when the whole lab is up; otherwise throws a clear error.
 * Pass mocha's `this` (in a `before`) to skip instead — only when STAGESYNC_NO_LAB is set, so a
 * broken lab in CI fails loudly rather than skipping silently.
 */
export async function requireLab(ctx?: { skip(): void }, cfg: LabConfig = labConfig()): Promise<void> {
  const st = await labStatus(cfg);
  if (st.up) return;
  const down = [...st.hosts.filter((h) => !(h.running && h.ssh && h.postgres)).map((h) => h.name), ...(st.s3.up ? [] : ['s3']), ...(st.fastS3.up ? [] : ['s3 fast'])];
  const msg = `lab is not up (${down.join(', ')} down; state ${cfg.stateDir}): run \`npm run lab -- up\``;
  if (ctx && process.env.STAGESYNC_NO_LAB) {
    console.error(`skipped: ${msg}`);
    ctx.skip();
  }
  throw new Error(msg);
}
