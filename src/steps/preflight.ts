// Preflight (docs/run.md, step 1): become works, the PostgreSQL tools are there and can read/write
// each other's formats, and there is room on disk. Gathers facts per host; `checkCompat`
// decides across hosts, before anything moves.
import type { Host } from '../transport/types.js';
import { StepError, pgRetryable, tail } from './errors.js';
import { becomeOf, conninfo, PSQL_FLAGS, quoteLiteral, type PgConn } from './sql.js';
import { hostScript } from '../util/host-scripts.js';

export interface HostFacts {
  host: string;
  /** Major versions of the client tools (`pg_dump --version` …). */
  tools: { pg_dump: number; pg_restore: number; psql: number };
  /** Server major version (server_version_num / 10000). */
  serverMajor: number;
  /** Size of the database in bytes (the source db, or the destination db if it exists). */
  dbSize?: number;
  /** Free bytes per directory checked (nearest existing parent). */
  free: Record<string, number>;
  /**
   * The unix socket psql reached the server on (Debian's pg_wrapper may pick a cluster on another
   * port), for what connects without psql: the post-restore SQL relay. Destinations only.
   */
  pg?: PgConn;
}

export interface PreflightParams {
  backupUser: string;
  database: string;
  /** Directories that will hold dumps (backups dir and/or tmp dir). */
  dirs: string[];
  /** Also the cluster's data directory and its free space (where a restored copy will live). */
  withDataDir?: boolean;
  pg?: PgConn;
}

const TOOLS = ['pg_dump', 'pg_restore', 'psql'] as const;

/** `pg_restore (PostgreSQL) 15.18 (Debian …)` → 15; `9.6.24` → 9. */
export function majorOf(versionLine: string): number {
  const m = /\(PostgreSQL\)\s+(\d+)(?:\.(\d+))?/.exec(versionLine) ?? /(\d+)(?:\.(\d+))?/.exec(versionLine);
  if (!m) return NaN;
  const major = Number(m[1]);
  return major;
}

/** Everything preflight asks a host, in one round trip: scripts/host/preflight-facts.sh. */
const FACTS = hostScript('preflight-facts.sh', { TOOLS: TOOLS.join(' '), PSQL_FLAGS: PSQL_FLAGS.join(' ') });

/** Facts of one host, as the backup user; throws StepError when become or a tool is missing. */
export async function gatherFacts(host: Host, p: PreflightParams): Promise<HostFacts & { dataDir?: string }> {
  // data_directory and unix_socket_directories need a superuser (or pg_read_all_settings): asked
  // only where a copy will live. The data directory stays last (the script measures it).
  const socket = `CASE WHEN inet_server_addr() IS NULL THEN btrim(split_part(current_setting('unix_socket_directories'), ',', 1)) ELSE '' END`;
  const dataDirSql = p.withDataDir ? ` || '|' || ${socket} || '|' || current_setting('port') || '|' || current_setting('data_directory')` : '';
  const sql = `SELECT current_setting('server_version_num') || '|' || coalesce((SELECT pg_database_size(datname)::text FROM pg_database WHERE datname = ${quoteLiteral(p.database)}), '')${dataDirSql};`;
  const r = await host.exec(
    { argv: ['sh', '-c', FACTS, 'sh', conninfo('postgres', p.pg), sql, p.withDataDir ? '1' : '0', ...p.dirs] },
    { become: becomeOf(p.backupUser) },
  );
  const lines = r.stdout.split('\n');
  if (r.code !== 0 || lines[0]!.trim() !== p.backupUser) {
    throw new StepError(host.name, 'preflight', `become ${p.backupUser} failed`, { output: tail(r.stderr || r.stdout) });
  }
  const tagged = (tag: string) => lines.filter((l) => l.startsWith(`@@${tag} `)).map((l) => l.slice(tag.length + 3));
  const tools = {} as HostFacts['tools'];
  const versions = tagged('tool');
  TOOLS.forEach((x) => {
    const line = versions.find((l) => l.startsWith(`${x} `))?.slice(x.length + 1) ?? '';
    const major = majorOf(line);
    if (!line || line === 'missing' || Number.isNaN(major)) {
      throw new StepError(host.name, 'preflight', `${x} is not installed or not on PATH for ${p.backupUser}`, { output: tail(r.stderr) });
    }
    tools[x] = major;
  });
  const failed = tagged('psql-failed')[0];
  const server = tagged('server')[0];
  if (failed !== undefined || server === undefined) throw new StepError(host.name, 'preflight', `psql exited with ${failed ?? r.code}`, { output: tail(r.stderr), retryable: pgRetryable(failed === undefined ? r.code : Number(failed), r.stderr) });
  const fields = server.trim().split('|');
  const [serverNum = '', size = ''] = fields;
  const [socketDir = '', port = '', dataDir = ''] = p.withDataDir ? fields.slice(2) : [];
  const serverMajor = Math.floor(Number(serverNum) / 10000);
  const dbSize = size === '' ? undefined : Number(size);
  // Where a restored copy will live is measured last, once the server has named it.
  const dirs = p.withDataDir ? [...p.dirs, dataDir] : p.dirs;
  const kib = tagged('free');
  const free: Record<string, number> = {};
  dirs.forEach((dir, i) => {
    const kb = Number(kib[i]?.trim() || NaN);
    if (Number.isNaN(kb)) throw new StepError(host.name, 'preflight', `cannot measure free space of ${dir}`, { output: tail(r.stderr) });
    free[dir] = kb * 1024;
  });
  const pg = socketDir && Number(port) > 0 ? { pg: { socketDir, port: Number(port) } } : {};
  return { host: host.name, tools, serverMajor, dbSize, free, ...pg, ...(p.withDataDir ? { dataDir } : {}) };
}

export interface CompatInput {
  source: HostFacts & { sourceDir: string };
  /** pg_dump's --compress value: lz4 and zstd need pg_dump 16 or newer. */
  compression?: string;
  dests: (HostFacts & { tmpDir: string; dataDir: string; swap: boolean })[];
}

export interface Problem {
  host: string;
  /** error: refuse before anything moves; warning: reported, the run goes on. */
  level: 'error' | 'warning';
  problem: string;
}

/** A custom-format dump is compressed: rarely below a tenth of the database size. */
const DUMP_MIN_RATIO = 0.1;

/**
 * What must stop the run before anything moves, and what is only worth saying. The dump size
 * is not known yet: the source database size bounds it (a restored copy is about that size).
 */
export function checkCompat({ source, dests, compression }: CompatInput): Problem[] {
  const out: Problem[] = [];
  const add = (host: string, level: Problem['level'], problem: string) => out.push({ host, level, problem });
  const need = source.dbSize;
  if (need === undefined) add(source.host, 'error', 'the source database does not exist');
  if (source.tools.pg_dump < source.serverMajor) {
    add(source.host, 'error', `pg_dump ${source.tools.pg_dump} cannot dump a PostgreSQL ${source.serverMajor} server`);
  }
  const method = /^(lz4|zstd)/.exec(compression ?? '')?.[1];
  if (method && source.tools.pg_dump < 16) {
    add(source.host, 'error', `stagesync_dump_compression: ${compression} needs pg_dump 16 or newer; pg_dump here is ${source.tools.pg_dump} (use a level 0-9)`);
  }
  const dumpRoom = (host: string, dir: string, free: number | undefined) => {
    if (need === undefined || free === undefined || free >= need) return;
    const level = free < need * DUMP_MIN_RATIO ? 'error' : 'warning';
    add(host, level, `${dir} has ${gib(free)} free; the database is ${gib(need)} (its dump is smaller, by how much depends on the data)`);
  };
  dumpRoom(source.host, source.sourceDir, source.free[source.sourceDir]);
  for (const d of dests) {
    // An archive is readable by pg_restore of the same or a newer major version only.
    if (d.tools.pg_restore < source.tools.pg_dump) {
      add(d.host, 'error', `pg_restore ${d.tools.pg_restore} cannot read a dump made by pg_dump ${source.tools.pg_dump} (source server ${source.serverMajor})`);
    }
    if (d.serverMajor < source.serverMajor) {
      add(d.host, 'warning', `PostgreSQL ${d.serverMajor} here is older than the source's ${source.serverMajor}; the restore may fail on newer syntax`);
    }
    // Checked here, not found out after a long restore: the swap ends sessions with a timeout
    // (pg_terminate_backend(pid, ms): 14+) and branches in one psql script (\if: psql 10+).
    if (d.swap && d.serverMajor < 14) {
      add(d.host, 'error', `PostgreSQL ${d.serverMajor} here: the swap needs 14 or newer (stagesync_restore_mode: in_place works with older servers)`);
    }
    if (d.swap && d.tools.psql < 10) add(d.host, 'error', `psql ${d.tools.psql} here: the swap needs psql 10 or newer`);
    dumpRoom(d.host, d.tmpDir, d.free[d.tmpDir]);
    // Swap mode restores a full copy beside the current one.
    const dataFree = d.free[d.dataDir];
    if (need !== undefined && d.swap && dataFree !== undefined && dataFree < need) {
      add(d.host, 'error', `${d.dataDir} has ${gib(dataFree)} free; a restored copy needs about ${gib(need)}`);
    }
  }
  return out;
}

const gib = (b: number): string => `${(b / 2 ** 30).toFixed(2)} GiB`;

export type SourceFacts = CompatInput['source'];
export type DestFacts = CompatInput['dests'][number];

/** Facts of the source host (dump goes to the backups dir). */
export async function preflightSource(host: Host, p: { backupUser: string; database: string; backupsDir: string; pg?: PgConn }): Promise<SourceFacts> {
  const f = await gatherFacts(host, { backupUser: p.backupUser, database: p.database, dirs: [p.backupsDir], pg: p.pg });
  return { ...f, sourceDir: p.backupsDir };
}

/** Facts of a destination host (dump lands in tmpDir, the copy in the data directory). */
export async function preflightDest(
  host: Host,
  p: { backupUser: string; database: string; tmpDir: string; mode: 'swap' | 'in_place'; pg?: PgConn },
): Promise<DestFacts> {
  const { dataDir, ...f } = await gatherFacts(host, { backupUser: p.backupUser, database: p.database, dirs: [p.tmpDir], pg: p.pg, withDataDir: true });
  return { ...f, tmpDir: p.tmpDir, dataDir: dataDir!, swap: p.mode === 'swap' };
}
