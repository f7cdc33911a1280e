// The webhook from a real `orchestrate` run (hosts that refuse connections: a quick failure):
// the failure payload arrives without secrets; a dead webhook is a warning before the recap and
// leaves the exit code alone.
import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { orchestrate } from '../../support/cli.js';
import { closedPort, inventory, opsDir, type OpsDir } from './support.js';

const SECRET = 'notify-cli-Passw0rd-77';

describe('notifications from a run', function () {
  this.timeout(60_000);
  let ops: OpsDir;
  let server: Server;
  let url: string;
  const bodies: string[] = [];
  before(async () => {
    server = createServer((req, res) => {
      let b = '';
      req.on('data', (c) => (b += c));
      req.on('end', () => {
        bodies.push(b);
        res.end('ok');
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as { port: number }).port}/services/T1/B2/tok3n`;
    ops = opsDir({ 'inventories/hosts': inventory(await closedPort()) });
  });
  after(async () => {
    ops?.remove();
    server?.closeAllConnections();
    await new Promise((r) => server?.close(r));
  });

  it('posts the failure (unreachable host, failed step, error) without secrets; the exit code stays 4', async () => {
    const args = ['-t', 'db', '--confirm', 'stage', '--report', 'r.json', '-e', `stagesync_notify_webhook=${url} db_password=${SECRET}`, '-e', `{"stagesync_pre_restore_commands": ["echo ${SECRET}"]}`];
    const r = await orchestrate(args, { cwd: ops.dir, env: ops.env });
    expect(r.code, r.stdout + r.stderr).to.equal(4);
    expect(bodies).to.have.length(1);
    expect(bodies[0]).to.not.include(SECRET);
    const p = JSON.parse(bodies[0]!);
    expect(p.text).to.match(/^stagesync \S+ FAILED \(host unreachable\) in \S+: (src|dst) preflight: /);
    const fields = p.attachments[0].fields.map((f: { title: string; value: string }) => `${f.title}=${f.value}`);
    expect(fields).to.include('result=unreachable (exit 4)');
    expect(fields.some((f: string) => /^failed step=(src|dst): preflight \(unreachable\)$/.test(f))).to.equal(true);
    expect(fields.some((f: string) => /^dst=ok=0 changed=0 unreachable=1/.test(f))).to.equal(true);
    const report = JSON.parse(readFileSync(join(ops.dir, 'r.json'), 'utf8'));
    expect(report.notification).to.deep.equal({ ok: true, status: 200 });
    // The recap ends the output: after its banner, only host lines.
    const lines = r.stdout.trimEnd().split('\n');
    const recap = lines.findIndex((l) => l.startsWith('PLAY RECAP'));
    expect(recap).to.be.greaterThan(-1);
    for (const l of lines.slice(recap + 1)) expect(l).to.match(/^\S+\s+: ok=\d+/);
  });

  it('a webhook that cannot be reached is a warning before the recap; the exit code is the run\'s', async () => {
    const dead = `http://127.0.0.1:${await closedPort()}/services/T1/B2/secret-path`;
    const r = await orchestrate(['-t', 'db', '--confirm', 'stage', '-e', `stagesync_notify_webhook=${dead}`], { cwd: ops.dir, env: ops.env });
    expect(r.code).to.equal(4);
    const lines = r.stdout.trimEnd().split('\n');
    const warn = lines.findIndex((l) => /\[WARNING\]: notification to http:\/\/127\.0\.0\.1:\d+\/… failed: ECONNREFUSED/.test(l));
    expect(warn, r.stdout).to.be.greaterThan(-1);
    expect(warn).to.be.lessThan(lines.findIndex((l) => l.startsWith('PLAY RECAP')));
    expect(r.stdout + r.stderr).to.not.include('secret-path');
  });
});
