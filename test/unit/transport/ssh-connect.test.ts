// Connecting to a port whose server resets the connection before the SSH banner: ssh2 emits
// 'error' twice (ECONNRESET, then "Connection lost before handshake"). Both must end as one
// UnreachableError (exit 4); a second 'error' without a listener would crash the run (exit 1).
import { expect } from 'chai';
import { createServer, type Server } from 'node:net';
import { createHost } from '../../../src/transport/factory.js';
import { UnreachableError } from '../../../src/transport/types.js';

describe('transport: ssh connect to a server that resets the connection', function () {
  this.timeout(30_000);
  let server: Server;
  let port = 0;
  before(async () => {
    server = createServer((s) => s.resetAndDestroy());
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as { port: number }).port;
  });
  after(() => new Promise<void>((r) => server.close(() => r())));

  it('rejects as unreachable every time and never emits an unhandled error', async () => {
    const attempts = Array.from({ length: 20 }, async (_, i) => {
      const h = createHost(`reset${i}`, { ansible_host: '127.0.0.1', ansible_port: port, ansible_user: 'nobody' }, { hostKeyChecking: false });
      try {
        return await h.exec({ argv: ['true'] }).then(() => null, (e: unknown) => e);
      } finally {
        await h.close();
      }
    });
    for (const err of await Promise.all(attempts)) {
      expect(err).to.be.instanceOf(UnreachableError);
      expect((err as Error).message).to.match(/Failed to connect to the host via ssh: .*(ECONNRESET|Connection lost)/);
    }
    // Let any late 'error' from a closing socket surface inside this test.
    await new Promise((r) => setTimeout(r, 200));
  });
});
