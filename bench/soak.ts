// Fault soak (issue 17): N syncs db1 → stage2 in a row, one random fault of bench/soak-faults.ts
// at a random moment of each; after each run it checks that the exit code agrees with what
// happened (never 0 after a fault that hit, unless retries are meant to absorb it), that the
// recap and the --report file are there (after a SIGKILL: those of the rerun), that the
// destination is the old or the new copy, whole (fingerprint), and that the source is unchanged.
// Then one clean run. Prints a table of faults × outcomes.
//
//   npx tsx bench/soak.ts [--runs 50] [--seed N] [--json FILE] [--transfer direct]
//
// --transfer direct: stage2 pulls the dump from db1 itself (the controller's agent forwarded).
//
// Not part of the test suite. Needs the lab up and seeded; uses db1's production, stage2's
// soak_stage and a bucket of its own. Builds nothing: runs dist/ when built, else the sources.
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { checksums } from '../test/integration/steps/support.js';
import { Ops, staleDest, startSshAgent, type SshAgent } from '../test/integration/run/support.js';
import { startOrchestrate } from '../test/support/live-run.js';
import type { CliRun } from '../test/support/cli.js';
import { DEST, FAULTS, type Fault, type SoakCtx } from './soak-faults.js';
import { labConfig, labEnv, psql, requireLab, s3Client, startFaultProxy } from '../test/lab/index.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1] : undefined);
const RUNS = Number(opt('runs') ?? 50);
const JSON_OUT = opt('json');
const TRANSFER = opt('transfer') ?? 'stream';
let seed = Number(opt('seed') ?? Date.now() % 100_000);
const SEED = seed;
/** mulberry32: a run can be replayed with --seed. */
const random = () => {
  seed = (seed + 0x6d2b79f5) >>> 0;
  let t = seed;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};

const DB = 'soak_stage';
const TMP = `/tmp/${DB}`;
const BUCKET = `soak-${Date.now().toString(36)}`;

interface Row {
  run: number;
  fault: string;
  hit: boolean;
  code: number;
  /** Problems found (empty: consistent). */
  problems: string[];
  dest: 'old' | 'new' | 'mixed';
  seconds: number;
}

async function main(): Promise<void> {
  await requireLab();
  const cfg = labConfig();
  const ops = new Ops();
  const report = join(ops.dir, 'report.json');
  if (TRANSFER !== 'stream' && TRANSFER !== 'direct') throw new Error(`--transfer: stream or direct, not ${TRANSFER}`);
  const direct = TRANSFER === 'direct' ? ['stagesync_transfer: direct', 'ansible_ssh_extra_args: -A'] : [];
  ops.write('vars/soak.yml', [`stagesync_dest_hosts: ${DEST}`, `stagesync_destdb: ${DB}`, `stagesync_source_backups_dir: /opt/backups/${DB}`, `stagesync_dest_tmp_dir: ${TMP}`, 'stagesync_copies: []', ...direct, ''].join('\n'));
  agent = direct.length ? await startSshAgent(ops.dir) : undefined;
  const proxy = await startFaultProxy({ target: cfg.s3.endpoint, seed: SEED });
  const awsConfig = join(ops.dir, 'aws-config');
  writeFileSync(awsConfig, readFileSync(join(cfg.home, '.aws', 'config'), 'utf8').split(cfg.s3.endpoint).join(proxy.endpoint));
  await s3Client('production').send(new CreateBucketCommand({ Bucket: BUCKET }));
  const ctx: SoakCtx = {
    db: DB,
    tmpDir: TMP,
    proxy,
    random,
    direct: direct.length > 0,
    writeOps: (file, content) => (content === undefined ? rmSync(join(ops.dir, file), { force: true }) : void ops.write(file, content)),
  };
  const source = await checksums('db1', 'production');
  const rows: Row[] = [];
  try {
    for (let i = 1; i <= RUNS; i++) {
      const fault = FAULTS[Math.floor(random() * FAULTS.length)]!;
      rows.push(await soakOne(i, fault, { ctx, ops, report, awsConfig, source }));
      const r = rows.at(-1)!;
      console.log(`${String(i).padStart(3)} ${fault.name.padEnd(28)} exit ${String(r.code).padStart(3)} ${r.hit ? 'hit ' : 'miss'} dest ${r.dest.padEnd(5)} ${r.seconds.toFixed(1)}s ${r.problems.join('; ')}`);
    }
    const clean = await once({ ops, report, awsConfig, args: [] });
    const cleanDest = await fingerprint();
    const cleanOk = clean.code === 0 && JSON.stringify(cleanDest) === JSON.stringify(source);
    console.log(`clean run: exit ${clean.code}, destination ${cleanOk ? 'the new copy, whole' : 'NOT the new copy'}`);
    printTable(rows, cleanOk);
    if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ seed: SEED, rows, cleanOk }, null, 2));
  } finally {
    agent?.stop();
    await proxy.close();
    ops.remove();
  }
}

const fingerprint = () => checksums(DEST, DB);
/** With --transfer direct: the agent the destination's pull uses. */
let agent: SshAgent | undefined;
const runEnv = (awsConfig: string) => ({ ...labEnv(), AWS_CONFIG_FILE: awsConfig, ...(agent ? { SSH_AUTH_SOCK: agent.sock } : {}) });

function once(p: { ops: Ops; report: string; awsConfig: string; args: string[] }) {
  rmSync(p.report, { force: true });
  return startOrchestrate(['-e', 'vars/soak.yml', '-v', '--report', p.report, ...p.args], { cwd: p.ops.dir, env: runEnv(p.awsConfig) }).result;
}

async function soakOne(i: number, fault: Fault, s: { ctx: SoakCtx; ops: Ops; report: string; awsConfig: string; source: Record<string, string> }): Promise<Row> {
  const started = Date.now();
  // Stale content of its own before each run: "old" and "new" always differ.
  await staleDest(DEST, DB);
  const old = await fingerprint();
  await fault.before?.(s.ctx);
  const copy = fault.files
    ? ['-e', JSON.stringify({ stagesync_copies: [{ description: 'soak', source_bucket: 'prod-media', source_path: fault.files, dest_bucket: BUCKET, dest_path: `run-${i}/`, aws_profile: 'production', delete: true }] })]
    : ['-t', 'db'];
  rmSync(s.report, { force: true });
  const run = startOrchestrate(['-e', 'vars/soak.yml', '-v', '--report', s.report, ...copy], { cwd: s.ops.dir, env: runEnv(s.awsConfig) });
  let hit = false;
  try {
    hit = (await fault.strike?.(s.ctx, run)) ?? false;
  } catch (e) {
    console.error(`  fault ${fault.name} could not strike: ${(e as Error).message.split('\n')[0]}`);
  }
  let r: CliRun = await run.result;
  await fault.after?.(s.ctx);
  const problems: string[] = [];
  const killed = fault.name === 'controller SIGKILLed';
  if (killed) {
    // Nothing of ours could write a recap: the rerun must, and must succeed without waiting.
    r = { ...(await once({ ops: s.ops, report: s.report, awsConfig: s.awsConfig, args: copy })) };
    if (r.code !== 0) problems.push(`rerun exit ${r.code}`);
  }
  if (!/PLAY RECAP/.test(r.stdout)) problems.push('no recap');
  const rep = existsSync(s.report) ? (JSON.parse(readFileSync(s.report, 'utf8')) as { exitCode?: number; result?: string }) : undefined;
  if (!rep) problems.push('no report');
  else if (rep.exitCode !== r.code) problems.push(`report says exit ${rep.exitCode}`);
  if (r.code === 0 && hit && !fault.absorbed && !killed) problems.push('EXIT 0 AFTER A FAULT HIT');
  if (r.code === 0 && rep && rep.result !== 'ok') problems.push(`exit 0 but report result ${rep.result}`);
  const now = await fingerprint();
  const same = (a: object, b: object) => JSON.stringify(a) === JSON.stringify(b);
  const dest = same(now, s.source) ? 'new' : same(now, old) ? 'old' : 'mixed';
  if (dest === 'mixed') problems.push('DESTINATION MIXED');
  if (r.code === 0 && dest !== 'new') problems.push('exit 0 without the new copy');
  if (!same(await checksums('db1', 'production'), s.source)) problems.push('SOURCE CHANGED');
  if (problems.length) writeFileSync(join(tmpdir(), `stagesync-soak-run-${i}.log`), `${r.stdout}\n${r.stderr}`);
  await psql(DEST, `SELECT 1`); // the destination answers again before the next run
  return { run: i, fault: fault.name, hit, code: r.code, problems, dest, seconds: (Date.now() - started) / 1000 };
}

function printTable(rows: Row[], cleanOk: boolean): void {
  const codes = [...new Set(rows.map((r) => r.code))].sort((a, b) => a - b);
  const head = ['fault', 'runs', 'hit', ...codes.map((c) => `exit ${c}`), 'dest old', 'dest new', 'mixed', 'exit 0 after hit', 'problems'];
  const lines = [head];
  for (const f of FAULTS) {
    const rs = rows.filter((r) => r.fault === f.name);
    if (!rs.length) continue;
    const n = (p: (r: Row) => boolean) => String(rs.filter(p).length);
    lines.push([f.name, String(rs.length), n((r) => r.hit), ...codes.map((c) => n((r) => r.code === c)), n((r) => r.dest === 'old'), n((r) => r.dest === 'new'), n((r) => r.dest === 'mixed'), n((r) => r.problems.includes('EXIT 0 AFTER A FAULT HIT')), n((r) => r.problems.length > 0)]);
  }
  console.log(`\nseed ${SEED}, ${rows.length} runs, ${TRANSFER} transfer (exit codes of SIGKILLed runs are their reruns')`);
  console.log(lines.map((l) => `| ${l.join(' | ')} |`).join('\n').replace(/^(\|.*\|)\n/, `$1\n|${head.map(() => '---').join('|')}|\n`));
  const bad = rows.filter((r) => r.problems.length).length;
  console.log(`\n${bad} run(s) with problems; clean run after the soak: ${cleanOk ? 'ok' : 'FAILED'}`);
  process.exitCode = bad || !cleanOk ? 1 : 0;
}

await main();
