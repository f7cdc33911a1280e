// The lab's S3 endpoint: one moto_server on loopback, started detached and recorded in a pid file.
// Usable alone (the bucket tests need only this): startS3Endpoint() / stopS3Endpoint() / s3Client().
import { S3Client } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { accessSync, constants, mkdirSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { homedir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { labConfig, S3_KEYS, type LabConfig } from './config.js';
import { writeAwsFiles } from './home.js';
import { alive, readPid, stopPidFile, waitFor, writePid } from './proc.js';

/** moto_server from PATH, else the usual pyenv shims (CI shells may not have them on PATH). */
export function findMotoServer(): string {
  const dirs = [
    ...(process.env.PATH ?? '').split(delimiter).filter(Boolean),
    join(homedir(), '.pyenv', 'shims'),
    '/root/.pyenv/shims',
    '/usr/local/bin',
  ];
  for (const d of dirs) {
    const p = join(d, 'moto_server');
    try {
      accessSync(p, constants.X_OK);
      return p;
    } catch {
      /* next */
    }
  }
  throw new Error(
    'lab: moto_server not found (looked on PATH and in ~/.pyenv/shims). Install it with `pip install "moto[server]"`; the lab needs it for its S3 endpoint.',
  );
}

/** True when something answers HTTP at the endpoint (node:http, not fetch: fetch refuses "bad ports" such as 5060). */
export function s3Answers(cfg: LabConfig = labConfig()): Promise<boolean> {
  return new Promise((resolve) => {
    const req = httpGet(cfg.s3.endpoint + '/', { timeout: 1000 }, (res) => {
      res.resume();
      resolve((res.statusCode ?? 500) < 500);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
  });
}

/** Our moto_server is running (pid alive) and answering. */
export async function s3Up(cfg: LabConfig = labConfig()): Promise<boolean> {
  return alive(readPid(cfg.s3.pidFile)) && (await s3Answers(cfg));
}

/**
 * Start moto_server (idempotent) and write the lab's ~/.aws files.
 * Returns the endpoint URL.
 */
export async function startS3Endpoint(cfg: LabConfig = labConfig()): Promise<string> {
  mkdirSync(dirname(cfg.s3.pidFile), { recursive: true });
  writeAwsFiles(cfg);
  if (alive(readPid(cfg.s3.pidFile))) {
    await waitFor(`S3 endpoint ${cfg.s3.endpoint}`, () => s3Answers(cfg), 15000);
    return cfg.s3.endpoint;
  }
  if (await s3Answers(cfg)) {
    throw new Error(`lab: port ${cfg.s3.port} already answers but not from this lab's moto_server (${cfg.s3.pidFile}); stop it or set STAGESYNC_LAB_S3_PORT`);
  }
  const bin = findMotoServer();
  // Detached with its own session so it outlives `npm run lab -- up`; never killed with the parent.
  const child = execa(bin, ['-H', cfg.s3.host, '-p', String(cfg.s3.port)], {
    detached: true,
    cleanup: false,
    reject: false,
    stdin: 'ignore',
    stdout: { file: cfg.s3.logFile, append: true },
    stderr: { file: cfg.s3.logFile, append: true },
    env: { PYTHONUNBUFFERED: '1' },
  });
  child.catch(() => undefined);
  child.unref();
  if (!child.pid) throw new Error(`lab: could not start ${bin}`);
  writePid(cfg.s3.pidFile, child.pid);
  try {
    await waitFor(`moto_server on ${cfg.s3.endpoint} (log: ${cfg.s3.logFile})`, async () => {
      if (!alive(child.pid)) throw new Error(`lab: moto_server exited at start; see ${cfg.s3.logFile}`);
      return s3Answers(cfg);
    }, 20000, 150);
  } catch (e) {
    await stopPidFile(cfg.s3.pidFile);
    throw e;
  }
  return cfg.s3.endpoint;
}

export async function stopS3Endpoint(cfg: LabConfig = labConfig()): Promise<void> {
  await stopPidFile(cfg.s3.pidFile);
}

/** An S3 client for the lab endpoint with a profile's keys (path-style: moto has no bucket DNS). */
export function s3Client(profile = 'default', cfg: LabConfig = labConfig()): S3Client {
  const k = S3_KEYS[profile];
  if (!k) throw new Error(`lab: no S3 profile ${profile} (profiles: ${Object.keys(S3_KEYS).join(', ')})`);
  return new S3Client({
    endpoint: cfg.s3.endpoint,
    region: cfg.s3.region,
    forcePathStyle: true,
    credentials: { accessKeyId: k.id, secretAccessKey: k.secret },
  });
}
