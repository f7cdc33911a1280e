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

export const RELAY_PERL = `
use strict; use warnings; use Socket qw(SOCK_STREAM); use IO::Socket::UNIX; use IO::Select;
my $s = IO::Socket::UNIX->new(Type => SOCK_STREAM, Peer => $ARGV[0])
  or die "stagesync relay: cannot connect to $ARGV[0]: $!\\n";
binmode STDIN; binmode STDOUT; binmode $s;
my $sel = IO::Select->new(\\*STDIN, $s);
sub put { my ($fh, $buf) = @_; my $off = 0;
  while ($off < length $buf) { my $w = syswrite($fh, $buf, length($buf) - $off, $off);
    die "stagesync relay: write: $!\\n" unless defined $w; $off += $w; } }
while ($sel->count) {
  for my $fh ($sel->can_read) {
    my $n = sysread($fh, my $buf, 65536);
    die "stagesync relay: read: $!\\n" unless defined $n;
    if (fileno($fh) == fileno($s)) { exit 0 unless $n; put(\\*STDOUT, $buf); }
    elsif (!$n) { $sel->remove(\\*STDIN); shutdown($s, 1); }
    else { put($s, $buf); }
  }
}
`;

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
