// The faults bench/soak.ts injects: each one waits for its moment of a running sync (an
// observable point, then a random delay) and strikes, saying whether it hit work still going
// (a hit fault must never end in exit 0, unless the fault is one retries are meant to absorb).
import type { LiveRun } from '../test/support/live-run.js';
import { sleep } from '../src/util/backoff.js';
import { psql, emptyDir, fillDir, killProcesses, killSshSessions, processesRunning, mountSmallFs, restartPostgres, unmountSmallFs, type FaultProxy } from '../test/lab/index.js';

export const DEST = 'stage2';

export interface SoakCtx {
  db: string;
  tmpDir: string;
  proxy: FaultProxy;
  /** Write/remove a file of the ops dir (host_vars for the unreachable source). */
  writeOps(file: string, content: string | undefined): void;
  random: () => number;
  /** stagesync_transfer: direct (no bytes cross the controller, so no move progress lines). */
  direct: boolean;
}

export interface Fault {
  name: string;
  /** Retries are meant to absorb it: exit 0 is then the right outcome. */
  absorbed?: boolean;
  /** The run copies this prefix of prod-media too (the S3 faults). */
  files?: string;
  before?(c: SoakCtx): Promise<void>;
  /** Strikes during the run; resolves true when the fault hit work still going. */
  strike?(c: SoakCtx, run: LiveRun): Promise<boolean>;
  after?(c: SoakCtx): Promise<void>;
}

/** Polls until `f` holds or the run ends; true when it held. */
async function until(run: LiveRun, f: () => Promise<boolean>): Promise<boolean> {
  while (!run.ended()) {
    if (await f().catch(() => false)) return true;
    await sleep(20);
  }
  return false;
}
const restoring = (db: string) => async () =>
  (await psql(DEST, `SELECT count(*) FROM pg_stat_activity WHERE datname = '${db}_stagesync_new' AND application_name = 'stagesync-restore' AND state = 'active'`)) !== '0';
const dumping = async () => (await psql('db1', `SELECT count(*) FROM pg_stat_activity WHERE datname = 'production' AND application_name = 'pg_dump'`)) !== '0';
const moved = (run: LiveRun) => /(changed|fatal): \[db1\] move/.test(run.output());
const swapped = (run: LiveRun) => /\[stage2\] swap/.test(run.output());

/** One of the run's moments, picked at random: preflight done, bytes flowing (direct: the backup started), or restoring. */
async function someMoment(c: SoakCtx, run: LiveRun): Promise<boolean> {
  const pick = Math.floor(c.random() * 3);
  const flowing = c.direct ? /\[db1\] backup: started/ : /<db1> move: /;
  const at = pick === 0 ? run.waitFor(/ok: \[db1\] preflight/).then(() => true) : pick === 1 ? run.waitFor(flowing).then(() => true) : until(run, restoring(c.db));
  const reached = await at.catch(() => false);
  await sleep(Math.floor(c.random() * 300));
  return reached && !run.ended();
}

/** The S3 endpoint, through the fault proxy, failing a share of object requests during the run. */
function s3Fault(name: string, prefix: string, rates: { slowDownRate?: number; dropRate?: number }, absorbed = false): Fault {
  return {
    name,
    files: prefix,
    absorbed,
    before: async (c) => c.proxy.configure({ slowDownRate: 0, dropRate: 0, ...rates }),
    strike: async () => true,
    after: async (c) => c.proxy.configure({ slowDownRate: 0, dropRate: 0 }),
  };
}

export const FAULTS: Fault[] = [
  {
    name: 'source ssh sessions killed',
    async strike(c, run) {
      const live = await someMoment(c, run);
      // A connection cut between commands is redialled by the next one: it hits only while a
      // command of the run goes on on db1: the backup script (or, direct, the relay running it).
      const busy = (await processesRunning('db1', 'postgresbackup.sh')) > 0;
      return killSshSessions('db1') > 0 && live && busy;
    },
  },
  {
    name: 'dest PostgreSQL restarted',
    async strike(c, run) {
      const live = (await until(run, restoring(c.db))) && !run.ended();
      await sleep(Math.floor(c.random() * 300));
      const before = !swapped(run);
      await restartPostgres(DEST);
      return live && before;
    },
  },
  {
    name: 'dest dump dir full',
    before: (c) => mountSmallFs(DEST, c.tmpDir, { sizeKiB: 6 * 1024, owner: 'postgres' }),
    async strike(c, run) {
      await run.waitFor(/ok: \[stage2\] preflight/).catch(() => undefined);
      await sleep(Math.floor(c.random() * 300));
      const before = !moved(run) && !run.ended();
      await fillDir(DEST, c.tmpDir, 5 * 1024);
      return before;
    },
    async after(c) {
      await emptyDir(DEST, c.tmpDir).catch(() => undefined);
      await unmountSmallFs(DEST, c.tmpDir);
    },
  },
  {
    name: 'pg_dump killed',
    async strike(c, run) {
      await until(run, dumping);
      await sleep(Math.floor(c.random() * 200));
      return (await killProcesses('db1', 'pg_dump')) > 0;
    },
  },
  {
    name: 'controller SIGKILLed',
    async strike(c, run) {
      const live = await someMoment(c, run);
      run.kill('SIGKILL');
      return live;
    },
  },
  {
    name: 'source unreachable',
    before: async (c) => c.writeOps('host_vars/db1.yml', 'ansible_port: 1\n'),
    strike: async () => true,
    after: async (c) => c.writeOps('host_vars/db1.yml', undefined),
  },
  s3Fault('S3 SlowDown 100 %', 'static/', { slowDownRate: 1 }),
  s3Fault('S3 SlowDown 20 %', 'media/', { slowDownRate: 0.2 }, true),
  s3Fault('S3 connections dropped', 'media/', { dropRate: 0.15 }, true),
];
