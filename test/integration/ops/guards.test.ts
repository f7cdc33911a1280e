// The guards of docs/safety.md, proven against hosts that record every connection: --check never connects;
// the production guard, protected hosts and a destination that is the source refuse (exit 5)
// before any connection; --confirm and the prompt on a real terminal (right answer proceeds,
// wrong answer exits 5 having touched nothing). No lab needed: "proceeds" shows as the run
// reaching for the hosts (which then turn out unreachable, exit 4).
import { expect } from 'chai';
import { existsSync } from 'node:fs';
import { orchestrate, orchestrateBin } from '../../support/cli.js';
import { hasScript, runInPty } from '../../unit/ops/pty.js';
import { connectionRecorder, inventory, opsDir, type OpsDir } from './support.js';

const bin = orchestrateBin;
const PROMPT = 'Type the database name to continue: ';

describe('guards: --check, production, --confirm', function () {
  this.timeout(90_000);
  let ops: OpsDir;
  let rec: Awaited<ReturnType<typeof connectionRecorder>>;
  before(async () => {
    rec = await connectionRecorder();
    ops = opsDir({
      'inventories/hosts': inventory(rec.port) + `[production]\nsrc\n[stagesync-destdb]\nprod2 ansible_host=127.0.0.1 ansible_port=${rec.port}\nlocked ansible_host=127.0.0.1 ansible_port=${rec.port} stagesync_protected=true\nalias ansible_host=127.0.0.1 ansible_port=${rec.port}\n[production]\nprod2\n`,
      'vars/pair.yml': 'stagesync_dest_hosts: dst\nstagesync_sourcedb: ops_src\nstagesync_destdb: ops_dst\nstagesync_post_restore_sql:\n  - sql: "UPDATE t SET v = $1"\n    params: ["check-mode-secret-1"]\n',
    });
  });
  after(async () => {
    ops?.remove();
    await rec?.close();
  });
  const fresh = () => {
    const before = rec.count();
    return () => rec.count() - before;
  };

  it('--check prints the plan and does not connect to any host', async () => {
    const connections = fresh();
    const r = await orchestrate(['--check', '-e', 'vars/pair.yml', '-vvvv', '--report', 'check.json'], { cwd: ops.dir, env: ops.env });
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.include('CHECK MODE: nothing was changed on any host.');
    expect(r.stdout).to.match(/dst\s+restore/);
    expect(r.stdout + r.stderr).to.not.include('check-mode-secret-1');
    expect(connections(), 'connections during --check').to.equal(0);
    // The same command without --check does reach for the hosts: the recorder works.
    const real = await orchestrate(['-e', 'vars/pair.yml', '-t', 'db'], { cwd: ops.dir, env: ops.env });
    expect(real.code, real.stdout).to.equal(4);
    expect(connections()).to.be.at.least(1);
  });

  for (const [name, dest, message] of [
    ['a host of the production group', 'prod2', /prod2 is in the group "production"/],
    ['a protected host', 'locked', /locked has stagesync_protected: true/],
    ['the source itself (another name, same address and database)', 'alias', /is the source database itself/],
  ] as const) {
    it(`refuses ${name} as destination without --check, before connecting (exit 5)`, async () => {
      const connections = fresh();
      const sameDb = dest === 'alias' ? ['-e', 'stagesync_destdb=ops_src'] : [];
      const r = await orchestrate(['-e', 'vars/pair.yml', '-e', `stagesync_dest_hosts=${dest}`, ...sameDb, '--confirm', dest === 'alias' ? 'ops_src' : 'ops_dst'], { cwd: ops.dir, env: ops.env });
      expect(r.code, r.stderr).to.equal(5);
      expect(r.stderr).to.match(message);
      expect(connections()).to.equal(0);
    });
  }

  describe('on a terminal', function () {
    before(function () {
      if (!hasScript() || !existsSync(bin)) this.skip();
    });
    const pty = (args: string[], answers: { after: string; type: string }[] = []) =>
      runInPty([process.execPath, bin, '-e', 'vars/pair.yml', '-t', 'db', ...args], { cwd: ops.dir, env: ops.env, answers });

    it('asks for the database name when --confirm is missing; the right answer proceeds', async () => {
      const connections = fresh();
      const r = await pty([], [{ after: PROMPT, type: 'ops_dst' }]);
      expect(r.text).to.include('This replaces the database "ops_dst" on dst with a copy of the source.');
      expect(r.code, r.text).to.equal(4); // it went on, and found the hosts unreachable
      expect(r.text).to.match(/PLAY RECAP \*+/);
      expect(connections()).to.be.at.least(1);
    });

    it('a wrong answer exits 5 having touched nothing', async () => {
      const connections = fresh();
      const r = await pty([], [{ after: PROMPT, type: 'stage' }]);
      expect(r.code, r.text).to.equal(5);
      expect(r.text).to.include('ERROR! --confirm: confirmation failed: expected "ops_dst", got "stage"');
      expect(r.text).to.not.include('PLAY');
      expect(connections()).to.equal(0);
    });

    it('--confirm with the right name asks nothing and proceeds; a wrong one exits 5 having touched nothing', async () => {
      let connections = fresh();
      const ok = await pty(['--confirm', 'ops_dst']);
      expect(ok.text).to.not.include(PROMPT);
      expect(ok.code, ok.text).to.equal(4);
      expect(connections()).to.be.at.least(1);

      connections = fresh();
      const bad = await pty(['--confirm', 'stage']);
      expect(bad.text).to.not.include(PROMPT);
      expect(bad.code, bad.text).to.equal(5);
      expect(bad.text).to.match(/--confirm "stage" does not match the destination database "ops_dst"/);
      expect(connections()).to.equal(0);
    });
  });
});
