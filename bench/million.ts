// A million keys on the lab's fast endpoint (issue 16): the source and destination buckets hold
// N 0-byte objects each, except `--changed` of the source's, which hold one byte; an incremental
// `orchestrate -t files` run must copy exactly those, with the controller's peak RSS ≤ 200 MB.
//
//   npx tsx bench/million.ts [--keys 1000000] [--changed 1000] [--heap MB] [--cpu-prof DIR]
// Needs the lab's fauxqs (`npm run lab -- up`) and a build (`npm run build`): the run is the CLI
// from dist/ under /usr/bin/time, so the RSS is the controller's alone. The buckets are filled once
// with plain unsigned PUTs (fauxqs checks no signatures; the SDK would take ~20 min of CPU) and kept.
import { execa } from 'execa';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labConfig, labEnv } from '../test/lab/index.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => (args.includes(`--${name}`) ? Number(args[args.indexOf(`--${name}`) + 1]) : dflt);
const KEYS = opt('keys', 1_000_000);
const CHANGED = opt('changed', 1000);
/** --heap MB: cap the controller's V8 old space (shows whether the peak is live data or lazy GC). */
const HEAP = opt('heap', 0);
/** --cpu-prof DIR: write the controller's CPU profile there (where the time per listed key goes). */
const PROF = args.includes('--cpu-prof') ? args[args.indexOf('--cpu-prof') + 1] : undefined;
const cfg = labConfig();
const base = new URL(cfg.fastS3.endpoint);
const agent = new Agent({ keepAlive: true, maxSockets: 64 });
const SRC = `million-src-${KEYS}`;
const DST = `million-dst-${KEYS}`;
const keyOf = (i: number) => `m/${i % 997}/k${i}`;
/** Evenly spread over the key space: every (KEYS / CHANGED)-th key. */
const isChanged = (i: number) => i % Math.floor(KEYS / CHANGED) === 0;

function http(method: string, path: string, body = ''): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ agent, host: base.hostname, port: base.port, method, path, headers: { 'content-length': Buffer.byteLength(body) } }, (res) => {
      let text = '';
      res.on('data', (c) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function fill(bucket: string, bodyOf: (i: number) => string): Promise<void> {
  const marker = `/${bucket}/zz-filled`;
  if ((await http('HEAD', marker)).status === 200) return;
  await http('PUT', `/${bucket}`);
  const t0 = Date.now();
  let next = 0;
  const worker = async () => {
    while (next < KEYS) {
      const i = next++;
      const r = await http('PUT', `/${bucket}/${keyOf(i)}`, bodyOf(i));
      if (r.status !== 200) throw new Error(`PUT ${keyOf(i)}: HTTP ${r.status}`);
      if (i % 100_000 === 0) console.log(`  ${bucket}: ${i} keys, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
    }
  };
  await Promise.all(Array.from({ length: 64 }, worker));
  await http('PUT', marker);
  console.log(`${bucket}: ${KEYS} keys in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
}

/** Resident memory of the fauxqs process, from /proc. */
const serverRss = () => {
  const pid = readFileSync(cfg.fastS3.pidFile, 'utf8').trim().split(/\s+/)[0];
  return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
};

async function main(): Promise<void> {
  await fill(DST, () => '');
  await fill(SRC, (i) => (isChanged(i) ? 'x' : ''));
  // The destination's copies of the changed keys go back to 0 bytes, so every run starts alike.
  for (let i = 0; i < KEYS; i++) if (isChanged(i)) await http('PUT', `/${DST}/${keyOf(i)}`, '');
  console.log(`fauxqs RSS with ${2 * KEYS} objects: ${serverRss().toFixed(0)} MiB`);
  const ops = mkdtempSync(join(tmpdir(), 'stagesync-million-'));
  writeFileSync(join(ops, 'hosts'), 'localhost ansible_connection=local\n');
  writeFileSync(
    join(ops, 'vars.yml'),
    `stagesync_dest_hosts: localhost\nstagesync_copies:\n  - {description: million, source_bucket: ${SRC}, dest_bucket: ${DST}, aws_profile: ${cfg.fastS3.profile}, delete: true}\n`,
  );
  const bin = join(import.meta.dirname, '..', 'dist', 'bin', 'orchestrate.js');
  const r = await execa('/usr/bin/time', ['-f', 'TIME %e %U %S %M', process.execPath, ...(HEAP ? [`--max-old-space-size=${HEAP}`] : []), ...(PROF ? ['--cpu-prof', `--cpu-prof-dir=${PROF}`] : []), bin, '-i', 'hosts', '-e', 'vars.yml', '-t', 'files', '-v'], {
    cwd: ops,
    env: { ...process.env, ...labEnv(cfg), AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    reject: false,
  });
  rmSync(ops, { recursive: true, force: true });
  const [wall, user, sys, rssKb] = (/TIME (\S+) (\S+) (\S+) (\d+)\s*$/.exec(r.stderr) ?? []).slice(1).map(Number);
  const line = /bucket_copy => million: .*/.exec(r.stdout)?.[0] ?? r.stdout.slice(-800);
  console.log(`exit ${r.exitCode}: ${line}`);
  console.log(`${KEYS} keys each side, ${CHANGED} changed: ${wall} s wall, ${(user! + sys!).toFixed(1)} s CPU, peak RSS ${(rssKb! / 1024).toFixed(0)} MiB (${((rssKb! * 1024) / 1e6).toFixed(0)} MB; goal ≤ 200 MB)`);
  console.log(`fauxqs RSS after the run: ${serverRss().toFixed(0)} MiB`);
  agent.destroy();
}

main().catch((e) => {
  console.error(`bench: ${(e as Error).message}`);
  process.exit(1);
});
