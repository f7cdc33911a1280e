import { SignatureV4 } from '@smithy/signature-v4';
import { expect } from 'chai';
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { encodeKeyPath, NodeSha256 } from '../../../src/buckets/lean-request.js';

type SourceData = string | ArrayBuffer | ArrayBufferView;
const view = (d: SourceData): string | Uint8Array =>
  typeof d === 'string' ? d : ArrayBuffer.isView(d) ? new Uint8Array(d.buffer, d.byteOffset, d.byteLength) : new Uint8Array(d);

/** The plain streamed hash, as the reference for NodeSha256's one-shot path. */
class PlainSha256 {
  private readonly h: Hash | Hmac;
  constructor(secret?: SourceData) {
    this.h = secret === undefined ? createHash('sha256') : createHmac('sha256', view(secret));
  }
  update(data: SourceData): void {
    this.h.update(view(data));
  }
  digest(): Promise<Uint8Array> {
    return Promise.resolve(this.h.digest());
  }
}

describe('buckets/lean-request', () => {
  it('encodes a key path as the SDK does: RFC 3986 per segment, slashes kept', () => {
    expect(encodeKeyPath("a b/c+d/(x)!'*~.bin")).to.equal('a%20b/c%2Bd/%28x%29%21%27%2A~.bin');
    expect(encodeKeyPath('ü/€/😀')).to.equal('%C3%BC/%E2%82%AC/%F0%9F%98%80');
  });

  it('signs a request exactly as a plain streamed hash does (one-shot and streamed hashes, HMACs)', async () => {
    const request = {
      method: 'PUT',
      protocol: 'http:',
      hostname: '127.0.0.1',
      port: 5056,
      path: '/bucket/a%20b/c.bin',
      query: { 'x-id': 'CopyObject' },
      headers: { host: '127.0.0.1:5056', 'x-amz-copy-source': 'src/a%20b/c.bin', 'content-length': '0' },
    };
    const signer = (sha256: typeof NodeSha256 | typeof PlainSha256) =>
      new SignatureV4({ service: 's3', region: 'eu-west-1', credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret/key' }, sha256, uriEscapePath: false });
    const signingDate = new Date('2026-12-05T01:02:03Z');
    // The request overload of sign() (lean-request.ts calls it the same way).
    type Request = Extract<Parameters<SignatureV4['sign']>[0], { headers: unknown }>;
    const sign = (s: SignatureV4) => s.sign(structuredClone(request) as Request, { signingDate }) as Promise<Request>;
    const ours = await sign(signer(NodeSha256));
    const plain = await sign(signer(PlainSha256));
    expect(ours.headers.authorization).to.match(/Signature=[0-9a-f]{64}$/);
    expect(ours.headers.authorization).to.equal(plain.headers.authorization);

    const streamed = new NodeSha256();
    streamed.update('ab');
    streamed.update(new Uint8Array([99]));
    const whole = new PlainSha256();
    whole.update('abc');
    expect(Buffer.from(await streamed.digest()).toString('hex')).to.equal(Buffer.from(await whole.digest()).toString('hex'));
  });
});
