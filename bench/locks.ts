// The lock monitor (issue 13) on tables of growing size: how close the reported ACCESS EXCLUSIVE
// span of a rewrite is to the statement's own time (psql's \timing), and what sampling costs the
// migration (the same rewrite with and without the monitor, alternated ABBA by round).
//
//   npx tsx bench/locks.ts [--rows 1000000,5000000] [--rounds 3] [--sample-ms 100]
// Needs the lab (`npm run lab -- up`). Works in its own database `bench_locks` on stage2 (its
// tables are built once per size with generate_series and kept; drop it to rebuild).
import { loadavg, cpus } from 'node:os';
import { labConfig, psql } from '../test/lab/index.js';
import { SshHost } from '../src/transport/ssh-host.js';
import { runMigration } from '../src/steps/migrate.js';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string) => (args.includes(`--${name}`) ? args[args.indexOf(`--${name}`) + 1]! : dflt);
const SIZES = opt('rows', '1000000,5000000').split(',').map(Number);
const ROUNDS = Number(opt('rounds', '3'));
const SAMPLE_MS = Number(opt('sample-ms', '100'));
const DB = 'bench_locks';

const cfg = labConfig();
const host = new SshHost('stage2', { alias: 'stage2', hostKeyChecking: true, configEnv: { home: cfg.home, localUser: 'root', systemConfig: null }, agentSocket: null });

async function table(rows: number): Promise<string> {
  const name = `big_${rows}`;
  if ((await psql('stage2', `SELECT count(*) FROM pg_database WHERE datname = '${DB}'`)) === '0') await psql('stage2', `CREATE DATABASE ${DB}`);
  if ((await psql('stage2', `SELECT to_regclass('${name}') IS NOT NULL`, DB)) === 't') return name;
  const t0 = Date.now();
  await psql('stage2', `CREATE TABLE ${name} AS SELECT g AS id, md5(g::text) AS v FROM generate_series(1, ${rows}) g; ALTER TABLE ${name} ADD PRIMARY KEY (id); CREATE INDEX ON ${name} (v);`, DB);
  console.log(`${name}: built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return name;
}

/** The rewrite, flipping the column's type each time (int ⇄ bigint): every run rewrites the table. */
let flip = false;
const rewrite = (name: string) => {
  flip = !flip;
  return `psql -X -v ON_ERROR_STOP=1 -d ${DB} -c '\\timing on' -c 'ALTER TABLE ${name} ALTER COLUMN id TYPE ${flip ? 'bigint' : 'int'}'`;
};
const timing = (out: string) => Number(/Time: ([\d.]+) ms/.exec(out)?.[1]);

async function monitored(name: string): Promise<{ took: number; held: number }> {
  const r = await runMigration(host, { command: rewrite(name), becomeUser: 'postgres', database: DB, databaseUrl: 'postgresql:///{database}', dbHost: host, backupUser: 'postgres', sampleMs: SAMPLE_MS, maxLockSeconds: null }, () => undefined);
  const held = r.locks.held.find((h) => h.relation === name && h.mode === 'ACCESS EXCLUSIVE')?.heldMs ?? NaN;
  return { took: timing(r.output), held };
}

async function bare(name: string): Promise<number> {
  const r = await host.exec({ script: rewrite(name) }, { become: { user: 'postgres' } });
  if (r.code !== 0) throw new Error(r.stderr);
  return timing(r.stdout);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  await host.connect();
  for (const rows of SIZES) {
    const name = await table(rows);
    const withMon: { took: number; held: number }[] = [];
    const without: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      // ABBA: the order alternates by round, spreading the machine's noise over both.
      const order = round % 2 === 0 ? ['mon', 'bare'] : ['bare', 'mon'];
      for (const which of order) {
        if (which === 'mon') withMon.push(await monitored(name));
        else without.push(await bare(name));
      }
      const m = withMon.at(-1)!;
      console.log(`${rows} rows, round ${round + 1}: monitored ${m.took.toFixed(0)} ms (lock reported ${m.held} ms, error ${(m.held - m.took).toFixed(0)} ms), bare ${without.at(-1)!.toFixed(0)} ms   load ${loadavg()[0]!.toFixed(1)}`);
    }
    const errs = withMon.map((m) => Math.abs(m.held - m.took));
    const worstPct = Math.max(...withMon.map((m) => (100 * Math.abs(m.held - m.took)) / m.took));
    console.log(
      `${rows} rows, ${ROUNDS} rounds, sampling every ${SAMPLE_MS} ms: statement median ${median(withMon.map((m) => m.took)).toFixed(0)} ms; ` +
        `|reported − statement| median ${median(errs).toFixed(0)} ms, worst ${Math.max(...errs).toFixed(0)} ms (${worstPct.toFixed(1)} %); ` +
        `overhead monitored/bare ${(median(withMon.map((m) => m.took)) / median(without)).toFixed(3)} (load ${loadavg()[0]!.toFixed(1)} on ${cpus().length} cores)`,
    );
  }
  await host.close();
}

await main();
