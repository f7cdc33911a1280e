// The listing's own XML reader (list-page.ts) against real servers: for keys of every awkward kind,
// over several pages, it must read exactly what the SDK reads, and must not have fallen back to it.
import { expect } from 'chai';
import { listObjects, type ListTarget } from '../../../src/buckets/listing.js';
import { leanBucket } from '../../../src/buckets/lean-request.js';
import { openSide } from '../../../src/buckets/profile.js';
import type { ObjectInfo } from '../../../src/buckets/types.js';
import { fastS3Up, S3_KEYS } from '../../lab/index.js';
import { bytesFor, client, createBucket, dropBucket, lab, makeAwsHome, putAll, removeDir, requireS3, type Obj } from './support.js';

const AWKWARD = ['a b', 'a+b', 'a&b<c>"d\'', '100% sure', 'ctl\u0001x', 'tab\there', 'café/ñandú', '🎉 party', '\uFF21wide', 'x'.repeat(900), 'dir/', '~!*()=,;:@$'];
const RETRY = { attempts: 2, baseMs: 50, capMs: 100 };

async function listAllPages(target: ListTarget): Promise<ObjectInfo[]> {
  const out: ObjectInfo[] = [];
  for await (const page of listObjects(target, () => true, RETRY)) out.push(...page);
  return out;
}

for (const endpoint of ['moto', 'fauxqs'] as const) {
  describe(`buckets: the listing read without the SDK (${endpoint})`, function () {
    this.timeout(120_000);
    const url = () => (endpoint === 'moto' ? lab().s3.endpoint : lab().fastS3.endpoint);
    let bucket: string;
    let home: ReturnType<typeof makeAwsHome>;
    const keys = [...AWKWARD.map((k) => `p/${k}`), ...Array.from({ length: 1100 }, (_, i) => `p/n/${i}`), 'other/outside'];

    before(async function () {
      if (endpoint === 'moto') await requireS3(this);
      else if (!(await fastS3Up(lab()))) throw new Error(`lab fast S3 endpoint ${url()} is not up: run \`npm run lab -- up\``);
      const { id, secret } = S3_KEYS.production!;
      home = makeAwsHome({ side: { endpoint: url(), id, secret } });
      bucket = await createBucket(client(url()), 'list');
      await putAll(client(url()), bucket, keys.map((Key): Obj => ({ Key, Body: bytesFor(Key, Key.length % 7) })));
    });
    after(async () => {
      if (bucket) await dropBucket(client(url()), bucket);
      removeDir(home.dir);
    });

    it('gives what the SDK gives, page after page, and stays on its own reader', async () => {
      const side = await openSide({ profile: 'side', concurrency: 8, env: home.env });
      const lean = leanBucket(side, bucket);
      expect(lean, 'a path-style endpoint takes the plain request').to.not.equal(undefined);
      const leanTarget: ListTarget = { client: side.client, lean: lean!, bucket, prefix: 'p/' };
      const viaLean = await listAllPages(leanTarget);
      const viaSdk = await listAllPages({ client: side.client, bucket, prefix: 'p/' });
      expect(leanTarget.lean, 'no page fell back to the SDK').to.equal(lean);
      expect(viaLean).to.deep.equal(viaSdk);
      expect(viaLean.map((o) => o.key).sort()).to.deep.equal(keys.filter((k) => k.startsWith('p/')).sort());
      expect(viaLean.find((o) => o.rel === AWKWARD[2])?.size).to.equal(`p/${AWKWARD[2]}`.length % 7);
      side.client.destroy();
    });
  });
}
