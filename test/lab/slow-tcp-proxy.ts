// A TCP relay in front of a lab host's port whose replies are paced, so a transfer through it lasts
// long enough to be cut in its middle on any machine; cut() drops every connection through it, as
// a network failure between two hosts would.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface SlowProxyOptions {
  /** Where it listens (an unused loopback address, with the target's port: known_hosts stays right). */
  listen: { address: string; port: number };
  target: { address: string; port: number };
  /** The pace of what the target sends back, until the first cut (then unpaced). */
  bytesPerSec: number;
}

export class SlowTcpProxy {
  private readonly server: Server;
  private readonly sockets = new Set<Socket>();
  private paced = true;

  constructor(private readonly o: SlowProxyOptions) {
    this.server = createServer((client) => this.relay(client));
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.listen.port, this.o.listen.address, () => resolve());
    });
  }

  /** Every connection through it is dropped at once; later ones are relayed at full speed. */
  cut(): number {
    const n = this.sockets.size;
    for (const s of this.sockets) s.destroy();
    this.paced = false;
    return n;
  }

  close(): Promise<void> {
    this.cut();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private relay(client: Socket): void {
    const upstream = connect(this.o.target.port, this.o.target.address);
    for (const s of [client, upstream]) {
      this.sockets.add(s);
      s.on('error', () => undefined);
      s.on('close', () => {
        this.sockets.delete(s);
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream);
    upstream.on('data', (chunk: Buffer) => {
      client.write(chunk);
      if (!this.paced) return;
      upstream.pause();
      setTimeout(() => upstream.resume(), (chunk.length / this.o.bytesPerSec) * 1000);
    });
  }
}
