// Keys and sshd_config of a lab host. Each host has its own ed25519 host key; one client key logs in
// as root everywhere (authorized_keys inside the lab, never in /root/.ssh).
import { execa } from 'execa';
import { copyFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { LabConfig, LabHost } from './config.js';

/** ssh-keygen once; later calls keep the key (so known_hosts stays valid across up/up). */
export async function ensureKey(path: string, comment: string): Promise<string> {
  if (!existsSync(path)) {
    mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
    await execa('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', comment, '-f', path]);
  }
  return readFileSync(path + '.pub', 'utf8').trim();
}

export const hostEtc = (h: LabHost): string => join(h.root, 'etc');
export const hostKeyPath = (h: LabHost): string => join(hostEtc(h), 'ssh_host_ed25519_key');
export const sshdConfigPath = (h: LabHost): string => join(hostEtc(h), 'sshd_config');
export const sshdLogPath = (h: LabHost): string => join(h.root, 'log', 'sshd.log');

/** Host key, authorized_keys and sshd_config; returns the host's public key line (for known_hosts). */
export async function prepareSshd(cfg: LabConfig, h: LabHost, clientPub: string): Promise<string> {
  mkdirSync(hostEtc(h), { recursive: true });
  mkdirSync(dirname(sshdLogPath(h)), { recursive: true });
  const pub = await ensureKey(hostKeyPath(h), `root@${h.name}`);
  const authorized = join(hostEtc(h), 'authorized_keys');
  writeFileSync(authorized, clientPub + '\n', { mode: 0o600 });
  const conf = [
    `# lab host ${h.name}: written by test/lab/sshd.ts on every up`,
    `ListenAddress ${h.address}:${h.sshPort}`,
    `HostKey ${hostKeyPath(h)}`,
    // The pid inside the host's pid namespace; the lab itself tracks the namespace's pid.
    `PidFile ${join(hostEtc(h), 'sshd.pid')}`,
    `AuthorizedKeysFile ${authorized}`,
    'PermitRootLogin prohibit-password',
    'PubkeyAuthentication yes',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    // No PAM: pam_loginuid fails in sandboxes, and key login needs nothing from it.
    'UsePAM no',
    // The lab dir may sit in a checkout with any permissions.
    'StrictModes no',
    'UseDNS no',
    'AllowAgentForwarding yes',
    'AllowTcpForwarding yes',
    'X11Forwarding no',
    'PrintMotd no',
    'AcceptEnv LANG LC_*',
    // Tests and the product open many channels and connections at once.
    'MaxSessions 64',
    'MaxStartups 64:30:256',
    'ClientAliveInterval 30',
    'Subsystem sftp /usr/lib/openssh/sftp-server',
    '',
  ].join('\n');
  writeFileSync(sshdConfigPath(h), conf);
  return pub;
}

/** The host's private /etc/ssh (bind-mounted over the machine's inside its namespace). */
export const hostEtcSsh = (h: LabHost): string => join(h.root, 'fs', 'etc-ssh');

/**
 * The host's ssh client setup, so hosts can reach each other (e.g. a destination pulling a dump
 * from the source with a forwarded agent): the machine's ssh_config and moduli (never its host
 * keys), the lab hosts by name, and all their keys in ssh_known_hosts.
 */
export function writeHostSshClient(cfg: LabConfig, h: LabHost, hostKeys: Record<string, string>): void {
  const dir = hostEtcSsh(h);
  mkdirSync(join(dir, 'ssh_config.d'), { recursive: true });
  for (const f of ['ssh_config', 'moduli']) if (existsSync(`/etc/ssh/${f}`)) copyFileSync(`/etc/ssh/${f}`, join(dir, f));
  if (!existsSync(join(dir, 'ssh_config'))) writeFileSync(join(dir, 'ssh_config'), 'Include /etc/ssh/ssh_config.d/*.conf\n');
  const hostsConf = cfg.hosts.flatMap((o) => [`Host ${o.name}`, `  HostName ${o.address}`, `  Port ${o.sshPort}`, '  User root', '']);
  writeFileSync(join(dir, 'ssh_config.d', 'lab.conf'), ['# lab hosts (test/lab/sshd.ts)', ...hostsConf].join('\n'));
  const known = cfg.hosts
    .filter((o) => hostKeys[o.name])
    .map((o) => `[${o.address}]:${o.sshPort},[${o.name}]:${o.sshPort} ${hostKeys[o.name]!.trim()}`);
  writeFileSync(join(dir, 'ssh_known_hosts'), known.join('\n') + '\n');
}
