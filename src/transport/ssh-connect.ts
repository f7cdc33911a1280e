// Open one authenticated ssh2 Client for a resolved target: host key check, identities and
// agent, timeouts, keepalive — and the ProxyJump chain in front of it (each hop a Client whose
// forwardOut() stream is the next hop's socket).
import { existsSync, readFileSync } from 'node:fs';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AuthenticationType, Client as ClientT, ConnectConfig } from 'ssh2';
import { knownKeyTypes, loadKnownHosts, verifyHostKey } from './known-hosts.js';
import { parseJump, resolveSsh, type ResolvedSsh, type SshConfigEnv } from './ssh-config.js';
import { countBytesIn, rememberHostKey } from './traffic.js';
import { UnreachableError } from './types.js';

const { Client, utils } = ssh2;

export interface DialContext {
  /** inventory name, for error messages */
  host: string;
  /** Ansible's host_key_checking. */
  hostKeyChecking: boolean;
  /** Ansible's timeout: ConnectTimeout given on ssh's command line (beats the config). */
  timeoutSec?: number;
  keepaliveIntervalMs: number;
  keepaliveCountMax: number;
  /** ssh-agent socket (SSH_AUTH_SOCK); IdentityAgent in the config can override or disable. */
  agentSocket?: string;
  password?: string;
  configText: string;
  env: SshConfigEnv;
  log?: (line: string) => void;
  verbosity: number;
}

export interface Chain {
  client: ClientT;
  /** Jump hosts' clients, nearest first; closed after the target. */
  jumps: ClientT[];
}

/** Host key algorithm preference: the types already known for this host first (as OpenSSH). */
function hostKeyOrder(known: string[]): ConnectConfig['algorithms'] {
  if (known.length === 0) return undefined;
  const all = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];
  const expand = (t: string): string[] => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]);
  const preferred = known.flatMap(expand).filter((t) => all.includes(t));
  const order = [...new Set([...preferred, ...all])] as NonNullable<ConnectConfig['algorithms']>['serverHostKey'];
  return { serverHostKey: order };
}

/** Keys to offer: agent first, then identity files that exist and need no passphrase. */
function authMethods(t: ResolvedSsh, ctx: DialContext, agent: string | undefined): AuthenticationType[] | { type: string; username: string; [k: string]: unknown }[] {
  const methods: { type: string; username: string; [k: string]: unknown }[] = [];
  if (agent && !t.identitiesOnly) methods.push({ type: 'agent', username: t.user, agent });
  for (const f of t.identityFiles) {
    if (!existsSync(f)) continue;
    const key = readFileSync(f);
    const parsed = utils.parseKey(key);
    if (parsed instanceof Error) {
      ctx.log?.(`<${t.hostname}> skipping identity ${f}: ${parsed.message}`);
      continue;
    }
    methods.push({ type: 'publickey', username: t.user, key });
  }
  if (agent && t.identitiesOnly) methods.push({ type: 'agent', username: t.user, agent });
  if (ctx.password !== undefined) methods.push({ type: 'password', username: t.user, password: ctx.password });
  return methods;
}

/** Connect and authenticate one hop (over `sock` when jumping). */
export async function handshake(t: ResolvedSsh, ctx: DialContext, sock?: Duplex, label = ctx.host): Promise<ClientT> {
  const checkName = t.hostKeyAlias ?? t.hostname;
  const strict = ctx.hostKeyChecking ? (t.strictHostKeyChecking ?? 'yes') : 'no';
  const files = [...t.userKnownHostsFiles, ...t.globalKnownHostsFiles];
  const kh = strict === 'no' ? { entries: [], read: [] } : await loadKnownHosts(files);
  const namedFiles = kh.read.length ? kh.read : t.userKnownHostsFiles.slice(0, 1);
  let rejected: string | undefined;
  let accepted: Buffer | undefined;
  const agent = t.identityAgent ? (t.identityAgent.toLowerCase() === 'none' ? undefined : t.identityAgent) : ctx.agentSocket;
  const timeoutMs = (ctx.timeoutSec ?? t.connectTimeoutSec ?? 10) * 1000;

  const config: ConnectConfig = {
    host: t.hostname,
    port: t.port,
    username: t.user,
    readyTimeout: timeoutMs,
    keepaliveInterval: t.serverAliveIntervalSec ? t.serverAliveIntervalSec * 1000 : ctx.keepaliveIntervalMs,
    keepaliveCountMax: t.serverAliveCountMax ?? ctx.keepaliveCountMax,
    authHandler: authMethods(t, ctx, agent) as ConnectConfig['authHandler'],
    hostVerifier: (key: Buffer) => {
      const v = verifyHostKey({ entries: kh.entries, host: checkName, port: t.port, key, files: namedFiles, strict });
      if (!v.ok) rejected = v.reason;
      else accepted = key;
      return v.ok;
    },
    ...(sock ? { sock } : {}),
    ...(agent ? { agent } : {}),
    ...(agent && t.forwardAgent ? { agentForward: true } : {}),
    ...(hostKeyOrder(knownKeyTypes(kh.entries, checkName, t.port)) ? { algorithms: hostKeyOrder(knownKeyTypes(kh.entries, checkName, t.port)) } : {}),
    ...(ctx.verbosity >= 4 && ctx.log ? { debug: (m: string) => ctx.log!(`<${t.hostname}> ssh2: ${m}`) } : {}),
  };
  if (ctx.verbosity >= 3) ctx.log?.(`<${t.hostname}> ESTABLISH SSH CONNECTION FOR USER: ${t.user} (port ${t.port}${sock ? ', via jump host' : ''})`);

  const client = new Client();
  return new Promise<ClientT>((resolve, reject) => {
    const where = `${t.user}@${t.hostname}:${t.port}`;
    let failed = false;
    const fail = (err: Error & { level?: string; code?: string }): void => {
      if (failed) return;
      failed = true;
      client.removeAllListeners('ready');
      client.end();
      let msg: string;
      if (rejected) msg = rejected;
      else if (err.level === 'client-authentication') msg = `Permission denied (${where}): ${err.message}`;
      else if (err.level === 'client-timeout') msg = `Connection timed out during banner exchange (${where}, ${timeoutMs / 1000}s)`;
      else if (err.code === 'ECONNREFUSED') msg = `connect to host ${t.hostname} port ${t.port}: Connection refused`;
      else msg = `${where}: ${err.message}`;
      reject(new UnreachableError(label, `Failed to connect to the host via ssh: ${msg}`));
    };
    client.once('ready', () => {
      client.removeListener('error', fail);
      if (accepted) rememberHostKey(client, accepted);
      client.on('error', () => {}); // later errors surface as 'close' to the owner; never crash
      resolve(client);
    });
    // `on`, not `once`: a reset socket gives ECONNRESET and then "Connection lost before
    // handshake" — a second 'error' with no listener would crash the run (exit 1, not 4).
    client.on('error', fail);
    // A socket that closes before 'ready' without an error (e.g. jump channel refused).
    client.once('close', () => fail(new Error('connection closed during handshake')));
    try {
      client.connect(config);
      countBytesIn(client);
      // Nagle's algorithm held each exec's small request packets for the server's delayed ACK:
      // ~40 ms more per command (60 → 15 ms for `true` on a reused connection).
      client.setNoDelay(true);
    } catch (e) {
      fail(e as Error);
    }
  }).finally(() => client.removeAllListeners('close'));
}

/** A direct-tcpip channel through `via` to host:port, used as the next hop's socket. */
function forwardOut(via: ClientT, host: string, port: number, label: string): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    via.forwardOut('127.0.0.1', 0, host, port, (err, stream) => {
      if (err) reject(new UnreachableError(label, `Failed to connect to the host via ssh: jump host could not open ${host}:${port}: ${err.message}`));
      else resolve(stream);
    });
  });
}

/** Connect to `t`, through its ProxyJump chain if any. Jump hops are resolved from the same config. */
export async function dial(t: ResolvedSsh, ctx: DialContext, depth = 0): Promise<Chain> {
  if (t.proxyCommand) throw new UnreachableError(ctx.host, `Failed to connect to the host via ssh: ProxyCommand in ssh config is not supported (use ProxyJump): ${t.proxyCommand}`);
  if (depth > 8) throw new UnreachableError(ctx.host, 'ProxyJump chain too deep (loop in ssh config?)');
  const jumps: ClientT[] = [];
  try {
    let prev: ClientT | undefined;
    if (t.proxyJump) {
      const hops = t.proxyJump.split(',').map(parseJump);
      for (const [i, hop] of hops.entries()) {
        // As OpenSSH: only the first hop's own config ProxyJump applies; later hops go through the earlier ones.
        const r = resolveSsh(hop.host, ctx.configText, ctx.env, { user: hop.user, port: hop.port, ...(i > 0 ? { proxyJump: 'none' } : {}) });
        const label = `${ctx.host} (jump host ${hop.host})`;
        if (i === 0 && r.proxyJump) {
          const c = await dial(r, ctx, depth + 1);
          jumps.push(...c.jumps, c.client);
          prev = c.client;
          continue;
        }
        const sock = prev ? await forwardOut(prev, r.hostname, r.port, label) : undefined;
        prev = await handshake(r, ctx, sock, label);
        jumps.push(prev);
      }
    }
    const sock = prev ? await forwardOut(prev, t.hostname, t.port, ctx.host) : undefined;
    const client = await handshake(t, ctx, sock);
    return { client, jumps: jumps.reverse() };
  } catch (e) {
    for (const j of jumps) j.end();
    throw e;
  }
}
