// Channel helpers of SshHost: the pgid line, signals past EOF, ending a client.
import { Transform, type Readable } from 'node:stream';
import type { Client as ClientT, ClientChannel } from 'ssh2';

export const PGID_TAG = 'stagesync-pgid:';

/** Remove our `stagesync-pgid:N` first line from a command's stderr, reporting N. */
export function stripPgid(src: Readable, onPgid: (pgid: number) => void): Readable {
  let head: Buffer | undefined = Buffer.alloc(0);
  const out = new Transform({
    transform(chunk: Buffer, _e, cb) {
      if (!head) return cb(null, chunk);
      head = Buffer.concat([head, chunk]);
      const nl = head.indexOf(0x0a);
      if (nl < 0 && head.length < 64) return cb();
      const first = head.subarray(0, nl < 0 ? 0 : nl).toString('latin1');
      const rest = head;
      head = undefined;
      if (first.startsWith(PGID_TAG)) {
        const n = Number(first.slice(PGID_TAG.length));
        if (Number.isInteger(n) && n > 1) onPgid(n);
        return cb(null, rest.subarray(nl + 1));
      }
      cb(null, rest);
    },
    flush(cb) {
      cb(null, head && head.length ? head : undefined);
    },
  });
  src.pipe(out);
  return out;
}

/**
 * Channel.signal() stays silent once we sent EOF (stdin ended), which is the usual case; the
 * protocol allows the request until the channel closes, so send it through ssh2's protocol object.
 */
export function sendSignal(ch: ClientChannel, sig: 'TERM' | 'KILL'): void {
  const c = ch as unknown as { outgoing?: { id: number; state: string }; _client?: { _protocol?: { signal(id: number, s: string): void } } };
  const proto = c._client?._protocol;
  if (c.outgoing && proto && (c.outgoing.state === 'open' || c.outgoing.state === 'eof')) safe(() => proto.signal(c.outgoing!.id, sig));
  else safe(() => ch.signal(sig));
}

export function safe(f: () => unknown): void {
  try {
    f();
  } catch {
    /* channel already gone */
  }
}

/** Ends the connection; resolves on its close, or after 2 s (a timer that keeps the process up). */
export function endClient(c: ClientT): Promise<void> {
  return new Promise((res) => {
    const t = setTimeout(res, 2000);
    c.once('close', () => {
      clearTimeout(t);
      res();
    });
    c.end();
  });
}
