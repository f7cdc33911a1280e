// Database-sync benchmark on the lab (issue 4): orchestrate syncing a ~1 GB database db1 → stage2
// against the raw pipe
//   ssh db1 "sudo -u postgres pg_dump -Fc benchdb" | ssh stage2 "sudo -u postgres pg_restore --no-owner --role=stage -d benchdb_raw"
// in alternating order (ABBA by round), timing each whole run and the controller's peak RSS
// (orchestrate under /usr/bin/time -v). Prints each run, the medians, the ratio orchestrate/raw,
// orchestrate's per-step medians (from --report) and where its extra time goes.
// Goals: ratio ≤ 1.10, peak RSS ≤ 150 MB.
//
//   npx tsx bench/db.ts [--rounds 3] [--shape wide|narrow] [--transfer stream|direct]
//                       [--compression Z] [--jobs N] [--rebuild] [--keep] [--no-build]
//     --rounds N   N runs of each (default 3)
//     --shape S    wide: benchdb (default); narrow: benchnarrow, one 7.5 M-row table of short rows
//                  with a primary key and a secondary index (bench/fixtures/benchnarrow.sql)
//     --transfer T stagesync_transfer (default: the product's default); direct runs an ssh-agent
//                  with the lab key and forwards it (ansible_ssh_extra_args: -A)
//     --compression Z  stagesync_dump_compression (default: the product's default)
//     --jobs N     stagesync_restore_jobs for orchestrate (default: the role's default)
//     --rebuild    drop and rebuild benchdb on db1 even when it is current
//     --keep       keep benchdb_stage / benchdb_raw on stage2 and the dumps on db1 afterwards
//     --no-build   reuse the last private build of orchestrate (see BUILD_DIR)
//     --json FILE  also write the figures as JSON
//     --settle     `sync` (untimed) before each run, so no run pays for the writeback of the one before
//     --masked     orchestrate with stagesync_masking (three text columns of benchdb's largest table)
//                  against orchestrate without it, side by side (issue 12; goal masked/unmasked ≤ 1.25)
//     --tee        a third contender each round: the raw pipe plus what orchestrate must keep —
//                  the dump written to a file on db1 and on stage2 (tee) and sha256 on both
//                  ends — i.e. what a pipelined backup → move → restore would cost
//
// Not part of the test suite. Brings the lab up if needed. Uses db1 (benchdb, built once from
// bench/fixtures/benchdb.sql and reused) and stage2 only (benchdb_stage*, benchdb_raw), so it can
// run beside tests on stage1. Compiles orchestrate into node_modules/.cache/stagesync-bench/dist
// so a concurrent `tsc` into dist/ cannot change the program under measurement.
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labConfig, labEnv, labStatus, labUp, psql, sshArgs, sshExec } from '../test/lab/index.js';

const args = process.argv.slice(2);
const opt = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : undefined;
};
const ROUNDS = Number(opt('rounds') ?? 3);
const JOBS = opt('jobs');
const REBUILD = args.includes('--rebuild');
const KEEP = args.includes('--keep');
const NO_BUILD = args.includes('--no-build');
const JSON_OUT = opt('json');
const TEE = args.includes('--tee');
const SHAPE = opt('shape') ?? 'wide';
const TRANSFER = opt('transfer');
const COMPRESSION = opt('compression');
const SETTLE = args.includes('--settle');
const MASKED = args.includes('--masked');

/** Bump with any change to bench/fixtures/benchdb.sql (benchnarrow.sql): a database of another version is rebuilt. */
const BENCHDB_VERSION = 2;
const BENCHNARROW_VERSION = 1;
if (!['wide', 'narrow'].includes(SHAPE)) throw new Error(`--shape wide|narrow, not ${SHAPE}`);
const SRC_DB = SHAPE === 'narrow' ? 'benchnarrow' : 'benchdb';
const SRC_VERSION = SHAPE === 'narrow' ? BENCHNARROW_VERSION : BENCHDB_VERSION;
const FIXTURE = SHAPE === 'narrow' ? 'benchnarrow.sql' : 'benchdb.sql';
const DEST_DB = 'benchdb_stage';
const RAW_DB = 'benchdb_raw';
const SOURCE = 'db1';
const DEST = 'stage2';
const ROLE = 'stage';
// The bench's own paths: other runs on db1 render their own postgresbackup.sh into the default
// /var/lib/postgresql/scripts and would swap it under us (different backups dir) mid-run.
const BACKUPS_DIR = '/opt/backups/stagesync-bench';
const SCRIPTS_DIR = '/var/lib/postgresql/scripts-stagesync-bench';
const DEST_TMP_DIR = '/tmp/stagesync-bench';
const TEE_SRC = `${BACKUPS_DIR}/${SRC_DB}.tee-probe`;
const TEE_DIR = '/tmp/stagesync-bench-tee';
const TEE_DST = `${TEE_DIR}/${SRC_DB}.tee-probe`;

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
const BUILD_DIR = join(ROOT, 'node_modules', '.cache', 'stagesync-bench', 'dist');
const BIN = join(BUILD_DIR, 'src', 'cli', 'bin.js');

const cfg = labConfig();
const env = { ...process.env, ...labEnv(cfg) };
const log = (s: string) => console.log(`${new Date().toISOString().slice(11, 19)} ${s}`);
const secs = (ms: number) => (ms / 1000).toFixed(1);
const mib = (bytes: number) => (bytes / 1048576).toFixed(1);
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};

async function ssh(host: string, command: string): Promise<string> {
  const r = await sshExec(host, `cd / && ${command}`, cfg);
  if (r.code !== 0) throw new Error(`${host}: ${command} exited ${r.code}: ${r.stderr.trim().slice(-500)}`);
  return r.stdout;
}

async function ensureLab(): Promise<void> {
  if ((await labStatus(cfg)).up) return;
  log('lab: not up, bringing it up…');
  await labUp(cfg, (l) => log(l));
}

async function ensureTime(): Promise<void> {
  if (existsSync('/usr/bin/time')) return;
  log('installing /usr/bin/time (Debian package `time`)…');
  const aptEnv = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await execa('apt-get', ['update', '-qq'], { stdio: 'inherit', env: aptEnv });
  await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', 'time'], { stdio: 'inherit', env: aptEnv });
}

/** benchdb on db1: reused when complete (bench_meta.version) and of the expected size. */
async function ensureBenchdb(): Promise<number> {
  const exists = (await psql(SOURCE, `SELECT count(*) FROM pg_database WHERE datname = '${SRC_DB}'`, 'postgres', cfg)) === '1';
  if (exists && !REBUILD) {
    const v = await psql(SOURCE, 'SELECT coalesce(max(version), 0) FROM bench_meta', SRC_DB, cfg).catch(() => '0');
    const size = Number(await psql(SOURCE, `SELECT pg_database_size('${SRC_DB}')`, 'postgres', cfg));
    if (Number(v) === SRC_VERSION && size > 0.8e9) {
      log(`${SOURCE}: ${SRC_DB} v${v} present, ${mib(size)} MiB — reused`);
      return size;
    }
    log(`${SOURCE}: ${SRC_DB} is v${v}, ${mib(size)} MiB — rebuilding`);
  }
  const t = Date.now();
  await psql(SOURCE, `DROP DATABASE IF EXISTS ${SRC_DB} WITH (FORCE)`, 'postgres', cfg);
  await psql(SOURCE, `CREATE DATABASE ${SRC_DB}`, 'postgres', cfg);
  log(`${SOURCE}: building ${SRC_DB} from bench/fixtures/${FIXTURE} (a few minutes)…`);
  await psql(SOURCE, readFileSync(join(ROOT, 'bench', 'fixtures', FIXTURE), 'utf8'), SRC_DB, cfg);
  await psql(SOURCE, `INSERT INTO bench_meta (version) VALUES (${SRC_VERSION})`, SRC_DB, cfg);
  const size = Number(await psql(SOURCE, `SELECT pg_database_size('${SRC_DB}')`, 'postgres', cfg));
  log(`${SOURCE}: ${SRC_DB} built in ${secs(Date.now() - t)} s, ${mib(size)} MiB`);
  return size;
}

async function buildOrchestrate(): Promise<void> {
  if (NO_BUILD && existsSync(BIN)) return;
  log(`compiling orchestrate into ${BUILD_DIR}…`);
  await execa('npx', ['tsc', '-p', 'tsconfig.json', '--outDir', BUILD_DIR], { cwd: ROOT, stdio: 'inherit' });
}

/** A self-contained ops dir: inventory + vars for benchdb db1 → stage2, database only. */
function writeOpsDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'stagesync-dbbench-'));
  writeFileSync(
    join(dir, 'hosts'),
    [
      '[stagesync]',
      'localhost ansible_connection=local',
      '[stagesync:children]',
      'sourcedb',
      'destdb',
      '[sourcedb]',
      SOURCE,
      '[destdb]',
      DEST,
      '[production]',
      SOURCE,
      '',
    ].join('\n'),
  );
  writeFileSync(
    join(dir, 'bench.yml'),
    [
      'stagesync_source_hosts: sourcedb',
      `stagesync_dest_hosts: ${DEST}`,
      `stagesync_sourcedb: ${SRC_DB}`,
      `stagesync_destdb: ${DEST_DB}`,
      `stagesync_destdb_role: ${ROLE}`,
      `stagesync_source_backups_dir: ${BACKUPS_DIR}`,
      `stagesync_backup_script: ${SCRIPTS_DIR}/postgresbackup.sh`,
      `stagesync_cleanup_script: ${SCRIPTS_DIR}/cleanup.sh`,
      `stagesync_source_tmp_dir: ${DEST_TMP_DIR}`,
      `stagesync_dest_tmp_dir: ${DEST_TMP_DIR}`,
      'stagesync_post_restore_sql: []',
      'stagesync_copies: []',
      ...(JOBS ? [`stagesync_restore_jobs: ${Number(JOBS)}`] : []),
      ...(TRANSFER ? [`stagesync_transfer: ${TRANSFER}`] : []),
      ...(TRANSFER === 'direct' ? ['ansible_ssh_extra_args: -A'] : []),
      ...(COMPRESSION ? [`stagesync_dump_compression: "${COMPRESSION}"`] : []),
      '',
    ].join('\n'),
  );
  return dir;
}

type Kind = 'orchestrate' | 'raw' | 'tee' | 'masked';

/** The masked variant's rules: the first three text columns of benchdb's largest table. */
async function maskingVars(): Promise<string> {
  // The largest table with three text columns (benchdb's largest, events, has one: kind; its
  // payload is jsonb): accounts (email, full_name, bio).
  const textCols = `(SELECT count(*) FROM pg_attribute a WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.atttypid IN ('text'::regtype, 'varchar'::regtype))`;
  const table = await psql(SOURCE, `SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = 'public' AND c.relkind = 'r' AND ${textCols} >= 3 ORDER BY pg_total_relation_size(c.oid) DESC LIMIT 1`, SRC_DB, cfg);
  const sizes = await psql(SOURCE, `SELECT string_agg(relname || ' ' || pg_size_pretty(pg_total_relation_size(oid)), ', ' ORDER BY pg_total_relation_size(oid) DESC) FROM pg_class WHERE relkind = 'r' AND relnamespace = 'public'::regnamespace`, SRC_DB, cfg);
  log(`benchdb tables: ${sizes}`);
  const cols = (await psql(SOURCE, `SELECT attname FROM pg_attribute WHERE attrelid = 'public.${table}'::regclass AND attnum > 0 AND NOT attisdropped AND atttypid IN ('text'::regtype, 'varchar'::regtype) ORDER BY attnum LIMIT 3`, SRC_DB, cfg)).split('\n');
  const rule = (c: string) => (/mail/.test(c) ? 'email' : /name/.test(c) ? 'full_name' : '{hash: 16}');
  log(`masked variant: public.${table}: ${cols.map((c) => `${c} → ${rule(c)}`).join(', ')}`);
  return ['stagesync_masking_salt: bench-masking-salt-0001', 'stagesync_masking:', `  public.${table}:`, ...cols.map((c) => `    ${c}: ${rule(c)}`), ''].join('\n');
}
interface Step {
  host: string;
  action: string;
  durationMs: number;
}
interface Run {
  kind: Kind;
  wallMs: number;
  load: number;
  /** orchestrate only */
  rssKiB?: number;
  /** max VmRSS (KiB) sampled every 200 ms during each step */
  rssByStep?: Record<string, number>;
  cpuS?: number;
  steps?: Step[];
  reportMs?: number;
  /** From the backup's start to the end of the last backup, move or restore step (they overlap when pipelined). */
  spanMs?: number;
  /** Bytes the controller read over its SSH connections, and the dump's size. */
  controllerBytes?: number;
  dumpBytes?: number;
}

/** Wall time covered by these steps, first start to last end. */
function span(steps: Array<{ startedAt: string; durationMs: number }>): number {
  if (steps.length === 0) return 0;
  const starts = steps.map((s) => Date.parse(s.startedAt));
  return Math.max(...steps.map((s, i) => starts[i]! + s.durationMs)) - Math.min(...starts);
}

async function runOrchestrate(ops: string, n: number, kind: 'orchestrate' | 'masked' = 'orchestrate'): Promise<Run> {
  const report = join(ops, `report-${n}.json`);
  const timeOut = join(ops, `time-${n}.txt`);
  const load = loadavg()[0]!;
  const t0 = performance.now();
  const child = execa(
    '/usr/bin/time',
    ['-v', '-o', timeOut, process.execPath, BIN, '-i', 'hosts', '-e', '@bench.yml', ...(kind === 'masked' ? ['-e', '@bench-masked.yml'] : []), '-t', 'db', '--confirm', DEST_DB, '--report', report],
    { cwd: ops, env: { ...env, SSH_AUTH_SOCK: agentSocket ?? '' }, reject: false, all: true },
  );
  // RSS timeline of the node process (time's child), to tell which step the peak belongs to.
  const rss: Array<[number, number]> = [];
  const poll = setInterval(() => {
    try {
      const kid = readFileSync(`/proc/${child.pid}/task/${child.pid}/children`, 'utf8').trim().split(' ')[0];
      const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${kid}/status`, 'utf8'));
      if (m) rss.push([Date.now(), Number(m[1])]);
    } catch {
      /* not started yet, or gone */
    }
  }, 200);
  const r = await child.finally(() => clearInterval(poll));
  const wallMs = performance.now() - t0;
  if (r.exitCode !== 0) throw new Error(`orchestrate exited ${r.exitCode}:\n${String(r.all).slice(-3000)}`);
  const tv = readFileSync(timeOut, 'utf8');
  const num = (re: RegExp) => Number(re.exec(tv)?.[1] ?? NaN);
  const rep = JSON.parse(readFileSync(report, 'utf8')) as { durationMs: number; steps: Array<Step & { startedAt: string }>; controllerBytesReceived?: Record<string, number>; dump?: { bytes: number } };
  const rssByStep: Record<string, number> = {};
  for (const st of rep.steps) {
    const a = Date.parse(st.startedAt);
    const inStep = rss.filter(([t]) => t >= a && t <= a + st.durationMs).map(([, k]) => k);
    if (inStep.length) rssByStep[`${st.action} (${st.host})`] = Math.max(rssByStep[`${st.action} (${st.host})`] ?? 0, ...inStep);
  }
  return {
    rssByStep,
    kind,
    wallMs,
    load,
    rssKiB: num(/Maximum resident set size \(kbytes\): (\d+)/),
    cpuS: num(/User time \(seconds\): ([\d.]+)/) + num(/System time \(seconds\): ([\d.]+)/),
    steps: rep.steps.map((s) => ({ host: s.host, action: s.action, durationMs: s.durationMs })),
    reportMs: rep.durationMs,
    spanMs: span(rep.steps.filter((s) => ['backup', 'move', 'restore'].includes(s.action))),
    controllerBytes: Object.values(rep.controllerBytesReceived ?? {}).reduce((a, b) => a + b, 0),
    dumpBytes: rep.dump?.bytes ?? 0,
  };
}

async function runRaw(kind: 'raw' | 'tee' = 'raw'): Promise<Run> {
  // Same starting point as orchestrate's restore: a fresh, empty database owned by the role.
  await ssh(DEST, `sudo -u postgres dropdb --if-exists ${RAW_DB} && sudo -u postgres createdb -O ${ROLE} ${RAW_DB}`);
  if (kind === 'tee') await ssh(SOURCE, `[ -d ${BACKUPS_DIR} ] || install -d -o postgres -g postgres -m 700 ${BACKUPS_DIR}`);
  const q = (a: string[]) => a.map((x) => `'${x.replace(/'/g, `'\\''`)}'`).join(' ');
  const sshCmd = q(['ssh', ...sshArgs(cfg)]);
  const pipe =
    kind === 'raw'
      ? `${sshCmd} ${SOURCE} "sudo -u postgres pg_dump -Fc ${SRC_DB}" | ` +
        `${sshCmd} ${DEST} "sudo -u postgres pg_restore --no-owner --role=${ROLE} -d ${RAW_DB}"`
      : // The dump kept on both ends and hashed on both ends while it streams.
        `${sshCmd} ${SOURCE} ${q([`sudo -u postgres bash -c 'set -o pipefail; umask 077; mkdir -p ${BACKUPS_DIR}; pg_dump -Fc ${SRC_DB} | tee ${TEE_SRC} | tee >(sha256sum >${TEE_SRC}.sha256)'`])} | ` +
        `${sshCmd} ${DEST} ${q([`sudo -u postgres bash -c 'set -o pipefail; umask 077; mkdir -p ${TEE_DIR}; tee ${TEE_DST} | tee >(sha256sum >${TEE_DST}.sha256) | pg_restore --no-owner --role=${ROLE} -d ${RAW_DB}'`])}`;
  const load = loadavg()[0]!;
  const t0 = performance.now();
  const r = await execa('bash', ['-o', 'pipefail', '-c', pipe], { cwd: '/', env: { ...env, SSH_AUTH_SOCK: '' }, reject: false, all: true });
  const wallMs = performance.now() - t0;
  const out = String(r.all).split('\n').filter((l) => l && !/could not change directory/.test(l));
  if (r.exitCode !== 0 || out.length) throw new Error(`raw pipe exited ${r.exitCode}:\n${out.join('\n').slice(-3000)}`);
  return { kind, wallMs, load };
}

async function cleanup(): Promise<void> {
  for (const db of [RAW_DB, DEST_DB, `${DEST_DB}_stagesync_prev`, `${DEST_DB}_stagesync_new`]) {
    await psql(DEST, `DROP DATABASE IF EXISTS ${db} WITH (FORCE)`, 'postgres', cfg);
  }
  await ssh(SOURCE, `rm -rf ${BACKUPS_DIR} ${SCRIPTS_DIR} ${DEST_TMP_DIR}`);
  await ssh(DEST, `rm -rf ${TEE_DIR} ${DEST_TMP_DIR}`);
}

/** Step name → median duration over the orchestrate runs (steps of the same name on one host summed). */
function stepMedians(runs: Run[]): Array<[string, number]> {
  const names: string[] = [];
  const per = runs.map((r) => {
    const m = new Map<string, number>();
    for (const s of r.steps ?? []) {
      const k = `${s.action} (${s.host})`;
      if (!names.includes(k)) names.push(k);
      m.set(k, (m.get(k) ?? 0) + s.durationMs);
    }
    return m;
  });
  return names.map((k) => [k, median(per.map((m) => m.get(k) ?? 0))]);
}

/** direct: an ssh-agent holding the lab key, forwarded to the destination (as a user's would be). */
let agentSocket: string | undefined;
async function startAgent(): Promise<() => void> {
  if (TRANSFER !== 'direct') return () => undefined;
  const dir = mkdtempSync(join(tmpdir(), 'stagesync-bench-agent-'));
  agentSocket = join(dir, 'agent.sock');
  const agent = execa('ssh-agent', ['-D', '-a', agentSocket], { stdio: 'ignore', reject: false });
  for (let i = 0; i < 50 && !existsSync(agentSocket); i++) await new Promise((r) => setTimeout(r, 50));
  await execa('ssh-add', ['-q', cfg.sshKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: agentSocket } });
  return () => {
    agent.kill();
    rmSync(dir, { recursive: true, force: true });
  };
}

async function main(): Promise<void> {
  await ensureLab();
  const stopAgent = await startAgent();
  await ensureTime();
  const size = await ensureBenchdb();
  await buildOrchestrate();
  const ops = writeOpsDir();
  if (MASKED) writeFileSync(join(ops, 'bench-masked.yml'), await maskingVars());
  log(`ops dir ${ops}; ${ROUNDS} round(s) of orchestrate and ${MASKED ? 'masked orchestrate' : 'raw'}, alternating (ABBA)`);
  const runs: Run[] = [];
  try {
    // The copies' owner (the lab's seed makes it; a lab only brought up has none).
    await psql(DEST, `DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${ROLE}') THEN CREATE ROLE ${ROLE} LOGIN; END IF; END $$;`, 'postgres', cfg);
    await psql(DEST, `DROP DATABASE IF EXISTS ${DEST_DB}_stagesync_prev WITH (FORCE)`, 'postgres', cfg);
    let n = 0;
    for (let round = 0; round < ROUNDS; round++) {
      const kinds: Kind[] = MASKED ? ['orchestrate', 'masked'] : TEE ? ['orchestrate', 'raw', 'tee'] : ['orchestrate', 'raw'];
      const order = round % 2 === 0 ? kinds : [...kinds].reverse();
      for (const kind of order) {
        // Each contender from a clean slate: the previous one's dirty pages (a backup file, a
        // 1.1 GB copy, its WAL) written out first, untimed, instead of during this run.
        if (SETTLE) await execa('sync');
        const r = kind === 'orchestrate' || kind === 'masked' ? await runOrchestrate(ops, n++, kind) : await runRaw(kind);
        runs.push(r);
        log(
          `round ${round + 1} ${kind.padEnd(11)} ${secs(r.wallMs).padStart(6)} s` +
            (r.rssKiB ? `  peak RSS ${(r.rssKiB / 1024).toFixed(1)} MiB  CPU ${r.cpuS?.toFixed(1)} s` : '') +
            `  (load ${r.load.toFixed(1)})`,
        );
      }
    }
  } finally {
    if (!KEEP) await cleanup().catch((e: unknown) => log(`cleanup failed: ${String(e)}`));
    rmSync(ops, { recursive: true, force: true });
    stopAgent();
  }

  if (MASKED) return reportMasked(runs, size);
  const orch = runs.filter((r) => r.kind === 'orchestrate');
  const raw = runs.filter((r) => r.kind === 'raw');
  const tee = runs.filter((r) => r.kind === 'tee');
  const mt = tee.length ? median(tee.map((r) => r.wallMs)) : NaN;
  const mo = median(orch.map((r) => r.wallMs));
  const mr = median(raw.map((r) => r.wallMs));
  const ratio = mo / mr;
  const peak = Math.max(...orch.map((r) => r.rssKiB ?? 0)) / 1024;
  const steps = stepMedians(orch);
  const pipeline = median(orch.map((r) => r.spanMs ?? 0));
  const rest = mo - pipeline;

  console.log('');
  const settings = [JOBS && `stagesync_restore_jobs ${JOBS}`, TRANSFER && `stagesync_transfer ${TRANSFER}`, COMPRESSION && `stagesync_dump_compression ${COMPRESSION}`].filter(Boolean).join('; ') || 'the product defaults';
  console.log(`source ${SRC_DB} on ${SOURCE}: ${mib(size)} MiB; ${ROUNDS} run(s) each; ${cpus().length} CPUs; ${settings}`);
  const share = median(orch.map((r) => (r.dumpBytes ? r.controllerBytes! / r.dumpBytes : NaN)));
  console.log(`dump ${mib(median(orch.map((r) => r.dumpBytes ?? 0)))} MiB; the controller received ${(100 * share).toFixed(2)} % of it over SSH`);
  console.log(`orchestrate  median ${secs(mo)} s   runs ${orch.map((r) => secs(r.wallMs)).join(', ')}`);
  console.log(`raw pipe     median ${secs(mr)} s   runs ${raw.map((r) => secs(r.wallMs)).join(', ')}`);
  if (tee.length) console.log(`tee pipe     median ${secs(mt)} s   runs ${tee.map((r) => secs(r.wallMs)).join(', ')}   (tee/raw ${(mt / mr).toFixed(2)})`);
  console.log(`ratio orchestrate/raw ${ratio.toFixed(2)} (goal ≤ 0.80) ${ratio <= 0.8 ? 'OK' : 'MISSED'}`);
  console.log(`orchestrate peak RSS ${peak.toFixed(1)} MiB = ${(peak * 1.048576).toFixed(1)} MB (goal ≤ 150 MB) ${peak * 1.048576 <= 150 ? 'OK' : 'MISSED'}; controller CPU median ${median(orch.map((r) => r.cpuS ?? 0)).toFixed(1)} s`);
  console.log('');
  console.log('orchestrate steps (median ms over runs):');
  const rssOf = (k: string) => Math.max(0, ...orch.map((r) => r.rssByStep?.[k] ?? 0)) / 1024;
  for (const [k, v] of steps) {
    console.log(`  ${k.padEnd(22)} ${secs(v).padStart(6)} s  ${((100 * v) / mo).toFixed(0).padStart(3)} %   ${rssOf(k) ? `RSS up to ${rssOf(k).toFixed(0).padStart(3)} MiB` : ''}`);
  }
  console.log(`  ${'(process, ssh setup)'.padEnd(22)} ${secs(mo - median(orch.map((r) => r.reportMs ?? 0))).padStart(6)} s`);
  console.log('');
  console.log(
    `backup → move → restore, from the dump's start to the last restore's end: ${secs(pipeline)} s (the raw pipe, all of it: ${secs(mr)} s); ` +
      `everything else (preflight, lock, verify, swap, cleanup, startup): ${secs(rest)} s.`,
  );
  if (JSON_OUT) {
    writeFileSync(
      JSON_OUT,
      JSON.stringify({ date: new Date().toISOString(), shape: SHAPE, transfer: TRANSFER ?? null, compression: COMPRESSION ?? null, sizeBytes: size, rounds: ROUNDS, jobs: JOBS ?? null, medianMs: { orchestrate: mo, raw: mr, ...(tee.length ? { tee: mt } : {}) }, ratio, peakRssMiB: peak, steps: Object.fromEntries(steps), runs }, null, 2),
    );
  }
}

/** --masked: the two orchestrate variants side by side, and the masked run's own steps. */
function reportMasked(runs: Run[], size: number): void {
  const plain = runs.filter((r) => r.kind === 'orchestrate');
  const masked = runs.filter((r) => r.kind === 'masked');
  const mp = median(plain.map((r) => r.wallMs));
  const mm = median(masked.map((r) => r.wallMs));
  const ratio = mm / mp;
  console.log('');
  console.log(`source ${SRC_DB} on ${SOURCE}: ${mib(size)} MiB; ${ROUNDS} run(s) each; ${cpus().length} CPUs; load ${runs.map((r) => r.load.toFixed(1)).join(', ')}`);
  console.log(`unmasked  median ${secs(mp)} s   runs ${plain.map((r) => secs(r.wallMs)).join(', ')}`);
  console.log(`masked    median ${secs(mm)} s   runs ${masked.map((r) => secs(r.wallMs)).join(', ')}`);
  console.log(`ratio masked/unmasked ${ratio.toFixed(2)} (goal ≤ 1.25) ${ratio <= 1.25 ? 'OK' : 'MISSED'}`);
  console.log('masked steps (median ms over runs):');
  for (const [k, v] of stepMedians(masked)) console.log(`  ${k.padEnd(22)} ${secs(v).padStart(6)} s`);
  if (JSON_OUT) writeFileSync(JSON_OUT, JSON.stringify({ date: new Date().toISOString(), sizeBytes: size, rounds: ROUNDS, medianMs: { unmasked: mp, masked: mm }, ratio, runs }, null, 2));
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
