// A fault-injecting HTTP proxy for the lab's S3 endpoint: clients point their endpoint_url here and
// a share of requests get 503 SlowDown, a dropped connection or no answer at all (a stalled
// endpoint) instead of reaching the endpoint.
// Used by the bucket tests to prove that copies finish by retrying and fail cleanly when they can't.
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'slowdown' | 'drop' | '500' | 'stall';

export interface FaultProxyOptions {
  /** The real endpoint, e.g. http://127.0.0.1:5055. */
  target: string;
  /** Port to listen on (default 0: any free port). */
  port?: number;
  host?: string;
  /** Share of object requests answered 503 SlowDown (0..1). */
  slowDownRate?: number;
  /** Share of object requests whose connection is dropped before any answer (0..1). */
  dropRate?: number;
  /** Share of object requests read but never answered, the connection held open (0..1). */
  stallRate?: number;
  /** Also fault bucket-level requests (listings, DeleteObjects)? Default: only object requests. */
  includeBucketRequests?: boolean;
  /** Keys (exact, or substrings when `persistentMatch: 'substring'`) that fail on every request. */
  persistentKeys?: string[];
  persistentMatch?: 'exact' | 'substring';
  persistentFault?: Fault;
  /** Deterministic choices for reproducible tests (a seeded PRNG); default Math.random. */
  seed?: number;
}

export interface FaultProxyStats {
  requests: number;
  slowdowns: number;
  drops: number;
  stalls: number;
  persistent: number;
  forwarded: number;
}

export interface FaultProxy {
  /** http://host:port of the proxy: use it as the endpoint_url. */
  endpoint: string;
  port: number;
  stats: FaultProxyStats;
  /** Change the fault mix while running (e.g. none during setup, some during the copy). */
  configure(changes: Partial<Omit<FaultProxyOptions, 'target' | 'port' | 'host'>>): void;
  close(): Promise<void>;
}

/** mulberry32: tiny seeded PRNG, enough for picking which requests fail. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Path-style `/bucket/key...` → the decoded key, or undefined for bucket-level requests. */
export function objectKeyOf(url: string): string | undefined {
  const path = url.split('?')[0] ?? '';
  const slash = path.indexOf('/', 1);
  if (slash < 0 || slash === path.length - 1) return undefined;
  try {
    return decodeURIComponent(path.slice(slash + 1));
  } catch {
    return path.slice(slash + 1);
  }
}

/** The key named by x-amz-copy-source (CopyObject / UploadPartCopy read it from there). */
function copySourceKey(req: IncomingMessage): string | undefined {
  const h = req.headers['x-amz-copy-source'];
  const v = Array.isArray(h) ? h[0] : h;
  if (!v) return undefined;
  return objectKeyOf('/' + v.replace(/^\//, '').split('?')[0]);
}

function slowDown(res: ServerResponse, key: string | undefined): void {
  const body =
    '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code><Message>Please reduce your request rate.</Message>' +
    `<Resource>${key ?? ''}</Resource><RequestId>fault-proxy</RequestId></Error>`;
  res.writeHead(503, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

function internalError(res: ServerResponse): void {
  const body = '<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InternalError</Code><Message>We encountered an internal error.</Message></Error>';
  res.writeHead(500, { 'Content-Type': 'application/xml', 'Content-Length': Buffer.byteLength(body) });
  res.end(body);
}

export async function startFaultProxy(options: FaultProxyOptions): Promise<FaultProxy> {
  const opts: FaultProxyOptions = { ...options };
  let random = opts.seed !== undefined ? seeded(opts.seed) : Math.random;
  const target = new URL(opts.target);
  const stats: FaultProxyStats = { requests: 0, slowdowns: 0, drops: 0, stalls: 0, persistent: 0, forwarded: 0 };

  const apply = (fault: Fault, req: IncomingMessage, res: ServerResponse, key: string | undefined) => {
    if (fault === 'drop') {
      // Read nothing more and close: the client sees ECONNRESET / socket hang up.
      req.socket.destroy();
    } else if (fault === '500') {
      internalError(res);
    } else if (fault === 'stall') {
      // Take the request and say nothing: only the client's own timeout ends this.
      req.resume();
    } else {
      slowDown(res, key);
    }
  };

  const server: Server = createServer((req, res) => {
    stats.requests++;
    const key = objectKeyOf(req.url ?? '/');
    const srcKey = copySourceKey(req);
    const persistent = opts.persistentKeys ?? [];
    const matches = (k: string | undefined) =>
      k !== undefined && persistent.some((p) => (opts.persistentMatch === 'substring' ? k.includes(p) : k === p));
    if (persistent.length && (matches(key) || matches(srcKey))) {
      stats.persistent++;
      apply(opts.persistentFault ?? 'slowdown', req, res, key);
      return;
    }
    if (key !== undefined || opts.includeBucketRequests) {
      const r = random();
      const slow = opts.slowDownRate ?? 0;
      const drop = opts.dropRate ?? 0;
      const stall = opts.stallRate ?? 0;
      if (r < slow) {
        stats.slowdowns++;
        // Drain the body first so the client reads our answer rather than a reset.
        req.resume();
        req.on('end', () => slowDown(res, key));
        return;
      }
      if (r < slow + drop) {
        stats.drops++;
        apply('drop', req, res, key);
        return;
      }
      if (r < slow + drop + stall) {
        stats.stalls++;
        apply('stall', req, res, key);
        return;
      }
    }
    stats.forwarded++;
    // Headers unchanged (Host included) so the SigV4 signature made for the proxy still verifies.
    const upstream = httpRequest(
      { host: target.hostname, port: target.port || 80, method: req.method, path: req.url, headers: req.headers },
      (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers);
        up.pipe(res);
      },
    );
    upstream.on('error', () => req.socket.destroy());
    req.pipe(upstream);
  });
  // Keep-alive sockets from the clients must not keep close() waiting.
  server.keepAliveTimeout = 1000;

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
  });
  const addr = server.address() as AddressInfo;
  return {
    endpoint: `http://${addr.address}:${addr.port}`,
    port: addr.port,
    stats,
    configure(changes) {
      Object.assign(opts, changes);
      if (changes.seed !== undefined) random = seeded(changes.seed);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
