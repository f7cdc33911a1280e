// Shared fixtures for the bucket tests: the lab's S3 endpoint, a private HOME with ~/.aws profiles,
// uniquely named buckets, deterministic object bodies, and a second moto_server for two-endpoint tests.
import {
  CreateBucketCommand,
  DeleteBucketCommand,
  DeleteObjectsCommand,
  GetObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  type PutObjectCommandInput,
} from '@aws-sdk/client-s3';
import { execa, type ResultPromise } from 'execa';
import { createHash, randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labConfig, s3Up, S3_KEYS, findMotoServer } from '../../lab/index.js';

export const REGION = 'us-east-2';
export const lab = () => labConfig();

/** The bucket tests need only the lab's S3 endpoint. */
export async function requireS3(ctx: Mocha.Context): Promise<void> {
  if (await s3Up(lab())) return;
  const msg = `lab S3 endpoint ${lab().s3.endpoint} is not up: run \`npm run lab -- up\``;
  if (process.env.STAGESYNC_NO_LAB) {
    console.error(`skipped: ${msg}`);
    ctx.skip();
  }
  throw new Error(msg);
}

export interface Profile {
  endpoint: string;
  id: string;
  secret: string;
}

/** A HOME of our own with ~/.aws profiles; `production` and `stage` as the lab's, plus `extra`. */
export function makeAwsHome(extra: Record<string, Profile> = {}): { env: NodeJS.ProcessEnv; dir: string } {
  const dir = mkdtempSync(join(tmpdir(), 'stagesync-buckets-'));
  mkdirSync(join(dir, '.aws'));
  const profiles: Record<string, Profile> = {
    production: { endpoint: lab().s3.endpoint, id: S3_KEYS.production!.id, secret: S3_KEYS.production!.secret },
    stage: { endpoint: lab().s3.endpoint, id: S3_KEYS.stage!.id, secret: S3_KEYS.stage!.secret },
    ...extra,
  };
  const creds: string[] = [];
  const conf: string[] = [];
  for (const [name, p] of Object.entries(profiles)) {
    creds.push(`[${name}]`, `aws_access_key_id = ${p.id}`, `aws_secret_access_key = ${p.secret}`, '');
    conf.push(`[profile ${name}]`, `region = ${REGION}`, `endpoint_url = ${p.endpoint}`, '');
  }
  writeFileSync(join(dir, '.aws', 'credentials'), creds.join('\n'));
  writeFileSync(join(dir, '.aws', 'config'), conf.join('\n'));
  // Only what the engine reads: no AWS_* from the developer's shell leaks in.
  return { env: { HOME: dir, AWS_EC2_METADATA_DISABLED: 'true', PATH: process.env.PATH }, dir };
}

export function client(endpoint: string = lab().s3.endpoint): S3Client {
  return new S3Client({
    endpoint,
    region: REGION,
    forcePathStyle: true,
    credentials: { accessKeyId: S3_KEYS.production!.id, secretAccessKey: S3_KEYS.production!.secret },
  });
}

export function uniqueBucket(tag: string): string {
  return `t-${tag}-${Date.now().toString(36)}-${randomBytes(3).toString('hex')}`.toLowerCase();
}

export async function createBucket(s3: S3Client, tag: string): Promise<string> {
  const name = uniqueBucket(tag);
  await s3.send(new CreateBucketCommand({ Bucket: name, CreateBucketConfiguration: { LocationConstraint: REGION } }));
  return name;
}

/** Deterministic bytes for a key and a variant (a different variant = different bytes, same size). */
export function bytesFor(key: string, size: number, variant = 0): Buffer {
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(`${variant}:${key}`).digest();
  for (let off = 0; off < size; off += block.length) {
    block.copy(out, off);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

export type Obj = Omit<PutObjectCommandInput, 'Bucket' | 'Body'> & { Key: string; Body: Buffer };

export async function runLimited<T>(items: T[], limit: number, fn: (t: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await fn(items[next++]!);
  }));
}

export async function putAll(s3: S3Client, bucket: string, objs: Obj[], limit = 32): Promise<void> {
  await runLimited(objs, limit, async (o) => void (await s3.send(new PutObjectCommand({ Bucket: bucket, ...o }))));
}

export async function listAll(s3: S3Client, bucket: string, prefix?: string): Promise<{ key: string; size: number; etag: string }[]> {
  const out: { key: string; size: number; etag: string }[] = [];
  let token: string | undefined;
  do {
    const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken: token }));
    for (const o of page.Contents ?? []) out.push({ key: o.Key!, size: o.Size ?? 0, etag: o.ETag ?? '' });
    token = page.IsTruncated ? page.NextContinuationToken : undefined;
  } while (token);
  return out;
}

export async function getBytes(s3: S3Client, bucket: string, key: string): Promise<Buffer> {
  const r = await s3.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  return Buffer.from(await r.Body!.transformToByteArray());
}

export const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');

/** Remove a test bucket and everything in it (the lab's moto is shared: give memory back). */
export async function dropBucket(s3: S3Client, bucket: string): Promise<void> {
  try {
    for (;;) {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
      const keys = (page.Contents ?? []).map((o) => ({ Key: o.Key! }));
      if (!keys.length) break;
      await s3.send(new DeleteObjectsCommand({ Bucket: bucket, Delete: { Objects: keys, Quiet: true } }));
    }
    await s3.send(new DeleteBucketCommand({ Bucket: bucket }));
  } catch {
    /* best effort */
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as { port: number }).port;
      srv.close(() => resolve(port));
    });
  });
}

/** A second, private moto_server: a different endpoint whose buckets the lab's cannot see. */
export async function startSecondEndpoint(): Promise<{ endpoint: string; stop: () => Promise<void> }> {
  const port = await freePort();
  const child: ResultPromise = execa(findMotoServer(), ['-H', '127.0.0.1', '-p', String(port)], { reject: false, stdio: 'ignore' });
  const endpoint = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 20_000;
  for (;;) {
    try {
      const r = await fetch(endpoint + '/', { signal: AbortSignal.timeout(1000) });
      await r.arrayBuffer();
      break;
    } catch {
      if (Date.now() > deadline || child.exitCode !== null) throw new Error(`second moto_server on ${endpoint} did not start`);
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  return {
    endpoint,
    stop: async () => {
      child.kill('SIGTERM');
      await child;
    },
  };
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}
