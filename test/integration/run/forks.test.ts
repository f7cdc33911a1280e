// --forks bounds the parallel work: with -f 1 the bucket copies run one after the other, with
// -f 4 side by side (the same limit bounds the destinations' restores).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { requireLab, s3Client } from '../../lab/index.js';
import { allOutput, Ops } from './support.js';

interface Step {
  action: string;
  startedAt: string;
  durationMs: number;
  detail?: string;
}

const intervals = (report: string) =>
  (JSON.parse(readFileSync(report, 'utf8')) as { steps: Step[] }).steps
    .filter((s) => s.action === 'bucket_copy')
    .map((s) => ({ start: Date.parse(s.startedAt), end: Date.parse(s.startedAt) + s.durationMs }))
    .sort((a, b) => a.start - b.start);

const overlaps = (xs: { start: number; end: number }[]) => xs.some((x, i) => i > 0 && x.start < xs[i - 1]!.end);

describe('orchestrate --forks', function () {
  this.timeout(300_000);
  let ops: Ops;
  before(async function () {
    await requireLab(this);
    ops = new Ops();
  });
  after(() => ops?.remove());

  it('-f 1 runs the copies one at a time; -f 4 runs them at once', async () => {
    const s3 = s3Client('production');
    const copies: string[] = [];
    for (const f of ['1', '4']) {
      for (const i of [1, 2, 3]) {
        const bucket = `e2e-forks-${f}-${i}-${Date.now()}`;
        await s3.send(new CreateBucketCommand({ Bucket: bucket }));
        copies.push(`  - {description: copy ${f}.${i}, source_bucket: prod-media, source_path: media/, dest_bucket: ${bucket}, aws_profile: production}`);
      }
    }
    const results: Record<string, { start: number; end: number }[]> = {};
    for (const f of ['1', '4']) {
      ops.write(`vars/forks${f}.yml`, `stagesync_dest_hosts: stage2\nstagesync_copies:\n${copies.filter((c) => c.includes(`copy ${f}.`)).join('\n')}\n`);
      const report = join(ops.dir, `r${f}.json`);
      const r = await ops.run(['-e', `vars/forks${f}.yml`, '-t', 'files', '-f', f, '--report', report]);
      expect(r.code, allOutput(r)).to.equal(0);
      results[f] = intervals(report);
      expect(results[f]).to.have.length(3);
    }
    expect(overlaps(results['1']!), '-f 1 overlapped').to.equal(false);
    expect(overlaps(results['4']!), '-f 4 ran one at a time').to.equal(true);
  });
});
