// npm run lab -- up | down | status | seed | env | restart
import { quote } from '../../src/util/shell.js';
import { labConfig } from './config.js';
import { labEnvOf } from './home.js';
import { labDown, labRestart, labStatus, labUp } from './lab.js';

// The SDK's "node >= 22 from 2027" notice is noise in every lab command.
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= 'true';

async function main(cmd: string | undefined): Promise<number> {
  const cfg = labConfig();
  const t0 = Date.now();
  switch (cmd) {
    case 'up':
      await labUp(cfg, (l) => console.log(l));
      console.log(`lab: up in ${((Date.now() - t0) / 1000).toFixed(1)} s (state ${cfg.stateDir}; HOME for the lab: ${cfg.home})`);
      return 0;
    case 'restart':
      await labRestart(cfg, (l) => console.log(l));
      console.log(`lab: hosts restarted in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return 0;
    case 'down':
      await labDown(cfg);
      console.log(`lab: down (${cfg.stateDir} removed)`);
      return 0;
    case 'seed': {
      const { labSeed } = await import('./seed.js');
      await labSeed(cfg, (l: string) => console.log(l));
      console.log(`lab: seeded in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      return 0;
    }
    case 'env': {
      // For shells: eval "$(npm run --silent lab -- env)" (HOME, AWS_* files, LAB_SSH_CONFIG).
      const vars = { ...labEnvOf(cfg), LAB_SSH_CONFIG: cfg.sshConfigPath };
      for (const [k, v] of Object.entries(vars)) console.log(`export ${k}=${quote(v)}`);
      return 0;
    }
    case 'status': {
      const st = await labStatus(cfg);
      const word = (b: boolean) => (b ? 'up' : 'down');
      for (const h of st.hosts) {
        console.log(`${h.name.padEnd(7)} ${h.address.padEnd(11)} ssh ${word(h.ssh).padEnd(4)} postgres ${word(h.postgres)}`);
      }
      console.log(`${'s3'.padEnd(7)} ${st.s3.endpoint} ${word(st.s3.up)}`);
      console.log(`${'s3 fast'.padEnd(7)} ${st.fastS3.endpoint} ${word(st.fastS3.up)}`);
      console.log(`lab: ${st.up ? 'up' : 'not (fully) up'} (state ${cfg.stateDir})`);
      return st.up ? 0 : 3;
    }
    default:
      console.error('usage: npm run lab -- up | down | status | seed | env | restart');
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
