// npm run lab -- up | down | status | seed
import { rmSync } from 'node:fs';
import { labConfig } from './config.js';
import { s3Up, startS3Endpoint, stopS3Endpoint } from './s3.js';

async function main(cmd: string | undefined): Promise<number> {
  const cfg = labConfig();
  switch (cmd) {
    case 'up':
      console.log(`lab: S3 endpoint ${await startS3Endpoint(cfg)}`);
      return 0;
    case 'down':
      await stopS3Endpoint(cfg);
      rmSync(cfg.stateDir, { recursive: true, force: true });
      console.log('lab: down');
      return 0;
    case 'status': {
      const up = await s3Up(cfg);
      console.log(`s3      ${cfg.s3.endpoint}  ${up ? 'up' : 'down'}`);
      return up ? 0 : 3;
    }
    default:
      console.error('usage: npm run lab -- up | down | status | seed');
      return 5;
  }
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? e.message : String(e));
    process.exit(1);
  },
);
