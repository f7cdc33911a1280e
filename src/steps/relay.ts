// A byte pipe from the controller to the host's PostgreSQL unix socket, through a command run as
// the backup user (peer authentication), so the `pg` client can speak the extended protocol:
// post-restore SQL parameters are then bound ($1…$n), never spliced into SQL or argv.
// perl with IO::Socket::UNIX is part of perl-base, present on every Debian/Ubuntu host.
// Why not COPY the params into a temp table and PREPARE/EXECUTE in psql: EXECUTE coerces its
// arguments by assignment casts, so a text value for an integer/jsonb/… parameter fails unless
// each type is looked up and cast; with the protocol the server infers `$n` types as any driver.
import { Duplex } from 'node:stream';
import type { Host, StreamingProcess } from '../transport/types.js';
import { becomeOf, DEFAULT_PORT, DEFAULT_SOCKET_DIR, type PgConn } from './sql.js';
import { hostScript } from '../util/host-scripts.js';

/** The relay itself: scripts/host/relay.pl ($ARGV[0] the socket). */
export const RELAY_PERL = hostScript('relay.pl');

export const socketPath = (pg: PgConn = {}): string =>
  `${(pg.socketDir ?? DEFAULT_SOCKET_DIR).replace(/\/+$/, '')}/.s.PGSQL.${pg.port ?? DEFAULT_PORT}`;

/** What `pg.Connection` needs of a socket: a Duplex with connect/setNoDelay/setKeepAlive. */
export class RelaySocket extends Duplex {
  constructor(readonly proc: StreamingProcess) {
    super();
    proc.stdout.on('data', (c: Buffer) => {
      if (!this.push(c)) proc.stdout.pause();
    });
    proc.stdout.on('end', () => this.push(null));
    proc.stdin.on('error', (e: Error) => this.destroy(e));
    proc.done.then(
      (r) => {
        if (r.code !== 0 && !this.destroyed) this.destroy(new Error(`relay exited with ${r.code ?? r.signal}: ${r.stderr.trim()}`));
      },
      (e: unknown) => this.destroy(e instanceof Error ? e : new Error(String(e))),
    );
  }
  connect(): this {
    setImmediate(() => this.emit('connect'));
    return this;
  }
  setNoDelay(): this {
    return this;
  }
  setKeepAlive(): this {
    return this;
  }
  override _read(): void {
    this.proc.stdout.resume();
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error | null) => void): void {
    this.proc.stdin.write(chunk, cb);
  }
  override _final(cb: (e?: Error | null) => void): void {
    this.proc.stdin.end(cb);
  }
  override _destroy(err: Error | null, cb: (e?: Error | null) => void): void {
    this.proc.kill();
    cb(err);
  }
}

/** Start the relay on `host` as `user`; the returned socket is handed to `new pg.Client({stream})`. */
export function openRelay(host: Host, user: string, pg?: PgConn, signal?: AbortSignal): RelaySocket {
  const proc = host.spawn({ argv: ['perl', '-e', RELAY_PERL, socketPath(pg)] }, { become: becomeOf(user), signal });
  proc.done.catch(() => undefined);
  return new RelaySocket(proc);
}
