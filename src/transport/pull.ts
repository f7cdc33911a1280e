// A command that reads another host's output with the OpenSSH client, run on a host by the
// caller (a destination pulling the dump from the source): the other host's key is the one the
// controller accepted (a temporary known_hosts file, strict checking), authentication is the
// login's forwarded agent or a key file named for host-to-host use.
import { commandLine } from '../util/shell.js';
import { hostScript } from '../util/host-scripts.js';
import { knownHostName } from './known-hosts.js';
import type { Command, PeerAccess } from './types.js';

export interface PullOptions {
  /** How the pulling host reaches the peer (its own view of the network). */
  address: string;
  /** A private key on the pulling host; without it, the forwarded agent. */
  identityFile?: string;
  /** The command run on the peer. */
  remote: readonly string[];
  /** Run it as this user on the peer (sudo -n when the login user is another). */
  remoteUser?: string;
  connectTimeoutSec?: number;
}

const PULL = hostScript('pull.sh');

/** The OpenSSH client's options: no prompt, no forwarding onwards, dead links noticed. */
function sshOptions(o: PullOptions): string[] {
  const opts = ['BatchMode=yes', 'StrictHostKeyChecking=yes', 'ForwardAgent=no', 'ClearAllForwardings=yes', `ConnectTimeout=${o.connectTimeoutSec ?? 10}`, 'ServerAliveInterval=15', 'ServerAliveCountMax=3', 'LogLevel=ERROR'];
  if (o.identityFile) opts.push('IdentitiesOnly=yes');
  return opts.flatMap((x) => ['-o', x]);
}

/**
 * The remote command line, as the peer's login shell reads it. As another user it runs from `/`
 * (the login's home may be closed to that user: PostgreSQL's tools complain of it on every call).
 */
export function remoteLine(peer: PeerAccess, remote: readonly string[], remoteUser?: string): string {
  const become = remoteUser && remoteUser !== peer.user ? ['sudo', '-n', '-H', '-u', remoteUser, '--', '/bin/sh', '-c', 'cd / && exec "$@"', 'sh'] : [];
  return commandLine([...become, ...remote]);
}

export function pullCommand(peer: PeerAccess, o: PullOptions): Command {
  const knownHosts = `${knownHostName(o.address, peer.port)} ${peer.hostKey}`;
  const argv = [...sshOptions(o), ...(o.identityFile ? ['-i', o.identityFile] : []), '-T', '-p', String(peer.port), '-l', peer.user, '--', o.address, remoteLine(peer, o.remote, o.remoteUser)];
  return { argv: ['sh', '-c', PULL, 'sh', knownHosts, ...argv] };
}
