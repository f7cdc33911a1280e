// The lab's fast endpoint (fauxqs from our launcher): what the launcher fixes is checked against
// the running server — loopback only, raw bodies whatever the Content-Type, bodies above fauxqs's
// 11 MiB cap, empty PUTs, and listings in S3's (code point) order across pages.
import { expect } from 'chai';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { execa } from 'execa';
import { readFileSync } from 'node:fs';
import { fastS3Client, fastS3Up, labConfig } from '../../lab/index.js';

describe('lab: the fast S3 endpoint (fauxqs)', function () {
  this.timeout(60_000);
  const cfg = labConfig();
  const s3 = fastS3Client();
  const bucket = `fast-${Date.now().toString(36)}`;
  before(async function () {
    if (!(await fastS3Up(cfg))) throw new Error(`fast S3 endpoint ${cfg.fastS3.endpoint} is not up: run \`npm run lab -- up\``);
    await s3.send(new CreateBucketCommand({ Bucket: bucket }));
  });
  after(() => s3.destroy());
  const get = async (Key: string) => Buffer.from(await (await s3.send(new GetObjectCommand({ Bucket: bucket, Key }))).Body!.transformToByteArray());

  it('listens on 127.0.0.1 only', async () => {
    const pid = readFileSync(cfg.fastS3.pidFile, 'utf8').split(/\s+/)[0];
    const ss = await execa('ss', ['-Hltnp']);
    const mine = String(ss.stdout).split('\n').filter((l) => l.includes(`pid=${pid},`));
    expect(mine.map((l) => l.split(/\s+/)[3])).to.deep.equal([`127.0.0.1:${cfg.fastS3.port}`]);
  });

  it('keeps a form-encoded or SQS-JSON body as the object bytes', async () => {
    for (const [Key, ContentType, text] of [
      ['form', 'application/x-www-form-urlencoded', 'a=b&c=%20'],
      ['json', 'application/x-amz-json-1.0', '{"Action":"x"}'],
    ] as const) {
      await s3.send(new PutObjectCommand({ Bucket: bucket, Key, ContentType, Body: text }));
      expect((await get(Key)).toString()).to.equal(text);
    }
  });

  it('takes a 12 MiB PutObject and an empty one', async () => {
    const big = Buffer.alloc(12 * 1024 * 1024, 7);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'big', Body: big }));
    expect((await get('big')).equals(big)).to.equal(true);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'empty', Body: Buffer.alloc(0) }));
    expect((await get('empty')).length).to.equal(0);
  });

  it('lists in code point order, page by page', async () => {
    const names = ['l/B', 'l/a', 'l/\u{1F600}', 'l/\uFF21', 'l/a/b', 'l/a-b', 'l/é'];
    for (const Key of names) await s3.send(new PutObjectCommand({ Bucket: bucket, Key, Body: 'x' }));
    const listed: string[] = [];
    let token: string | undefined;
    do {
      const page = await s3.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: 'l/', MaxKeys: 2, ContinuationToken: token }));
      listed.push(...(page.Contents ?? []).map((o) => o.Key!));
      token = page.NextContinuationToken;
    } while (token);
    expect(listed).to.deep.equal(['l/B', 'l/a', 'l/a-b', 'l/a/b', 'l/é', 'l/\uFF21', 'l/\u{1F600}']);
  });
});
