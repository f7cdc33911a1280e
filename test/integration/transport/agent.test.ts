// ssh-agent: keys from SSH_AUTH_SOCK log in, and -A forwards the agent to the remote host.
import { expect } from 'chai';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labConfig, labHost, requireLab } from '../../lab/index.js';
import { createHost } from '../../../src/transport/factory.js';
import { UnreachableError, type Host } from '../../../src/transport/types.js';

const cfg = labConfig();

describe('transport: ssh-agent', function () {
  this.timeout(60000);
  let agent: ChildProcess | undefined;
  let sock = '';
  let home = '';
  let oldSock: string | undefined;
  const opened: Host[] = [];

  before(async function () {
    await requireLab(this);
    // A HOME with known_hosts but no key: only the agent can log in.
    home = mkdtempSync(join(tmpdir(), 'stagesync-agent-home-'));
    mkdirSync(join(home, '.ssh'));
    copyFileSync(cfg.knownHostsPath, join(home, '.ssh', 'known_hosts'));
    sock = join(home, 'agent.sock');
    agent = spawn('ssh-agent', ['-D', '-a', sock], { stdio: 'ignore' });
    for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
    execFileSync('ssh-add', [cfg.sshKeyPath], { env: { ...process.env, SSH_AUTH_SOCK: sock }, stdio: 'ignore' });
    oldSock = process.env.SSH_AUTH_SOCK;
  });
  after(async () => {
    await Promise.allSettled(opened.map((h) => h.close()));
    if (oldSock === undefined) delete process.env.SSH_AUTH_SOCK;
    else process.env.SSH_AUTH_SOCK = oldSock;
    agent?.kill();
  });

  const stage1 = labHost('stage1', cfg);
  const vars = { ansible_host: stage1.address, ansible_port: stage1.sshPort, ansible_user: 'root' };
  const make = (extra: Record<string, unknown> = {}): Host => {
    const h = createHost('stage1', { ...vars, ...extra }, { hostKeyChecking: true, configEnv: { home, localUser: 'root', systemConfig: null } });
    opened.push(h);
    return h;
  };

  it('cannot log in without the agent (no key in this HOME)', async () => {
    delete process.env.SSH_AUTH_SOCK;
    expect(await make().connect().catch((e) => e)).to.be.instanceOf(UnreachableError);
  });

  it('logs in with a key from SSH_AUTH_SOCK', async () => {
    process.env.SSH_AUTH_SOCK = sock;
    expect((await make().exec({ argv: ['hostname'] })).stdout).to.equal('stage1\n');
  });

  it('forwards the agent with -A in ansible_ssh_extra_args, and not without', async () => {
    process.env.SSH_AUTH_SOCK = sock;
    const fwd = await make({ ansible_ssh_extra_args: '-A' }).exec({ script: 'test -S "$SSH_AUTH_SOCK" && echo forwarded || echo none' });
    expect(fwd.stdout).to.equal('forwarded\n');
    const plain = await make().exec({ script: 'test -S "$SSH_AUTH_SOCK" && echo forwarded || echo none' });
    expect(plain.stdout).to.equal('none\n');
  });
});
