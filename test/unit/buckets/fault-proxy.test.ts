import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { objectKeyOf, startFaultProxy, type FaultProxy } from '../../lab/index.js';

describe('lab/fault-proxy', () => {
  let upstream: Server;
  let proxy: FaultProxy;
  before(async () => {
    upstream = createServer((req, res) => {
      req.resume();
      req.on('end', () => res.end(`ok ${req.method} ${req.url} host=${req.headers.host}`));
    });
    await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', () => r()));
    proxy = await startFaultProxy({ target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`, seed: 1 });
  });
  after(async () => {
    await proxy.close();
    upstream.closeAllConnections();
    await new Promise((r) => upstream.close(r));
  });
  const get = (path: string, headers: Record<string, string> = {}) =>
    fetch(proxy.endpoint + path, { headers }).then(async (r) => ({ status: r.status, body: await r.text() }));

  it('finds the object key of path-style URLs', () => {
    expect(objectKeyOf('/bucket/a%20b/c.txt?uploadId=1')).to.equal('a b/c.txt');
    expect(objectKeyOf('/bucket?list-type=2')).to.equal(undefined);
    expect(objectKeyOf('/bucket/')).to.equal(undefined);
  });
  it('forwards untouched requests with their Host header (signatures stay valid)', async () => {
    proxy.configure({ slowDownRate: 0, dropRate: 0, persistentKeys: [] });
    const r = await get('/b/k.txt');
    expect(r.status).to.equal(200);
    expect(r.body).to.equal(`ok GET /b/k.txt host=${proxy.endpoint.slice('http://'.length)}`);
  });
  it('fails chosen keys every time, by path or by x-amz-copy-source', async () => {
    proxy.configure({ persistentKeys: ['bad key'], persistentFault: 'slowdown' });
    for (let i = 0; i < 3; i++) {
      const r = await get('/b/bad%20key');
      expect(r.status).to.equal(503);
      expect(r.body).to.include('<Code>SlowDown</Code>');
    }
    expect((await get('/b/other', { 'x-amz-copy-source': 'src/bad%20key' })).status).to.equal(503);
    expect((await get('/b/fine')).status).to.equal(200);
  });
  it('drops about the configured share of object requests, never bucket requests unless asked', async () => {
    proxy.configure({ persistentKeys: [], slowDownRate: 0, dropRate: 0.5 });
    const before = proxy.stats.drops;
    let failed = 0;
    for (let i = 0; i < 40; i++) await get(`/b/k${i}`).catch(() => failed++);
    expect(failed).to.equal(proxy.stats.drops - before);
    expect(failed).to.be.within(10, 30);
    for (let i = 0; i < 10; i++) expect((await get('/b?list-type=2')).status).to.equal(200);
    proxy.configure({ dropRate: 0 });
  });
});
