// PostgreSQL per lab host: the settings written at initdb time (inside the host's namespace, see
// namespace.ts) and psql over TCP from outside, for tests.
import { execa } from 'execa';
import type { LabConfig, LabHost } from './config.js';
import { labConfig, labHost } from './config.js';

/** Data directory as the host sees it (its private /var/lib/postgresql), Debian-like. */
export const PGDATA = '/var/lib/postgresql/15/lab';
export const PGLOG = '/var/lib/postgresql/15/lab.log';
export const PGSOCKET = '/var/run/postgresql';
/** The second cluster of a host that has one (LabHost.secondPgPort): same socket dir, its own port. */
export const PGDATA2 = '/var/lib/postgresql/15/second';
export const PGLOG2 = '/var/lib/postgresql/15/second.log';

/** Appended to postgresql.conf after initdb: a small machine with four clusters. */
export function postgresqlConf(h: LabHost, port = h.pgPort): string {
  return [
    '',
    `# lab host ${h.name}: written by test/lab/postgres.ts`,
    `listen_addresses = '${h.address}'`,
    `port = ${port}`,
    `unix_socket_directories = '${PGSOCKET}'`,
    'max_connections = 50',
    'shared_buffers = 16MB',
    'work_mem = 4MB',
    'maintenance_work_mem = 32MB',
    // A lab: durability buys nothing here and costs seconds on every seed.
    'fsync = off',
    'synchronous_commit = off',
    'full_page_writes = off',
    'max_wal_size = 256MB',
    'max_parallel_workers_per_gather = 0',
    'max_worker_processes = 4',
    `cluster_name = '${port === h.pgPort ? h.name : `${h.name}-${port}`}'`,
    "log_line_prefix = '%m [%p] %q%u@%d '",
    "timezone = 'UTC'",
    '',
  ].join('\n');
}

/** Like Debian's: peer on the socket (so `sudo -u postgres psql` works), trust on loopback for tests. */
export const PG_HBA = [
  '# lab: written by test/lab/postgres.ts',
  'local   all all                peer',
  'host    all all 127.0.0.0/8    trust',
  'host    all all ::1/128        trust',
  '',
].join('\n');

/**
 * Run SQL on a lab host's cluster over TCP as postgres; returns tuples-only unaligned output
 * (rows on lines, columns separated by |), trailing newline trimmed. Throws with psql's stderr.
 */
export async function psql(host: string, sql: string, db = 'postgres', cfg: LabConfig = labConfig(), port?: number): Promise<string> {
  const h = { ...labHost(host, cfg) };
  if (port) h.pgPort = port;
  const r = await execa(
    `${cfg.pgBin}/psql`,
    ['-X', '-q', '-At', '-v', 'ON_ERROR_STOP=1', '-h', h.address, '-p', String(h.pgPort), '-U', 'postgres', '-d', db, '-f', '-'],
    { input: sql, reject: false, env: { PGCONNECT_TIMEOUT: '5' } },
  );
  if (r.exitCode !== 0) throw new Error(`lab: psql on ${host}/${db} failed (${r.exitCode}): ${r.stderr.trim()}`);
  return r.stdout.replace(/\n$/, '');
}
