// The lab's hosts are separate machines as far as the product can tell: private /tmp and /opt,
// own PostgreSQL cluster, own host key, reached only with the lab key against the lab's known_hosts.
import { expect } from 'chai';
import { execa } from 'execa';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ListBucketsCommand } from '@aws-sdk/client-s3';
import { labConfig, labHost, psql, requireLab, s3Client, sshArgs, sshExec } from '../../lab/index.js';

const cfg = labConfig();
const names = cfg.hosts.map((h) => h.name);
const tag = randomBytes(4).toString('hex');

describe('lab: isolation between hosts', function () {
  before(async function () {
    await requireLab(this);
  });

  it('gives each host its own hostname', async () => {
    for (const n of names) {
      const r = await sshExec(n, 'hostname');
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.trim()).to.equal(n);
    }
  });

  it('keeps /tmp private: a file written on stage1 is seen neither on db1 nor on the machine', async () => {
    const file = `/tmp/lab-probe-${tag}`;
    try {
      expect((await sshExec('stage1', `echo stage1 > ${file}`)).code).to.equal(0);
      expect((await sshExec('stage1', `cat ${file}`)).stdout.trim()).to.equal('stage1');
      expect((await sshExec('db1', `test -e ${file}`)).code).to.equal(1);
      expect((await sshExec('stage2', `test -e ${file}`)).code).to.equal(1);
      expect(existsSync(file)).to.equal(false);
    } finally {
      await sshExec('stage1', `rm -f ${file}`);
    }
  });

  it('keeps /opt, /var/lib/postgresql and /var/run/postgresql private too', async () => {
    const dir = `/opt/lab-probe-${tag}`;
    try {
      expect((await sshExec('dev1', `mkdir -p ${dir}`)).code).to.equal(0);
      expect((await sshExec('db1', `test -e ${dir}`)).code).to.equal(1);
      expect(existsSync(dir)).to.equal(false);
      // Each host's postgres home and socket dir hold only its own cluster.
      for (const n of names) {
        const r = await sshExec(n, 'ls /var/lib/postgresql/15; ls -a /var/run/postgresql');
        expect(r.stdout).to.match(/\blab\b/);
        expect(r.stdout).to.match(/\.s\.PGSQL\.5432/);
      }
    } finally {
      await sshExec('dev1', `rm -rf ${dir}`);
    }
  });

  it('runs a separate PostgreSQL cluster per host', async () => {
    const ids = await Promise.all(names.map((n) => psql(n, 'SELECT system_identifier FROM pg_control_system()')));
    expect(new Set(ids).size).to.equal(names.length);
    const db = `lab_probe_${tag}`;
    try {
      await psql('stage2', `CREATE DATABASE ${db}`);
      for (const n of names) {
        const found = await psql(n, `SELECT count(*) FROM pg_database WHERE datname = '${db}'`);
        expect(found, n).to.equal(n === 'stage2' ? '1' : '0');
      }
    } finally {
      await psql('stage2', `DROP DATABASE IF EXISTS ${db}`);
    }
  });

  it('lets `sudo -u postgres psql` on each host reach that host\'s own cluster over the socket', async () => {
    for (const n of names) {
      const viaTcp = await psql(n, 'SELECT system_identifier FROM pg_control_system()');
      const r = await sshExec(n, `cd / && sudo -u postgres psql -XAtc "SELECT current_setting('cluster_name'), system_identifier FROM pg_control_system()"`);
      expect(r.code, r.stderr).to.equal(0);
      expect(r.stdout.trim()).to.equal(`${n}|${viaTcp}`);
    }
  });

  it('has the PostgreSQL 15 client tools on PATH as on a Debian server', async () => {
    const r = await sshExec('db1', 'pg_dump --version && pg_restore --version && psql --version');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/pg_dump \(PostgreSQL\) 15\./);
  });
});

describe('lab: ssh host keys', function () {
  let scratch: string;
  before(async function () {
    await requireLab(this);
    scratch = mkdtempSync(join(cfg.stateDir, 'kh-'));
  });
  after(() => rmSync(scratch, { recursive: true, force: true }));

  it('lists every host key in known_hosts in [addr]:port form, one distinct key per host', () => {
    const lines = readFileSync(cfg.knownHostsPath, 'utf8').trim().split('\n');
    expect(lines).to.have.length(names.length);
    for (const n of names) {
      const h = labHost(n);
      expect(lines.some((l) => l.startsWith(`[${h.address}]:${h.sshPort} ssh-ed25519 `))).to.equal(true);
    }
    expect(new Set(lines.map((l) => l.split(' ')[2])).size).to.equal(names.length);
  });

  it('logs in with the lab key, checked strictly against the lab known_hosts', async () => {
    const r = await sshExec('db1', 'id -un');
    expect(r.code, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal('root');
  });

  const sshWith = (knownHosts: string, host: string) =>
    // ssh takes the first value given for an option: this one wins over sshArgs' and the config's.
    execa('ssh', ['-o', `UserKnownHostsFile=${knownHosts}`, ...sshArgs(cfg), host, 'true'], { reject: false, stdin: 'ignore' });

  it('refuses a host whose key is not in known_hosts', async () => {
    const empty = join(scratch, 'empty');
    writeFileSync(empty, '');
    const r = await sshWith(empty, 'stage1');
    expect(r.exitCode).to.equal(255);
    expect(r.stderr).to.match(/Host key verification failed|No ED25519 host key is known/);
  });

  it('refuses a host presenting another host\'s key (keys are per host)', async () => {
    const [db1, stage1] = [labHost('db1'), labHost('stage1')];
    const db1Key = readFileSync(cfg.knownHostsPath, 'utf8').split('\n').find((l) => l.startsWith(`[${db1.address}]:`))!.split(' ').slice(1).join(' ');
    const swapped = join(scratch, 'swapped');
    writeFileSync(swapped, `[${stage1.address}]:${stage1.sshPort} ${db1Key}\n`);
    const r = await sshWith(swapped, 'stage1');
    expect(r.exitCode).to.equal(255);
    expect(r.stderr).to.match(/HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
  });

  it('refuses a key that is not the lab key', async () => {
    const other = join(scratch, 'other_key');
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
    const r = await execa('ssh', ['-F', '/dev/null', '-i', other, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes', '-o', `UserKnownHostsFile=${cfg.knownHostsPath}`, '-p', '2222', `root@${labHost('db1').address}`, 'true'], { reject: false, stdin: 'ignore', env: { SSH_AUTH_SOCK: '' } });
    expect(r.exitCode).to.equal(255);
    expect(r.stderr).to.match(/Permission denied/);
  });
});

describe('lab: hosts reach each other', function () {
  let agent: ReturnType<typeof execa> | undefined;
  let sock: string;
  before(async function () {
    await requireLab(this);
    sock = join(cfg.stateDir, `agent-${tag}.sock`);
    // A foreground agent we own (killed by pid in after()), holding the lab key.
    agent = execa('ssh-agent', ['-D', '-a', sock], { reject: false, stdin: 'ignore' });
    for (let i = 0; i < 50 && !existsSync(sock); i++) await new Promise((r) => setTimeout(r, 50));
    await execa('ssh-add', ['-q', cfg.sshKeyPath], { env: { SSH_AUTH_SOCK: sock } });
  });
  after(async () => {
    agent?.kill();
    await agent;
    rmSync(sock, { force: true });
  });

  it('by name over ssh with a forwarded agent, keys checked against each host\'s /etc/ssh/ssh_known_hosts', async () => {
    const r = await execa('ssh', [...sshArgs(cfg), '-A', 'stage1', 'ssh -o BatchMode=yes -o StrictHostKeyChecking=yes db1 hostname'], {
      reject: false,
      stdin: 'ignore',
      env: { SSH_AUTH_SOCK: sock },
    });
    expect(r.exitCode, `${r.stderr}\n(a lab started before hosts had a private /etc/ssh needs: npm run lab -- down && npm run lab -- up)`).to.equal(0);
    expect(r.stdout.trim()).to.equal('db1');
  });

  it('without a forwarded agent, a host cannot log in to another', async () => {
    const r = await sshExec('stage2', 'ssh -o BatchMode=yes db1 hostname');
    expect(r.code).to.not.equal(0);
  });
});

describe('lab: S3 endpoint and HOME', function () {
  before(async function () {
    await requireLab(this);
  });

  it('answers with every profile of the lab HOME', async () => {
    for (const p of cfg.s3.profiles) {
      const out = await s3Client(p).send(new ListBucketsCommand({}));
      expect(out.Buckets, p).to.be.an('array');
    }
  });

  it('writes ~/.aws files whose profiles carry endpoint_url and region', () => {
    const conf = readFileSync(cfg.awsConfigPath, 'utf8');
    for (const p of ['production', 'stage']) expect(conf).to.include(`[profile ${p}]`);
    expect(conf).to.include(`endpoint_url = ${cfg.s3.endpoint}`);
    expect(conf).to.include('region = us-east-2');
    const creds = readFileSync(cfg.awsCredentialsPath, 'utf8');
    for (const p of cfg.s3.profiles) expect(creds).to.include(`[${p}]`);
  });

  it('writes an ssh config whose Host entries reach each host with the system ssh client', async () => {
    const r = await execa('ssh', ['-F', cfg.sshConfigPath, '-o', 'BatchMode=yes', 'dev1', 'hostname'], { reject: false, stdin: 'ignore', env: { SSH_AUTH_SOCK: '' } });
    expect(r.exitCode, r.stderr).to.equal(0);
    expect(r.stdout.trim()).to.equal('dev1');
  });
});
