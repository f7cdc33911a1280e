// stagesync_transfer: direct on the lab: the destinations pull the dump from db1 over SSH between
// the hosts (OpenSSH on the destination, the controller's agent forwarded with -A, or a key on
// the destination), checked against the host key the controller accepted for db1.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { killSshSessions, labConfig, labHost, psql, requireLab, SlowTcpProxy, sshExec } from '../../lab/index.js';
import { checksums } from '../steps/support.js';
import { allOutput, dbNames, Ops, staleDest, startSshAgent, type SshAgent } from './support.js';

const SRC = 'directsrc';
const DB = 'directdst';
const cfg = labConfig();

/** ~60 MB on db1: a dump that takes a few seconds, so a transfer can be cut in its middle. */
async function sourceDb(): Promise<void> {
  const have = await psql('db1', `SELECT count(*) FROM pg_database WHERE datname = '${SRC}'`);
  if (have === '1' && (await psql('db1', 'SELECT count(*) FROM t', SRC)) === '600000') return;
  await psql('db1', `DROP DATABASE IF EXISTS ${SRC} WITH (FORCE); CREATE DATABASE ${SRC};`);
  await psql('db1', `CREATE TABLE t (id int PRIMARY KEY, v text NOT NULL); INSERT INTO t SELECT g, md5(g::text) || md5((g * 7)::text) FROM generate_series(1, 600000) g; CREATE INDEX t_v ON t (v); CREATE SEQUENCE s START 42;`, SRC);
}

const VARS = ['stagesync_source_hosts: stagesync-sourcedb', `stagesync_sourcedb: ${SRC}`, `stagesync_destdb: ${DB}`, 'stagesync_destdb_role: stage', 'stagesync_transfer: direct', ''].join('\n');

describe('orchestrate: stagesync_transfer: direct on the lab', function () {
  this.timeout(300_000);
  let ops: Ops;
  let agent: SshAgent | undefined;
  const sock = () => agent!.sock;
  let source: Record<string, string>;

  before(async function () {
    await requireLab(this);
    ops = new Ops();
    agent = await startSshAgent(ops.dir);
    ops.write('vars/direct.yml', VARS);
    await sourceDb();
    source = await checksums('db1', SRC);
  });
  after(() => {
    agent?.stop();
    ops?.remove();
  });

  const run = (extra: string[], env: Record<string, string> = { SSH_AUTH_SOCK: sock() }) => {
    const report = join(ops.dir, `report-${Date.now()}.json`);
    return ops.run(['-e', 'vars/direct.yml', '-t', 'db', '--report', report, ...extra], env).then((r) => ({ ...r, report: JSON.parse(readFileSync(report, 'utf8')) as Record<string, unknown> }));
  };
  type RunResult = Awaited<ReturnType<typeof run>>;
  const forwarded = ['-e', 'ansible_ssh_extra_args=-A'];
  const stepsOf = (report: Record<string, unknown>) => report.steps as { host: string; action: string; outcome: string }[];
  const untouched = async (host: string, before: Record<string, string>) => {
    expect(await checksums(host, DB)).to.deep.equal(before);
    expect(await dbNames(host, `${DB}\\_stagesync\\_new`)).to.deep.equal([]);
    expect((await sshExec(host, 'ls /tmp/stagesync 2>/dev/null | grep -c direct- || true')).stdout.trim()).to.equal('0');
  };

  it('syncs two destinations, each pulling from db1; the controller receives under 1 % of the dump', async () => {
    await Promise.all([staleDest('stage1', DB), staleDest('stage2', DB)]);
    const r = await run([...forwarded, '-e', 'stagesync_dest_hosts=stage1:stage2']);
    expect(r.code, allOutput(r)).to.equal(0);
    expect(await checksums('stage1', DB)).to.deep.equal(source);
    expect(await checksums('stage2', DB)).to.deep.equal(source);
    const dump = r.report.dump as { bytes: number };
    const received = Object.values(r.report.controllerBytesReceived as Record<string, number>).reduce((a, b) => a + b, 0);
    expect(dump.bytes).to.be.greaterThan(10 * 2 ** 20);
    expect(received / dump.bytes, `${received} bytes received for a ${dump.bytes}-byte dump`).to.be.lessThan(0.01);
    expect((await sshExec('db1', 'ls /tmp/stagesync 2>/dev/null | grep -c direct- || true')).stdout.trim()).to.equal('0');
  });

  it('refuses a source whose host key differs from the one the controller accepted (exit 4, nothing written)', async () => {
    await staleDest('stage1', DB);
    const before = await checksums('stage1', DB);
    // dev1 answers at that address: a host that is not db1, as after a DNS or routing mistake.
    const r = await run([...forwarded, '-e', 'stagesync_dest_hosts=stage1', '-e', `stagesync_direct_source_address=${labHost('dev1', cfg).address}`]);
    expect(r.code, allOutput(r)).to.equal(4);
    expect(r.stdout, allOutput(r)).to.match(/stage1 cannot pull from db1 .*has changed and you have requested strict checking\. Host key verification failed/);
    expect(stepsOf(r.report).filter((s) => s.action === 'backup' || s.action === 'move')).to.deep.equal([]);
    await untouched('stage1', before);
  });

  it('without a forwarded agent or a key, the preflight names the fix (exit 4, nothing written)', async () => {
    await staleDest('stage1', DB);
    const before = await checksums('stage1', DB);
    const r = await run(['-e', 'stagesync_dest_hosts=stage1'], { SSH_AUTH_SOCK: '' });
    expect(r.code, allOutput(r)).to.equal(4);
    expect(r.stdout).to.contain('no agent forwarded to stage1 and no stagesync_direct_identity_file');
    expect(r.stdout).to.contain('ansible_ssh_extra_args: -A');
    expect(stepsOf(r.report).filter((s) => s.action === 'backup')).to.deep.equal([]);
    await untouched('stage1', before);
  });

  it('pulls with a key on the destination named by stagesync_direct_identity_file, no agent', async () => {
    await staleDest('stage1', DB);
    const key = readFileSync(cfg.sshKeyPath, 'utf8');
    await sshExec('stage1', `umask 077 && mkdir -p /opt/h2h && printf '%s' '${key}' > /opt/h2h/id_ed25519`);
    const r = await run(['-e', 'stagesync_dest_hosts=stage1', '-e', 'stagesync_direct_identity_file=/opt/h2h/id_ed25519'], { SSH_AUTH_SOCK: '' });
    expect(r.code, allOutput(r)).to.equal(0);
    expect(r.stdout).to.contain('with key /opt/h2h/id_ed25519');
    expect(await checksums('stage1', DB)).to.deep.equal(source);
  });

  it('a destination that cannot reach the source fails alone; the other completes', async () => {
    await Promise.all([staleDest('stage1', DB), staleDest('stage2', DB)]);
    const before = await checksums('stage2', DB);
    ops.write('host_vars/stage2.yml', 'stagesync_direct_source_address: 127.255.255.254\n');
    try {
      const r = await run([...forwarded, '-e', 'stagesync_dest_hosts=stage1:stage2']);
      expect(r.code, allOutput(r)).to.equal(4);
      expect(r.stdout).to.match(/stage2 cannot pull from db1 \(ssh root@127\.255\.255\.254/);
      expect(r.stdout).to.match(/stage1 +: ok=\d+ +changed=\d+ +unreachable=0 +failed=0/);
      expect(await checksums('stage1', DB)).to.deep.equal(source);
      await untouched('stage2', before);
    } finally {
      ops.write('host_vars/stage2.yml', '{}\n');
    }
  });

  /** While `fn` runs, stage2 pulls through a paced relay (4 MiB/s): a 24 MiB pull takes six seconds. */
  async function pacedPullOfStage2<T>(fn: (relay: SlowTcpProxy) => Promise<T>): Promise<T> {
    const db1 = labHost('db1', cfg);
    const address = db1.address.replace(/\.\d+$/, '.250');
    const proxy = new SlowTcpProxy({ listen: { address, port: db1.sshPort }, target: { address: db1.address, port: db1.sshPort }, bytesPerSec: 4 * 2 ** 20 });
    await proxy.start();
    ops.write('host_vars/stage2.yml', `stagesync_direct_source_address: ${address}\n`);
    try {
      return await fn(proxy);
    } finally {
      await proxy.close();
      ops.write('host_vars/stage2.yml', '{}\n');
    }
  }

  /** `run()` with stage2's pull paced; once its copy holds 1 MiB, `strike` (the connections it cut). */
  async function midPullOfStage2(start: () => Promise<RunResult>, strike: (relay: SlowTcpProxy) => number): Promise<RunResult> {
    return pacedPullOfStage2(async (proxy) => {
      const running = start();
      expect(await copyHolds('stage2', 2 ** 20, running), 'the run ended before the cut').to.equal(true);
      expect(strike(proxy), 'no connection cut').to.be.greaterThan(0);
      return running;
    });
  }

  it('-v shows the move\'s progress, measured on the destinations (no byte of the dump crosses the controller)', async () => {
    await staleDest('stage2', DB);
    const r = await pacedPullOfStage2(() => run([...forwarded, '-v', '-e', 'stagesync_dest_hosts=stage2']));
    expect(r.code, allOutput(r)).to.equal(0);
    const lines = r.stdout.match(/<db1> move: [\d.]+ MiB \([\d.]+ MiB\/s\)/g) ?? [];
    expect(lines.length, allOutput(r)).to.be.greaterThan(0);
    const mibs = lines.map((l) => Number(/move: ([\d.]+) MiB/.exec(l)![1]));
    expect(mibs[0]).to.be.greaterThan(0);
    expect(Math.max(...mibs)).to.be.at.most((r.report.dump as { bytes: number }).bytes / 2 ** 20);
  });

  it('SSH between the hosts cut mid-transfer: that destination is untouched, a rerun succeeds', async () => {
    await Promise.all([staleDest('stage1', DB), staleDest('stage2', DB)]);
    const before = await checksums('stage2', DB);
    const r = await midPullOfStage2(() => run([...forwarded, '-e', 'stagesync_dest_hosts=stage1:stage2']), (relay) => relay.cut());
    expect(r.code, allOutput(r)).to.equal(2);
    expect(r.stdout).to.match(/stage2\] .*the pull from the source stopped/);
    expect(await checksums('stage1', DB)).to.deep.equal(source);
    await untouched('stage2', before);
    const again = await run([...forwarded, '-e', 'stagesync_dest_hosts=stage2']);
    expect(again.code, allOutput(again)).to.equal(0);
    expect(await checksums('stage2', DB)).to.deep.equal(source);
  });

  it('with stagesync_max_retry_count: 1, a cut pull is tried again from the dump file (the other destination is not redone)', async () => {
    await Promise.all([staleDest('stage1', DB), staleDest('stage2', DB)]);
    const r = await midPullOfStage2(() => run([...forwarded, '-e', 'stagesync_dest_hosts=stage1:stage2', '-e', '{"stagesync_max_retry_count": 1, "stagesync_retry_delay": 1}']), (relay) => relay.cut());
    expect(r.code, allOutput(r)).to.equal(0);
    expect(r.stdout).to.contain('the pull from the source stopped');
    expect(await checksums('stage1', DB)).to.deep.equal(source);
    expect(await checksums('stage2', DB)).to.deep.equal(source);
    const retried = stepsOf(r.report).filter((s) => (s as { attempt?: number }).attempt === 2);
    expect(retried.filter((s) => s.host === 'stage1' && s.action === 'restore')).to.deep.equal([]);
    expect(retried.filter((s) => s.host === 'stage2' && s.action === 'restore')).to.have.length(1);
  });

  it("the source's SSH sessions killed mid-pull (the controller's and the destination's): exit 4, the destination untouched", async () => {
    await staleDest('stage2', DB);
    const before = await checksums('stage2', DB);
    const r = await midPullOfStage2(() => run([...forwarded, '-e', 'stagesync_dest_hosts=stage2']), () => killSshSessions('db1'));
    expect(r.code, allOutput(r)).to.equal(4);
    expect(r.stdout, allOutput(r)).to.match(/\[db1\] [a-z_]+: UNREACHABLE! .*connection lost/);
    await untouched('stage2', before);
  });
});

/** True once the host's copy of a direct pull holds `bytes`; false if the run ends first. */
async function copyHolds(host: string, bytes: number, running: Promise<unknown>): Promise<boolean> {
  let ended = false;
  void running.finally(() => (ended = true));
  while (!ended) {
    const s = await sshExec(host, 'stat -c %s /tmp/stagesync/*.direct-*.part 2>/dev/null || echo 0');
    if (Number(s.stdout.trim().split('\n')[0] ?? 0) >= bytes) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}
