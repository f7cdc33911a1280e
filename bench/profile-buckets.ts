// One server-side copy of the bench's source bucket on the fast endpoint, for `--cpu-prof`:
//   node --import tsx --cpu-prof --cpu-prof-dir /tmp/prof bench/profile-buckets.ts [source-bucket]
// (run bench/buckets.ts --keep-source first). Prints the copy's CPU per object.
import { CreateBucketCommand } from '@aws-sdk/client-s3';
import { syncBucket } from '../src/buckets/index.js';
import { fastS3Client, labConfig, labEnv } from '../test/lab/index.js';
import { dropBucket } from '../test/integration/buckets/support.js';

const cfg = labConfig();
const src = process.argv[2] ?? 'bench-src-2000';
const s3 = fastS3Client();
const dst = `prof-dst-${Date.now().toString(36)}`;
await s3.send(new CreateBucketCommand({ Bucket: dst }));
const c0 = process.cpuUsage();
const r = await syncBucket({ source_bucket: src, dest_bucket: dst, aws_profile: cfg.fastS3.profile }, { env: { ...process.env, ...labEnv(cfg) } });
const c = process.cpuUsage(c0);
console.log(`copied ${r.copied} in ${r.durationMs} ms, cpu ${((c.user + c.system) / 1000 / Math.max(r.copied, 1)).toFixed(3)} ms/object ${r.error ?? ''}`);
await dropBucket(s3, dst);
s3.destroy();
