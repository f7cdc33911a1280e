// --check for bucket copies lists both sides read-only and says what would be copied and deleted.
import { expect } from 'chai';
import { CreateBucketCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import { requireLab, s3Client } from '../../lab/index.js';
import { allOutput, Ops } from './support.js';

describe('orchestrate --check: bucket copies', function () {
  this.timeout(120_000);
  let ops: Ops;
  before(async function () {
    await requireLab(this);
    ops = new Ops();
  });
  after(() => ops?.remove());

  it('prints the numbers to copy and delete, and with -v the keys, writing nothing', async () => {
    const s3 = s3Client('production');
    const bucket = 'e2e-check-dest';
    await s3.send(new CreateBucketCommand({ Bucket: bucket })).catch(() => undefined);
    await s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'media/stale-only-here.txt', Body: 'stale' }));
    ops.write('vars/check.yml', `stagesync_dest_hosts: stage2\nstagesync_copies:\n  - {description: media check, source_bucket: prod-media, dest_bucket: ${bucket}, aws_profile: production, delete: true}\n`);
    const r = await ops.run(['--check', '-e', 'vars/check.yml', '-t', 'files', '-v']);
    expect(r.code, allOutput(r)).to.equal(0);
    expect(r.stdout).to.match(/media check: s3:\/\/prod-media\/ -> s3:\/\/e2e-check-dest\/ \(server-side\): \d+ of \d+ objects to copy \([\d.]+ \w+\), 1 to delete/);
    expect(r.stdout).to.contain('  delete media/stale-only-here.txt');
    expect(r.stdout).to.match(/ {2}copy {3}media\//);
    const after = await s3.send(new ListObjectsV2Command({ Bucket: bucket }));
    expect(after.KeyCount).to.equal(1);
  });
});
