// One S3 request without the SDK's per-request middleware: the SDK's own SigV4 signer and HTTP
// handler, the request built by hand. Profiles of big copies showed most of the controller's CPU per
// object in the client's middleware and its generic XML parse, for requests whose every part is
// known in advance. Anything less plain (a region redirect, multipart) stays with the S3Client.
import { SignatureV4 } from '@smithy/signature-v4';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import * as crypto from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import type { S3Side } from './profile.js';

/** The hash the signer asks for (an HMAC when given a secret), over node:crypto. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);

// The signer hashes each request's canonical form in one update: Node's one-shot hash skips the
// stream object createHash() builds (a tenth of the signer's CPU per copy in a profile).
const oneShot = (crypto as { hash?: (alg: string, data: string | Uint8Array, enc: 'buffer') => Buffer }).hash;

export class NodeSha256 {
  private readonly secret?: string | Uint8Array;
  private readonly parts: (string | Uint8Array)[] = [];
  constructor(secret?: SourceData) {
    if (secret !== undefined) this.secret = bytes(secret);
  }
  update(data: SourceData): void {
    this.parts.push(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    if (this.secret === undefined && this.parts.length === 1 && oneShot) return Promise.resolve(oneShot('sha256', this.parts[0]!, 'buffer'));
    const h = this.secret === undefined ? crypto.createHash('sha256') : crypto.createHmac('sha256', this.secret);
    for (const part of this.parts) h.update(part);
    return Promise.resolve(h.digest());
  }
}

/** The bucket lives in another region (a redirect, or a signature for the wrong region): the SDK follows it. */
export function isRegionRedirect(e: unknown): boolean {
  const { name, $metadata } = e as { name?: string; $metadata?: { httpStatusCode?: number } };
  const status = $metadata?.httpStatusCode;
  return (status !== undefined && status >= 300 && status < 400) || name === 'AuthorizationHeaderMalformed' || name === 'PermanentRedirect';
}

/** RFC 3986 per path segment, as the SDK's S3 serializer does (S3 signs the path as sent). */
export function encodeKeyPath(key: string): string {
  return key
    .split('/')
    .map((s) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`))
    .join('/');
}

/** DNS-safe bucket names take AWS's virtual-hosted form; anything else keeps the SDK path. */
const VIRTUAL_HOSTABLE = /^[a-z0-9][a-z0-9-]{1,61}[a-z0-9]$/;

export interface LeanRequest {
  method: 'GET' | 'PUT';
  /** The object's key; absent for a request on the bucket itself (a listing). */
  key?: string;
  query?: Record<string, string>;
  headers?: Record<string, string>;
}

export interface LeanResponse {
  status: number;
  body: string;
}

/** Signs and sends requests on one bucket of one side. */
export interface LeanBucket {
  send(req: LeanRequest): Promise<LeanResponse>;
}

/** A sender for one bucket, or undefined where the plain request cannot be formed (then: the SDK). */
export function leanBucket(side: S3Side, bucket: string): LeanBucket | undefined {
  let base: URL;
  if (side.endpoint) {
    if (!side.forcePathStyle) return undefined;
    base = new URL(side.endpoint);
  } else {
    if (!VIRTUAL_HOSTABLE.test(bucket)) return undefined;
    base = new URL(`https://${bucket}.s3.${side.region}.amazonaws.com`);
  }
  const root = `${base.pathname.replace(/\/+$/, '')}${side.endpoint ? `/${bucket}` : ''}`;
  const signer = new SignatureV4({ service: 's3', region: side.region, credentials: side.credentials, sha256: NodeSha256, uriEscapePath: false });
  const handler: NodeHttpHandler = side.handler;
  return {
    async send({ method, key, query = {}, headers = {} }) {
      const request = {
        method,
        protocol: base.protocol,
        hostname: base.hostname,
        ...(base.port ? { port: Number(base.port) } : {}),
        path: key === undefined ? root || '/' : `${root}/${encodeKeyPath(key)}`,
        query,
        headers: { host: base.host, ...headers },
      };
      const signed = await signer.sign(request as Parameters<SignatureV4['sign']>[0]);
      const { response } = await handler.handle(signed as Parameters<NodeHttpHandler['handle']>[0]);
      return { status: response.statusCode, body: await readBody(response.body as IncomingMessage) };
    },
  };
}

function readBody(res: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    res.setEncoding('utf8');
    res.on('data', (c: string) => (text += c));
    res.on('end', () => resolve(text));
    res.on('error', reject);
  });
}
