// The lab's plain-data parts: config from the environment, the HOME files, pid files.
import { expect } from 'chai';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labConfig, labHost } from '../../lab/config.js';
import { labEnvOf, writeAwsFiles, writeKnownHosts, writeSshConfig } from '../../lab/home.js';
import { alive, readPid, writePid } from '../../lab/proc.js';
import { packageRoot } from '../../../src/util/paths.js';

describe('lab config', () => {
  it('defaults to <repo>/.lab (or /var/lib/stagesync-lab/<id> for a repo under /tmp), 127.0.1.x:2222 and moto on 5055', () => {
    const cfg = labConfig({});
    if (/^\/(tmp|opt|var\/lib\/postgresql|var\/run\/postgresql|run\/postgresql)\//.test(packageRoot())) {
      expect(cfg.stateDir).to.match(/^\/var\/lib\/stagesync-lab\/[0-9a-f]{12}$/);
    } else {
      expect(cfg.stateDir).to.equal(join(packageRoot(), '.lab'));
    }
    expect(cfg.hosts.map((h) => [h.name, h.address, h.sshPort, h.pgPort])).to.deep.equal([
      ['db1', '127.0.1.1', 2222, 5432],
      ['stage1', '127.0.1.2', 2222, 5432],
      ['stage2', '127.0.1.3', 2222, 5432],
      ['dev1', '127.0.1.4', 2222, 5432],
    ]);
    expect(cfg.s3.endpoint).to.equal('http://127.0.0.1:5055');
    expect(cfg.s3.region).to.equal('us-east-2');
    expect(cfg.s3.profiles).to.include.members(['default', 'production', 'stage']);
  });

  it('follows STAGESYNC_LAB_DIR, STAGESYNC_LAB_SUBNET and STAGESYNC_LAB_S3_PORT', () => {
    const cfg = labConfig({ STAGESYNC_LAB_DIR: '/var/tmp/x', STAGESYNC_LAB_SUBNET: '127.0.9', STAGESYNC_LAB_S3_PORT: '6001' });
    expect(cfg.home).to.equal('/var/tmp/x/home');
    expect(labHost('stage2', cfg).address).to.equal('127.0.9.3');
    expect(cfg.s3.endpoint).to.equal('http://127.0.0.1:6001');
  });

  it('puts the fast endpoint on STAGESYNC_LAB_FAUXQS_PORT (default 5056), profile fast', () => {
    expect(labConfig({}).fastS3.endpoint).to.equal('http://127.0.0.1:5056');
    const cfg = labConfig({ STAGESYNC_LAB_DIR: '/var/tmp/x', STAGESYNC_LAB_FAUXQS_PORT: '6002' });
    expect([cfg.fastS3.endpoint, cfg.fastS3.profile, cfg.fastS3.pidFile]).to.deep.equal(['http://127.0.0.1:6002', 'fast', '/var/tmp/x/s3/fauxqs.pid']);
  });

  it('refuses a state dir that the hosts shadow', () => {
    for (const d of ['/tmp/lab', '/opt/lab', '/var/lib/postgresql/lab', '/var/run/postgresql/x']) {
      expect(() => labConfig({ STAGESYNC_LAB_DIR: d }), d).to.throw(/shadows/);
    }
    expect(() => labConfig({ STAGESYNC_LAB_SUBNET: '10.0.0' })).to.throw(/127\.0\.1/);
  });

  it('names an unknown host with the known ones', () => {
    expect(() => labHost('nope', labConfig({}))).to.throw(/db1, stage1, stage2, dev1/);
  });
});

describe('lab HOME files', () => {
  let dir: string;
  // Not under /tmp: labConfig refuses the dirs the hosts shadow.
  beforeEach(() => (dir = mkdtempSync('/var/tmp/stagesync-lab-unit-')));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('writes ~/.aws config and credentials for every profile, with endpoint_url', () => {
    const cfg = labConfig({ STAGESYNC_LAB_DIR: dir });
    writeAwsFiles(cfg);
    const conf = readFileSync(cfg.awsConfigPath, 'utf8');
    expect(conf).to.match(/^\[default\]$/m);
    expect(conf).to.match(/^\[profile production\]\nregion = us-east-2\nendpoint_url = http:\/\/127\.0\.0\.1:5055$/m);
    const creds = readFileSync(cfg.awsCredentialsPath, 'utf8');
    expect(creds).to.match(/^\[stage\]\naws_access_key_id = \S+\naws_secret_access_key = \S+$/m);
    expect(labEnvOf(cfg)).to.include({ HOME: cfg.home, AWS_CONFIG_FILE: cfg.awsConfigPath, AWS_SHARED_CREDENTIALS_FILE: cfg.awsCredentialsPath });
  });

  it('writes known_hosts in [addr]:port form and an ssh config per host', () => {
    const cfg = labConfig({ STAGESYNC_LAB_DIR: dir });
    writeKnownHosts(cfg, { db1: 'ssh-ed25519 AAAAkey1 root@db1', stage1: 'ssh-ed25519 AAAAkey2 root@stage1' });
    expect(readFileSync(cfg.knownHostsPath, 'utf8')).to.equal('[127.0.1.1]:2222 ssh-ed25519 AAAAkey1 root@db1\n[127.0.1.2]:2222 ssh-ed25519 AAAAkey2 root@stage1\n');
    writeSshConfig(cfg);
    const conf = readFileSync(cfg.sshConfigPath, 'utf8');
    expect(conf).to.include(`Host dev1\n  HostName 127.0.1.4\n  Port 2222\n  User root\n  IdentityFile ${cfg.sshKeyPath}`);
    expect(conf).to.include(`UserKnownHostsFile ${cfg.knownHostsPath}`);
  });

  it('trusts a pid file only while that very process runs (pid + start time)', () => {
    const f = join(dir, 'x.pid');
    writePid(f, process.pid);
    expect(readPid(f)).to.equal(process.pid);
    expect(alive(readPid(f))).to.equal(true);
    writeFileSync(f, `${process.pid} 1\n`); // same pid, another start time: a reused pid
    expect(readPid(f)).to.equal(undefined);
    expect(readPid(join(dir, 'missing.pid'))).to.equal(undefined);
  });
});
