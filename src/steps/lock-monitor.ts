// The lock monitor: a session of its own on the destination's database that samples pg_locks
// and pg_stat_activity every `intervalMs` while a migration runs (lock-report.ts makes the
// report from the samples). It holds no lock a migration could wait for: catalog views only.
import pg from 'pg';
import type { Host } from '../transport/types.js';
import { StepError } from './errors.js';
import type { LockRow, LockSample, SessionRow } from './lock-report.js';
import { openRelay } from './relay.js';
import type { PgConn } from './sql.js';
import { sleep } from '../util/backoff.js';

/**
 * One sample: the server's clock, the relation locks of the other sessions of this database
 * (catalogs left out: every statement touches them) and every lock they wait for (a row lock is
 * waited for as its holder's `transactionid`), and those sessions' states. Times are ms since the
 * epoch. A relation this snapshot cannot see (created in an open transaction) is named by its oid.
 */
export const SAMPLE_SQL = `
SELECT extract(epoch FROM clock_timestamp()) * 1000 AS at,
  (SELECT coalesce(json_agg(json_build_object(
     'pid', l.pid, 'mode', l.mode, 'granted', l.granted,
     'relation', CASE WHEN l.relation IS NULL THEN l.locktype || coalesce(' ' || l.transactionid::text, ' ' || l.virtualxid, '')
                      WHEN c.oid IS NULL THEN 'oid ' || l.relation
                      WHEN n.nspname = 'public' THEN quote_ident(c.relname)
                      ELSE quote_ident(n.nspname) || '.' || quote_ident(c.relname) END,
     'kind', c.relkind, 'query', a.query,
     'queryStart', extract(epoch FROM a.query_start) * 1000,
     'xactStart', extract(epoch FROM a.xact_start) * 1000,
     'blockedBy', CASE WHEN l.granted THEN '[]'::json ELSE to_json(pg_blocking_pids(l.pid)) END)), '[]')
   FROM pg_locks l
   JOIN pg_stat_activity a ON a.pid = l.pid
   LEFT JOIN pg_class c ON c.oid = l.relation
   LEFT JOIN pg_namespace n ON n.oid = c.relnamespace
   WHERE a.datname = current_database() AND l.pid <> pg_backend_pid()
     AND ((l.locktype = 'relation' AND coalesce(n.nspname NOT IN ('pg_catalog', 'information_schema') AND n.nspname NOT LIKE 'pg_toast%', true))
          OR NOT l.granted)) AS locks,
  (SELECT coalesce(json_agg(json_build_object('pid', pid, 'state', state, 'stateChange', extract(epoch FROM state_change) * 1000)), '[]')
   FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()) AS sessions`;

export interface LockMonitorParams {
  /** The database the migration works on (the new copy). */
  database: string;
  backupUser: string;
  intervalMs: number;
  pg?: PgConn;
  signal?: AbortSignal;
}

export interface LockMonitor {
  /** Server clock (ms) of the first sample, taken before start resolved. */
  readonly startedAt: number;
  /** Takes a last sample, ends the session; the samples in time order and the server clock then. */
  stop(): Promise<{ samples: LockSample[]; stoppedAt: number }>;
}

interface RawSample {
  at: number;
  locks: LockRow[];
  sessions: SessionRow[];
}

/** Opens the session and takes the first sample; sampling goes on until stop(). */
export async function startLockMonitor(host: Host, p: LockMonitorParams): Promise<LockMonitor> {
  const sock = openRelay(host, p.backupUser, p.pg, p.signal);
  const client = new pg.Client({ user: p.backupUser, database: p.database, application_name: 'stagesync lock monitor', stream: () => sock } as pg.ClientConfig);
  client.on('error', () => undefined); // surfaced through the failing query instead
  const samples: LockSample[] = [];
  const sample = async (): Promise<LockSample> => {
    const r = await client.query<RawSample>(SAMPLE_SQL);
    const row = r.rows[0]!;
    const s = { at: Number(row.at), locks: row.locks, sessions: row.sessions };
    samples.push(s);
    return s;
  };
  try {
    await client.connect();
    // A superuser's session (peer authentication as the backup user): it writes nothing.
    await client.query('SET default_transaction_read_only = on');
    await sample();
  } catch (e) {
    sock.destroy();
    throw new StepError(host.name, 'migrate', `the lock monitor cannot open a session on ${p.database}: ${(e as Error).message}`);
  }
  let stopping = false;
  let failure: Error | undefined;
  const loop = (async () => {
    // One sample every intervalMs, however long a sample takes (never two at once).
    let began = Date.now();
    while (!stopping && !p.signal?.aborted) {
      await sleep(Math.max(0, p.intervalMs - (Date.now() - began)), p.signal);
      if (stopping || p.signal?.aborted) break;
      began = Date.now();
      await sample();
    }
  })().catch((e: Error) => {
    failure = e;
  });
  return {
    startedAt: samples[0]!.at,
    async stop() {
      stopping = true;
      await loop;
      try {
        if (failure) throw failure;
        const last = await sample();
        return { samples, stoppedAt: last.at };
      } catch (e) {
        throw new StepError(host.name, 'migrate', `the lock monitor lost its session: ${(e as Error).message}`);
      } finally {
        await client.end().catch(() => undefined); // nothing to lose: a read-only session; the socket goes next
        sock.destroy();
      }
    },
  };
}
