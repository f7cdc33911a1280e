// Before anything is written (stagesync_transfer: direct): each destination can log in to the
// source with what it will use for the pull (the forwarded agent or its key file), checks the
// source's key against the one the controller accepted, and can read as the backup user there.
// A destination that cannot is unreachable for this run (exit 4), named with the source.
import { pullCommand } from '../transport/pull.js';
import { UnreachableError, type Host } from '../transport/types.js';
import { tail } from './errors.js';
import type { PeerAccess } from '../transport/types.js';
import type { PullRoute } from './direct.js';

export interface PullCheck {
  peer: PeerAccess;
  route: PullRoute;
  /** The source's inventory name (for the message). */
  sourceName: string;
  /** Who reads the dump on the source. */
  sourceUser: string;
}

/** How the destination logs in to the source, or why it cannot, naming the fix. */
async function credentials(dest: Host, c: PullCheck): Promise<string> {
  const key = c.route.identityFile;
  const probe = key ? { argv: ['test', '-r', key] } : { script: 'test -S "${SSH_AUTH_SOCK:-}"' };
  const r = await dest.exec(probe);
  if (r.code === 0) return key ? `key ${key}` : 'the forwarded agent';
  const why = `${dest.name} cannot log in to ${c.sourceName} for stagesync_transfer: direct`;
  if (key) throw new UnreachableError(dest.name, `${why}: stagesync_direct_identity_file ${key} is not readable on ${dest.name}`);
  throw new UnreachableError(
    dest.name,
    `${why}: no agent forwarded to ${dest.name} and no stagesync_direct_identity_file; load the key into ssh-agent on the controller (SSH_AUTH_SOCK) and set ansible_ssh_extra_args: -A for ${dest.name}, or name a key on ${dest.name} in stagesync_direct_identity_file`,
  );
}

/** Log in from `dest` to the source and run `true` as the source's backup user. */
export async function checkPull(dest: Host, c: PullCheck): Promise<string> {
  const how = await credentials(dest, c);
  const { peer, route } = c;
  const cmd = pullCommand(peer, { ...route, remote: ['true'], remoteUser: c.sourceUser });
  const r = await dest.exec(cmd);
  if (r.code !== 0) {
    // ssh's own last words (its banner about a changed key is for a terminal).
    const said = tail(r.stderr, 2).trim().split('\n').map((l) => l.trim()).filter(Boolean).join(' ');
    throw new UnreachableError(dest.name, `${dest.name} cannot pull from ${c.sourceName} (ssh ${peer.user}@${route.address} port ${peer.port}, with ${how}): ${said || `exit ${r.code ?? r.signal}`}`);
  }
  return `${dest.name} → ${c.sourceName} at ${route.address}:${peer.port} with ${how}`;
}
