// `up && seed && down` on a second, throw-away lab (own state dir, addresses and S3 port, so the
// shared lab keeps running) leaves no process, mount or directory behind.
import { expect } from 'chai';
import { execa } from 'execa';
import { existsSync, readdirSync, readlinkSync } from 'node:fs';
import { join } from 'node:path';
import { labConfig, leftoverMounts, psql } from '../../lab/index.js';
import { tcpOpen } from '../../lab/hosts.js';
import { nsInitPid, nsPidFile } from '../../lab/namespace.js';
import { alive, readPid } from '../../lab/proc.js';
import { packageRoot } from '../../../src/util/paths.js';

// Not under /tmp: that is one of the dirs each lab host shadows. Addresses and port vary with the
// pid so that two suites running at once (two checkouts) do not collide.
const env = {
  STAGESYNC_LAB_DIR: join('/var/tmp', `stagesync-lab-test-${process.pid}`),
  STAGESYNC_LAB_SUBNET: `127.${20 + (process.pid % 200)}.1`,
  STAGESYNC_LAB_S3_PORT: String(5100 + (process.pid % 800)),
  STAGESYNC_LAB_FAUXQS_PORT: String(5900 + (process.pid % 800)),
};
const cfg = labConfig({ ...process.env, ...env });

const lab = (cmd: string) =>
  execa('npx', ['tsx', 'test/lab/cli.ts', cmd], { cwd: packageRoot(), env: { ...env, NODE_NO_WARNINGS: '1' }, reject: false, all: true });

/** Every pid sharing the pid namespace of `init` (sshd, postgres and its workers, sessions). */
function pidsInNamespaceOf(init: number): number[] {
  const ns = readlinkSync(`/proc/${init}/ns/pid`);
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .map(Number)
    .filter((p) => {
      try {
        return readlinkSync(`/proc/${p}/ns/pid`) === ns;
      } catch {
        return false;
      }
    });
}

describe('lab: up, seed, down on a separate lab', function () {
  this.timeout(180000);
  const started: number[] = [];

  after(async () => {
    // Whatever happened above, leave nothing behind.
    if (existsSync(cfg.stateDir)) await lab('down');
  });

  it('comes up, and a second up notices the running hosts', async () => {
    const t0 = Date.now();
    const up = await lab('up');
    expect(up.exitCode, up.all).to.equal(0);
    expect(Date.now() - t0).to.be.below(30000);
    const again = await lab('up');
    expect(again.exitCode, again.all).to.equal(0);
    expect(again.all!.match(/ running$/gm)).to.have.length(cfg.hosts.length);
    const status = await lab('status');
    expect(status.exitCode, status.all).to.equal(0);
    for (const h of cfg.hosts) expect(status.all).to.match(new RegExp(`^${h.name} +${h.address.replace(/\./g, '\\.')} +ssh up +postgres up`, 'm'));
  });

  it('seeds, twice (idempotent)', async () => {
    for (let i = 0; i < 2; i++) {
      const seed = await lab('seed');
      expect(seed.exitCode, seed.all).to.equal(0);
    }
    expect(Number(await psql('db1', 'SELECT count(*) FROM events', 'production', cfg))).to.be.at.least(100000);
    expect(await psql('stage1', 'SELECT count(*) FROM lab_stale_marker', 'stage', cfg)).to.equal('1');
  });

  it('goes down leaving no process, mount or directory behind', async () => {
    for (const h of cfg.hosts) {
      const u = readPid(nsPidFile(h));
      const init = nsInitPid(h);
      expect(u, h.name).to.be.a('number');
      expect(init, h.name).to.be.a('number');
      started.push(u!, ...pidsInNamespaceOf(init!));
    }
    started.push(readPid(cfg.s3.pidFile)!, readPid(cfg.fastS3.pidFile)!);
    expect(started.length).to.be.above(cfg.hosts.length * 7); // unshare, sshd, postmaster + workers, moto, fauxqs

    const down = await lab('down');
    expect(down.exitCode, down.all).to.equal(0);
    expect(started.filter((p) => alive(p)), 'processes still alive').to.deep.equal([]);
    expect(existsSync(cfg.stateDir)).to.equal(false);
    expect(leftoverMounts(cfg)).to.deep.equal([]);
    for (const h of cfg.hosts) {
      expect(await tcpOpen(h.address, h.sshPort), `${h.name} ssh`).to.equal(false);
      expect(await tcpOpen(h.address, h.pgPort), `${h.name} postgres`).to.equal(false);
    }
    expect(await tcpOpen(cfg.s3.host, cfg.s3.port), 's3').to.equal(false);
    expect(await tcpOpen(cfg.fastS3.host, cfg.fastS3.port), 's3 fast').to.equal(false);
  });
});
