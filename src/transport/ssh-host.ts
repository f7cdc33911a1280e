// A Host over ssh2: one connection (plus its jump hosts) per host, opened lazily and reused by
// every command as channels on it (ControlMaster-like), at most maxSessions at once.
import type { ClientChannel } from 'ssh2';
import { LineHost } from './line-host.js';
import type { RawExit, RawProcess } from './process.js';
import { Semaphore } from './semaphore.js';
import { endClient, PGID_TAG, safe, sendSignal, stripPgid } from './ssh-channel.js';
import { dial, type Chain, type DialContext } from './ssh-connect.js';
import { defaultConfigEnv, loadConfigText, resolveSsh, type SshConfigEnv, type SshOverrides } from './ssh-config.js';
import { keyTypeOf } from './known-hosts.js';
import { bytesIn, hostKeyOf } from './traffic.js';
import { ConnectionLostError, UnreachableError, type PeerAccess } from './types.js';
import { sleep } from '../util/backoff.js';

export interface SshHostOptions {
  /** The name ssh looks up in its config: ansible_host, else the inventory name. */
  alias: string;
  /** ansible_* connection vars, which beat ~/.ssh/config. */
  overrides?: SshOverrides;
  /** Ansible's host_key_checking. */
  hostKeyChecking: boolean;
  /** Connect timeout in seconds (Ansible's `timeout`, default 10). */
  timeoutSec?: number;
  keepaliveIntervalMs?: number;
  keepaliveCountMax?: number;
  /** sshd's MaxSessions (10): more concurrent commands wait for a free channel. */
  maxSessions?: number;
  /** Grace between TERM and KILL when stopping a command. */
  killGraceMs?: number;
  /** Set when the vars ask for something we cannot do (ProxyCommand): connect() fails with it. */
  unsupported?: string;
  /** ansible_password / ansible_ssh_pass, for password authentication. */
  password?: string;
  /** HOME, local user and system config; default from the process. */
  configEnv?: SshConfigEnv;
  /** ssh-agent socket; default SSH_AUTH_SOCK; null = no agent. */
  agentSocket?: string | null;
  /** -vvv: connection events and each command line (the caller masks secrets). */
  log?: (line: string) => void;
  /** 4 adds ssh2's protocol debug to `log`. */
  verbosity?: number;
}

interface Live extends Chain {
  dead: boolean;
  where: string;
  target: { user: string; hostname: string; port: number };
  /** Operations still running on the connection: each is settled when the connection goes. */
  onLost: Set<() => void>;
}

const OPEN_RETRIES = 20;


/** Exit statuses seen before wrap() attached its listener (see openChannel). */
const earlyExits = new WeakMap<ClientChannel, { code: number | null; signal?: string }>();
export class SshHost extends LineHost {
  private live?: Live;
  private connecting?: Promise<Live>;
  private closed = false;
  private readonly sessions: Semaphore;
  /** Bytes read by the connections that are gone (a reconnect starts a new count). */
  private bytesOfPast = 0;

  constructor(
    readonly name: string,
    private readonly opts: SshHostOptions,
  ) {
    super();
    // One session slot stays free for kill commands, so a full connection can still stop one.
    this.sessions = new Semaphore(Math.max(1, (opts.maxSessions ?? 10) - 1));
  }

  async connect(): Promise<void> {
    await this.ensure();
  }

  async peer(): Promise<PeerAccess> {
    const live = await this.ensure();
    const key = hostKeyOf(live.client);
    if (!key) throw new UnreachableError(this.name, `${this.name}: no host key was accepted on the connection`);
    return { ...live.target, hostKey: `${keyTypeOf(key)} ${key.toString('base64')}` };
  }

  bytesReceived(): number {
    return this.bytesOfPast + (this.live && !this.live.dead ? bytesIn(this.live.client) : 0);
  }

  async close(): Promise<void> {
    this.closed = true;
    const live = this.live ?? (await this.connecting?.catch(() => undefined)); // nothing lost: a connection that never opened has nothing to close
    this.live = undefined;
    if (!live || live.dead) return;
    await endClient(live.client);
    for (const j of live.jumps) await endClient(j);
  }

  /** The live connection, dialing when there is none (again after a drop, so retries can work). */
  private ensure(): Promise<Live> {
    if (this.closed) return Promise.reject(new UnreachableError(this.name, `${this.name}: connection already closed`));
    if (this.live && !this.live.dead) return Promise.resolve(this.live);
    this.connecting ??= this.dialOnce().finally(() => (this.connecting = undefined));
    return this.connecting;
  }

  private async dialOnce(): Promise<Live> {
    const env = this.opts.configEnv ?? defaultConfigEnv();
    let ctx: DialContext;
    let target;
    if (this.opts.unsupported) throw new UnreachableError(this.name, `Failed to connect to the host via ssh: ${this.opts.unsupported}`);
    try {
      const configText = loadConfigText(env);
      target = resolveSsh(this.opts.alias, configText, env, this.opts.overrides);
      const agent = this.opts.agentSocket === null ? undefined : (this.opts.agentSocket ?? process.env.SSH_AUTH_SOCK);
      ctx = {
        host: this.name,
        hostKeyChecking: this.opts.hostKeyChecking,
        timeoutSec: this.opts.timeoutSec,
        keepaliveIntervalMs: this.opts.keepaliveIntervalMs ?? 15000,
        keepaliveCountMax: this.opts.keepaliveCountMax ?? 3,
        ...(agent ? { agentSocket: agent } : {}),
        ...(this.opts.password !== undefined ? { password: this.opts.password } : {}),
        configText,
        env,
        log: this.opts.log,
        verbosity: this.opts.verbosity ?? 0,
      };
    } catch (e) {
      throw new UnreachableError(this.name, `Failed to connect to the host via ssh: ${(e as Error).message}`);
    }
    const chain = await dial(target, ctx);
    const live: Live = { ...chain, dead: false, where: `${target.user}@${target.hostname}:${target.port}`, target: { user: target.user, hostname: target.hostname, port: target.port }, onLost: new Set() };
    const onGone = (): void => {
      if (live.dead) return;
      live.dead = true;
      this.bytesOfPast += bytesIn(live.client);
      for (const j of live.jumps) j.end();
      // ssh2 does not always close the channels of a connection that died: settle them here.
      for (const settle of [...live.onLost]) settle();
      live.onLost.clear();
    };
    live.client.on('end', onGone).on('close', onGone).on('error', onGone);
    // A jump host going away takes the tunnel with it.
    for (const j of live.jumps) j.on('close', () => live.client.end());
    if (this.closed) {
      live.client.end();
      onGone();
      throw new UnreachableError(this.name, `${this.name}: connection already closed`);
    }
    this.live = live;
    return live;
  }

  /** Open an exec channel for one command line (waiting for a free session slot). */
  protected async open(line: string): Promise<RawProcess> {
    const release = await this.sessions.acquire();
    try {
      const live = await this.ensure();
      this.opts.log?.(`<${this.name}> SSH EXEC (${live.where}) ${line}`);
      // The login shell is the session's process-group leader (sshd calls setsid): its $$ lets
      // kill() reach the whole group even where sshd refuses signal requests (root logins).
      const ch = await this.openChannel(live, `echo ${PGID_TAG}$$ >&2; ${line}`);
      return this.wrap(live, ch, release);
    } catch (e) {
      release();
      throw e;
    }
  }

  private async openChannel(live: Live, line: string): Promise<ClientChannel> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await new Promise<ClientChannel>((res, rej) => {
          if (live.dead) return rej(new Error('connection lost'));
          const lost = () => rej(new Error('connection lost'));
          live.onLost.add(lost);
          live.client.exec(line, (err, ch) => {
            live.onLost.delete(lost);
            if (err) return rej(err);
            // A fast command's exit status can arrive in the same packet batch as the channel's
            // confirmation, before wrap() (a microtask later) listens: catch it here, now.
            ch.once('exit', (code: number | null, signal?: string) => earlyExits.set(ch, { code, signal }));
            res(ch);
          });
        });
      } catch (e) {
        if (live.dead) throw new ConnectionLostError(this.name, `${this.name}: connection lost (${live.where}) before the command started`);
        // sshd frees a closed session slightly after it confirms the close: retry a refused open.
        if (attempt < OPEN_RETRIES && /open failed|open failure/i.test((e as Error).message)) {
          await sleep(25 * (attempt + 1));
          continue;
        }
        throw new Error(`${this.name}: could not open an ssh session channel: ${(e as Error).message}`);
      }
    }
  }

  private wrap(live: Live, ch: ClientChannel, release: () => void): RawProcess {
    let exit: RawExit | undefined;
    let killTimer: NodeJS.Timeout | undefined;
    let killing = false;
    let pgid: number | undefined;
    const grace = this.opts.killGraceMs ?? 2000;
    const onExit = (code: number | null, signal?: string) => {
      exit = code !== null && code !== undefined ? { code } : { code: null, ...(signal ? { signal: signal.replace(/^SIG/, '') } : {}) };
    };
    const early = earlyExits.get(ch);
    if (early) onExit(early.code, early.signal);
    else ch.on('exit', onExit);
    let giveUp: (() => void) | undefined;
    const exited = new Promise<RawExit>((resolve, reject) => {
      // sshd keeps the channel open while the command lives; after a failed kill we stop waiting.
      giveUp = () => resolve({ code: null, signal: 'KILL' });
      let closed = false;
      const onClose = () => {
        if (closed) return;
        closed = true;
        live.onLost.delete(onClose);
        release();
        clearTimeout(killTimer);
        if (exit) resolve(exit);
        else if (live.dead)
          reject(new ConnectionLostError(this.name, `${this.name}: connection lost (${live.where}) while the command was running; its outcome is unknown`));
        else resolve({ code: null });
        // The channel's streams end with it; when the connection died they may never be told.
        if (live.dead) for (const st of [ch, ch.stderr]) if (!st.readableEnded) safe(() => st.push(null));
      };
      if (live.dead) return setImmediate(onClose);
      live.onLost.add(onClose);
      ch.on('close', onClose);
    });
    exited.catch(() => {});
    const stderr = stripPgid(ch.stderr, (n) => {
      pgid = n;
      if (killing) this.killGroup(live, n, 'TERM');
    });
    return {
      stdin: ch,
      stdout: ch,
      stderr,
      exited,
      kill: () => {
        if (killing || exit) return;
        killing = true;
        sendSignal(ch, 'TERM');
        if (pgid) this.killGroup(live, pgid, 'TERM');
        killTimer = setTimeout(() => {
          sendSignal(ch, 'KILL');
          if (pgid) this.killGroup(live, pgid, 'KILL');
          // Last resort: stop waiting for a command that cannot be killed (its slot stays taken until it ends).
          setTimeout(() => {
            safe(() => ch.close());
            giveUp?.();
          }, 1000).unref();
        }, grace);
        killTimer.unref();
      },
    };
  }

  /** `kill -SIG -- -PGID` on a separate channel (outside the session limit: the reserved slot). */
  private killGroup(live: Live, pgid: number, sig: 'TERM' | 'KILL'): void {
    if (live.dead) return;
    this.opts.log?.(`<${this.name}> SSH EXEC (${live.where}) kill -${sig} -- -${pgid}`);
    live.client.exec(`kill -${sig} -- -${pgid} 2>/dev/null`, (err, ch) => {
      if (!err) {
        ch.resume();
        ch.stderr.resume();
        ch.end();
      }
    });
  }
}
