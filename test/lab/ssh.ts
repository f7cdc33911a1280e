// The system ssh client with the lab's config, key and known_hosts: for tests that check the hosts
// themselves (isolation, host keys). Product code has its own transport and must not use this.
import { execa } from 'execa';
import type { LabConfig } from './config.js';
import { labConfig, labHost } from './config.js';

export interface SshResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** `ssh` argv prefix: only the lab's known_hosts, strict checking, no agent, no password prompts. */
export function sshArgs(cfg: LabConfig = labConfig()): string[] {
  return [
    '-F', cfg.sshConfigPath,
    '-i', cfg.sshKeyPath,
    '-o', 'IdentitiesOnly=yes',
    '-o', 'BatchMode=yes',
    '-o', 'StrictHostKeyChecking=yes',
    '-o', `UserKnownHostsFile=${cfg.knownHostsPath}`,
    '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'ConnectTimeout=5',
  ];
}

/** Run a shell command line on a lab host as root over ssh; never throws on a non-zero exit. */
export async function sshExec(host: string, command: string, cfg: LabConfig = labConfig()): Promise<SshResult> {
  labHost(host, cfg);
  const r = await execa('ssh', [...sshArgs(cfg), host, command], { reject: false, stdin: 'ignore', env: { SSH_AUTH_SOCK: '' } });
  return { code: r.exitCode ?? 255, stdout: r.stdout, stderr: r.stderr };
}
