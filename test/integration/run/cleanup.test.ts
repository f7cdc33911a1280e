// `orchestrate cleanup`: what interrupted runs left on the pair's hosts (a half-restored
// _stagesync_new, temporary dumps and stream parts in the dump dir, the backup script's partial file
// of a dead pid, a direct transfer's relay directory whose relay was killed) is listed by --check,
// said at a run's start, and removed; nothing else is touched.
import { expect } from 'chai';
import { dbNames, Ops, staleDest } from './support.js';
import { psql, requireLab, sshExec } from '../../lab/index.js';
import { hostScript } from '../../../src/util/host-scripts.js';

const DB = 'e2e_leftover';
const TMP = `/tmp/${DB}`;
const BACKUPS = `/opt/backups/${DB}`;
const DEST_FILES = [`${TMP}/production.db1.stream-0badcafe.part`, `${TMP}/production.db1.stream-0badcafe.part.list`, `${TMP}/production.db1.2026-01-02-03-04-05.dump`];
const SOURCE_PARTIAL = `${BACKUPS}/.production.db1.999999.partial`;
const SRC_TMP = `/tmp/${DB}_src`;
const DEAD_RELAY = `${SRC_TMP}/direct-0badcafe`;
/** A relay that runs (its pid: 1), and one whose directory is still being made (no pid yet). */
const LIVE_RELAYS = ['direct-11ve0000', 'direct-2ew00000'];

/** The real relay script on db1, killed outright (its process group SIGKILLed: no trap runs) once it is ready. */
async function killedRelay(): Promise<void> {
  const script = Buffer.from(hostScript('direct-relay.sh')).toString('base64');
  const r = await sshExec('db1', [
    `echo ${script} | base64 -d > /tmp/e2e-relay.sh`,
    `mkdir -p ${SRC_TMP} && chown postgres: ${SRC_TMP}`,
    `(cd / && exec sudo -u postgres setsid sh /tmp/e2e-relay.sh ${DEAD_RELAY} d0 true > /tmp/e2e-relay.out 2>&1 < /dev/null &)`,
    `for i in $(seq 200); do grep -q ready /tmp/e2e-relay.out && break; sleep 0.05; done`,
    `kill -9 -- -$(cat ${DEAD_RELAY}/pid)`,
    'rm -f /tmp/e2e-relay.sh /tmp/e2e-relay.out',
  ].join(' && '));
  expect(r.code, r.stderr).to.equal(0);
}

const ls = async (host: string, dir: string) => (await sshExec(host, `ls -A ${dir} 2>/dev/null || true`)).stdout.split('\n').filter(Boolean).sort();

describe('orchestrate cleanup', function () {
  this.timeout(180_000);
  let ops: Ops;
  before(async function () {
    await requireLab(this);
    ops = new Ops();
    ops.write('vars/left.yml', `stagesync_dest_hosts: stage2\nstagesync_destdb: ${DB}\nstagesync_source_backups_dir: ${BACKUPS}\nstagesync_dest_tmp_dir: ${TMP}\nstagesync_source_tmp_dir: ${SRC_TMP}\nstagesync_copies: []\n`);
    await staleDest('stage2', DB);
    // What a SIGKILLed run leaves: a half-restored copy, parts and a moved dump; on the source a
    // partial dump whose script is gone. And one file that is not ours.
    await psql('stage2', `CREATE DATABASE ${DB}_stagesync_new OWNER stage;`);
    await sshExec('stage2', `mkdir -p ${TMP} && touch ${DEST_FILES.join(' ')} ${TMP}/not-ours.txt && chown -R postgres: ${TMP}`);
    await sshExec('db1', `mkdir -p ${BACKUPS} && touch ${SOURCE_PARTIAL} && chown -R postgres: ${BACKUPS}`);
    await killedRelay();
    await sshExec('db1', `cd ${SRC_TMP} && mkdir ${LIVE_RELAYS.join(' ')} && echo 1 > ${LIVE_RELAYS[0]}/pid && chown -R postgres: .`);
  });
  after(async () => {
    await psql('stage2', ['', '_stagesync_new', '_stagesync_prev'].map((s) => `DROP DATABASE IF EXISTS ${DB}${s} WITH (FORCE);`).join('\n')).catch(() => undefined);
    await sshExec('stage2', `rm -rf ${TMP}`);
    await sshExec('db1', `rm -rf ${BACKUPS} ${SRC_TMP}`);
    ops?.remove();
  });

  it('--check lists every leftover, one line per host, and removes nothing', async () => {
    const r = await ops.run(['cleanup', '--check', '-e', 'vars/left.yml']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(new RegExp(`ok: \\[stage2\\] leftovers => found: ${DB}_stagesync_new, ${DEST_FILES.sort().join(', ')}`.replace(/\./g, '\\.')));
    expect(r.stdout, r.stdout).to.contain(`ok: [db1] leftovers => found: ${SOURCE_PARTIAL}, ${DEAD_RELAY} (`);
    expect(await ls('db1', DEAD_RELAY)).to.include.members(['d0', 'pid']);
    expect(await dbNames('stage2', `${DB}\\_stagesync\\_new`)).to.deep.equal([`${DB}_stagesync_new`]);
    expect(await ls('stage2', TMP)).to.have.length(4);
  });

  it('a run says what it found at its start (one line per host)', async () => {
    const r = await ops.run(['-e', 'vars/left.yml', '-t', 'db']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout.match(/\[WARNING\]: stage2: an interrupted run left /g)).to.have.length(1);
    expect(r.stdout).to.contain(`[WARNING]: stage2: an interrupted run left ${DB}_stagesync_new, `);
    expect(r.stdout).to.contain(`[WARNING]: db1: an interrupted run left ${SOURCE_PARTIAL}, ${DEAD_RELAY} (`);
  });

  it('removes them all, and only them; then there is nothing left over', async () => {
    const r = await ops.run(['cleanup', '-e', 'vars/left.yml']);
    expect(r.code, r.stdout + r.stderr).to.equal(0);
    expect(r.stdout).to.match(/changed: \[stage2\] leftovers => removed: /);
    expect(r.stdout).to.match(/changed: \[db1\] leftovers => removed: /);
    expect(await ls('stage2', TMP)).to.deep.equal(['not-ours.txt']);
    expect(await ls('db1', BACKUPS)).to.not.include('.production.db1.999999.partial');
    expect(await ls('db1', SRC_TMP)).to.deep.equal(LIVE_RELAYS);
    expect(await dbNames('stage2', `${DB}\\_stagesync\\_new`)).to.deep.equal([]);
    const again = await ops.run(['cleanup', '--check', '-e', 'vars/left.yml']);
    expect(again.stdout).to.contain('ok: [stage2] leftovers => nothing left over');
    expect(again.stdout).to.contain('ok: [db1] leftovers => nothing left over');
  });
});
