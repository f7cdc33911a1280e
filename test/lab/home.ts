// The lab HOME: ~/.aws (profiles pointing at the lab endpoint) and ~/.ssh (key, known_hosts, config),
// laid out exactly as a user's, so orchestrate finds them the ordinary way through HOME.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { LabConfig } from './config.js';
import { S3_KEYS } from './config.js';

export function writeAwsFiles(cfg: LabConfig): void {
  mkdirSync(dirname(cfg.awsConfigPath), { recursive: true, mode: 0o700 });
  const creds: string[] = [];
  const conf: string[] = [];
  const endpoints: [string, string][] = [...cfg.s3.profiles.map((p): [string, string] => [p, cfg.s3.endpoint]), [cfg.fastS3.profile, cfg.fastS3.endpoint]];
  for (const [p, endpoint] of endpoints) {
    const k = S3_KEYS[p] ?? S3_KEYS.production!;
    creds.push(`[${p}]`, `aws_access_key_id = ${k.id}`, `aws_secret_access_key = ${k.secret}`, '');
    // endpoint_url is honoured by the AWS SDK v3 and the aws CLI; path-style because moto and fauxqs have no bucket DNS.
    conf.push(
      p === 'default' ? '[default]' : `[profile ${p}]`,
      `region = ${cfg.s3.region}`,
      `endpoint_url = ${endpoint}`,
      's3 =',
      '    addressing_style = path',
      '',
    );
  }
  writeFileSync(cfg.awsCredentialsPath, creds.join('\n'), { mode: 0o600 });
  writeFileSync(cfg.awsConfigPath, conf.join('\n'), { mode: 0o600 });
}

/** ~/.ssh/config with one Host entry per lab host (host keys checked against the lab's known_hosts). */
export function writeSshConfig(cfg: LabConfig): void {
  mkdirSync(dirname(cfg.sshConfigPath), { recursive: true, mode: 0o700 });
  const lines: string[] = [];
  for (const h of cfg.hosts) {
    lines.push(
      `Host ${h.name}`,
      `  HostName ${h.address}`,
      `  Port ${h.sshPort}`,
      '  User root',
      `  IdentityFile ${cfg.sshKeyPath}`,
      '  IdentitiesOnly yes',
      `  UserKnownHostsFile ${cfg.knownHostsPath}`,
      '  StrictHostKeyChecking yes',
      '',
    );
  }
  writeFileSync(cfg.sshConfigPath, lines.join('\n'), { mode: 0o600 });
}

/** known_hosts in the `[addr]:port` form ssh writes for non-22 ports. */
export function writeKnownHosts(cfg: LabConfig, hostKeys: Record<string, string>): void {
  mkdirSync(dirname(cfg.knownHostsPath), { recursive: true, mode: 0o700 });
  const lines = cfg.hosts
    .filter((h) => hostKeys[h.name])
    .map((h) => `[${h.address}]:${h.sshPort} ${hostKeys[h.name]!.trim()}`);
  writeFileSync(cfg.knownHostsPath, lines.join('\n') + '\n', { mode: 0o644 });
}

/**
 * Variables to merge onto process.env to run orchestrate, aws or ssh against the lab.
 * HOME is what Node's os.homedir() and the AWS SDK read; the AWS_* files make it explicit.
 */
export function labEnvOf(cfg: LabConfig): Record<string, string> {
  return {
    HOME: cfg.home,
    AWS_CONFIG_FILE: cfg.awsConfigPath,
    AWS_SHARED_CREDENTIALS_FILE: cfg.awsCredentialsPath,
    AWS_EC2_METADATA_DISABLED: 'true',
    STAGESYNC_LAB_DIR: cfg.stateDir,
  };
}
