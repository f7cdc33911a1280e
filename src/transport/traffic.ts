// What each ssh2 connection holds beyond the client itself: the bytes it has read from the
// network (the controller's share of a transfer, shown in the report) and the host key it
// accepted (what a destination pulling from this host must find there too).
import type { Client } from 'ssh2';

const received = new WeakMap<Client, { bytes: number }>();
const acceptedKeys = new WeakMap<Client, Buffer>();

/** Count every byte the client's socket reads, from the handshake on. */
export function countBytesIn(client: Client): void {
  const counter = { bytes: 0 };
  received.set(client, counter);
  // ssh2 keeps its socket in _sock (created in connect()); listening for 'data' only observes.
  const sock = (client as unknown as { _sock?: NodeJS.ReadableStream })._sock;
  sock?.on('data', (c: Buffer) => (counter.bytes += c.length));
}

export const bytesIn = (client: Client): number => received.get(client)?.bytes ?? 0;

export function rememberHostKey(client: Client, key: Buffer): void {
  acceptedKeys.set(client, key);
}

export const hostKeyOf = (client: Client): Buffer | undefined => acceptedKeys.get(client);
