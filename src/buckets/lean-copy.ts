// CopyObject (COPY directive) without the SDK's per-request middleware: the SDK's own SigV4 signer
// and HTTP handler, one request built by hand. A profile of a 2,000-object copy showed ~0.8 ms of
// controller CPU per object, most of it in the client's middleware stack (schema serde, endpoint
// rules, retry bookkeeping) for a request whose every part is known in advance. Anything less plain
// (metadata REPLACE, multipart, a region redirect) still goes through the S3Client.
import { SignatureV4 } from '@smithy/signature-v4';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { S3ResponseError } from './retry.js';
import type { S3Side } from './profile.js';

/** The hash the signer asks for (an HMAC when given a secret), over node:crypto. */
type SourceData = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: SourceData): string | Uint8Array =>
  typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);

class NodeSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', bytes(secret));
  }
  update(data: SourceData): void {
    this.h.update(bytes(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.h.digest());
  }
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

export interface LeanCopier {
  /** Set after a redirect (a bucket in another region): the SDK, which follows them, takes over. */
  disabled: boolean;
  copy(bucket: string, key: string, copySource: string, acl?: string): Promise<void>;
}

/** A copier for one side, or undefined where the plain request cannot be formed (then: the SDK). */
export function leanCopier(side: S3Side, handler: NodeHttpHandler, bucket: string): LeanCopier | undefined {
  let base: URL;
  if (side.endpoint) {
    if (!side.forcePathStyle) return undefined;
    base = new URL(side.endpoint);
  } else {
    if (!VIRTUAL_HOSTABLE.test(bucket)) return undefined;
    base = new URL(`https://${bucket}.s3.${side.region}.amazonaws.com`);
  }
  const pathStyle = !!side.endpoint;
  const prefix = base.pathname.replace(/\/+$/, '');
  const host = base.host;
  const signer = new SignatureV4({ service: 's3', region: side.region, credentials: side.credentials, sha256: NodeSha256, uriEscapePath: false });
  return {
    disabled: false,
    async copy(b, key, copySource, acl) {
      const headers: Record<string, string> = { host, 'x-amz-copy-source': copySource, 'x-amz-metadata-directive': 'COPY', 'content-length': '0' };
      if (acl) headers['x-amz-acl'] = acl;
      const request = {
        method: 'PUT',
        protocol: base.protocol,
        hostname: base.hostname,
        ...(base.port ? { port: Number(base.port) } : {}),
        path: `${prefix}${pathStyle ? `/${b}` : ''}/${encodeKeyPath(key)}`,
        query: {},
        headers,
      };
      const signed = await signer.sign(request as Parameters<SignatureV4['sign']>[0]);
      const { response } = await handler.handle(signed as Parameters<NodeHttpHandler['handle']>[0]);
      const body = await readBody(response.body as IncomingMessage);
      // S3 may answer a copy 200 and put the error in the body.
      if (response.statusCode === 200 && !body.includes('<Error>')) return;
      throw S3ResponseError.fromXml(response.statusCode, body);
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
