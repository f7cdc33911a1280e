// Inventory host + its vars -> a Host (ssh or local); HostPool keeps one per inventory name for
// the whole run (one connection per host, reused by every step) and closes them all at the end.
import { connectionFromVars } from './conn-vars.js';
import { LocalHost } from './local.js';
import type { SshConfigEnv } from './ssh-config.js';
import { SshHost } from './ssh-host.js';
import { UnreachableError, type Host } from './types.js';

export interface HostFactoryOptions {
  /** Ansible's host_key_checking (ansible.cfg / ANSIBLE_HOST_KEY_CHECKING). */
  hostKeyChecking: boolean;
  /** Ansible's `timeout` (connect timeout, seconds; default 10). ansible_timeout beats it. */
  timeoutSec?: number;
  /** -v count: 3 logs connections and every command line, 4 adds ssh protocol debug. */
  verbosity?: number;
  /** Receives those lines; the caller masks secrets before printing. */
  log?: (line: string) => void;
  /** HOME/local user/system config for ~/.ssh (default: from the process). */
  configEnv?: SshConfigEnv;
  /** sshd MaxSessions to respect per connection (default 10). */
  maxSessions?: number;
}

export function createHost(name: string, vars: Record<string, unknown>, opts: HostFactoryOptions): Host {
  let spec;
  try {
    spec = connectionFromVars(name, vars);
  } catch (e) {
    return new BrokenHost(name, (e as Error).message);
  }
  const verbosity = opts.verbosity ?? 0;
  const log = verbosity >= 3 ? opts.log : undefined;
  if (spec.local) return new LocalHost(name, { log });
  return new SshHost(name, {
    alias: spec.alias,
    overrides: spec.overrides,
    hostKeyChecking: opts.hostKeyChecking,
    timeoutSec: spec.timeoutSec ?? opts.timeoutSec,
    ...(spec.password !== undefined ? { password: spec.password } : {}),
    ...(spec.unsupported ? { unsupported: spec.unsupported } : {}),
    ...(opts.configEnv ? { configEnv: opts.configEnv } : {}),
    ...(opts.maxSessions ? { maxSessions: opts.maxSessions } : {}),
    log,
    verbosity,
  });
}

/** One Host per inventory name for a run. */
export class HostPool {
  private readonly hosts = new Map<string, Host>();

  constructor(private readonly opts: HostFactoryOptions) {}

  /** The host's Host, created on first use (vars of later calls are ignored). */
  get(name: string, vars: Record<string, unknown>): Host {
    let h = this.hosts.get(name);
    if (!h) {
      h = createHost(name, vars, this.opts);
      this.hosts.set(name, h);
    }
    return h;
  }

  has(name: string): boolean {
    return this.hosts.has(name);
  }

  /** Bytes each host's connections have read so far (the controller's share of a transfer). */
  bytesReceived(): Record<string, number> {
    return Object.fromEntries([...this.hosts].flatMap(([name, h]) => (h.bytesReceived ? [[name, h.bytesReceived()]] : [])));
  }

  /** Close every connection (errors ignored: this runs at the end, also after failures). */
  async closeAll(): Promise<void> {
    const all = [...this.hosts.values()];
    this.hosts.clear();
    await Promise.allSettled(all.map((h) => h.close()));
  }
}

/** Bad connection vars: every use fails as unreachable, with the reason (exit 4 like ssh's own errors). */
class BrokenHost implements Host {
  constructor(
    readonly name: string,
    private readonly reason: string,
  ) {}
  private fail(): never {
    throw new UnreachableError(this.name, this.reason);
  }
  async connect(): Promise<void> {
    this.fail();
  }
  async exec(): Promise<never> {
    this.fail();
  }
  spawn(): never {
    this.fail();
  }
  async putFile(): Promise<void> {
    this.fail();
  }
  async close(): Promise<void> {}
}
