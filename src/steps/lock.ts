// The destination lock (docs/safety.md): a PostgreSQL advisory lock held by a psql session that
// stays open for the whole run. It is released when the session ends, so a crashed controller
// or a cut connection frees it too; no lock file to go stale.
import { createHash } from 'node:crypto';
import { ConnectionLostError, type Host, type StreamingProcess } from '../transport/types.js';
import { LockTimeoutError, StepError } from './errors.js';
import { becomeOf, psqlArgv, type PgConn } from './sql.js';
import { sleep } from '../util/backoff.js';
import { endOfKilled } from '../util/settle.js';

export interface LockParams {
  database: string;
  backupUser: string;
  pg?: PgConn;
  /** Give up after this long (default 10 min). */
  timeoutMs?: number;
  pollMs?: number;
  /** Told when we start waiting, and every 30 s while we wait. */
  onWait?: (message: string) => void;
}

export interface DestLock {
  readonly key: string;
  /** Throws if the session holding the lock has ended (connection cut): exclusivity is gone. */
  assertHeld(): void;
  release(): Promise<void>;
}

/** A stable signed 64-bit key per destination database (one key space for every stagesync run). */
export function lockKey(database: string): string {
  const h = createHash('sha256').update(`stagesync:${database}`).digest();
  return h.readBigInt64BE(0).toString();
}

/** Line-at-a-time replies from a psql reading SQL from its stdin. */
export class Session {
  private buf = '';
  private waiters: ((line: string) => void)[] = [];
  private lines: string[] = [];
  ended = false;
  constructor(readonly proc: StreamingProcess) {
    proc.stdout.setEncoding('utf8');
    proc.stdout.on('data', (s: string) => {
      this.buf += s;
      let nl: number;
      while ((nl = this.buf.indexOf('\n')) >= 0) {
        const line = this.buf.slice(0, nl);
        this.buf = this.buf.slice(nl + 1);
        const w = this.waiters.shift();
        if (w) w(line);
        else this.lines.push(line);
      }
    });
    proc.stdin.on('error', () => undefined);
    proc.done.then(
      () => this.end(),
      () => this.end(),
    );
  }
  private end(): void {
    this.ended = true;
    for (const w of this.waiters.splice(0)) w('\0ended');
  }
  /** psql exits at end of input, ending the session (its lock, its transaction); killed after 10 s. */
  async close(): Promise<void> {
    this.proc.stdin.end();
    const t = setTimeout(() => this.proc.kill(), 10_000);
    // Only that it ended matters: what the session held is gone either way.
    await endOfKilled(this.proc.done);
    clearTimeout(t);
  }
  ask(sql: string): Promise<string> {
    if (this.ended) return Promise.resolve('\0ended');
    this.proc.stdin.write(sql + '\n');
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

export async function acquireLock(host: Host, p: LockParams): Promise<DestLock> {
  const key = lockKey(p.database);
  const timeoutMs = p.timeoutMs ?? 600_000;
  const proc = host.spawn({ argv: psqlArgv('postgres', p.pg, 'stagesync-lock') }, { become: becomeOf(p.backupUser) });
  const s = new Session(proc);
  const fail = async (e: Error): Promise<never> => {
    proc.stdin.end();
    proc.kill();
    await endOfKilled(proc.done);
    throw e;
  };
  const started = Date.now();
  let lastTold = 0;
  for (;;) {
    const got = await s.ask(`SELECT pg_try_advisory_lock(${key});`);
    if (got === 't') break;
    if (got !== 'f') {
      const r = await proc.done.catch((e: Error) => e);
      // A lost connection stays one (the host counts unreachable), not a failed lock.
      if (r instanceof ConnectionLostError) return fail(r);
      return fail(new StepError(host.name, 'lock', 'the lock session ended unexpectedly', { output: (r instanceof Error ? r.message : r.stderr).trim() }));
    }
    const holder = await s.ask(holderSql(key));
    const waited = Date.now() - started;
    if (waited >= timeoutMs) {
      return fail(new LockTimeoutError(host.name, `another stagesync run holds the lock on ${p.database}${holder ? ` (${holder})` : ''}; gave up after ${Math.round(waited / 1000)} s`));
    }
    if (lastTold === 0 || Date.now() - lastTold >= 30_000) {
      lastTold = Date.now();
      p.onWait?.(`${host.name}: waiting for the stagesync lock on ${p.database}, held by another run${holder ? ` (${holder})` : ''}`);
    }
    await sleep(Math.min(p.pollMs ?? 1000, Math.max(0, timeoutMs - waited)));
  }
  return {
    key,
    assertHeld() {
      if (s.ended) throw new StepError(host.name, 'lock', `the session holding the lock on ${p.database} ended; another run may write it`);
    },
    release: () => s.close(),
  };
}

/** One line describing the holder: client and since when (pg_locks splits the key in two oids). */
function holderSql(key: string): string {
  const k = BigInt.asUintN(64, BigInt(key));
  const hi = (k >> 32n).toString();
  const lo = (k & 0xffffffffn).toString();
  return `SELECT coalesce(string_agg(format('pid %s, %s, since %s', a.pid, coalesce(a.client_addr::text, 'local socket'), date_trunc('second', a.backend_start)), '; '), '') FROM pg_locks l JOIN pg_stat_activity a USING (pid) WHERE l.locktype = 'advisory' AND l.granted AND l.objsubid = 1 AND l.classid = ${hi} AND l.objid = ${lo};`;
}
