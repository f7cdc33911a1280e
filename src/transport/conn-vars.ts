// Ansible's connection variables (docs/variables.md) turned into what the transport needs. They act as
// `-o` options on ssh's command line, so they beat ~/.ssh/config; within them OpenSSH's rule
// "first value wins" holds: ansible_port/user/key first, then ssh_common_args, then ssh_extra_args.
import { splitFlags } from './become.js';
import type { SshOverrides } from './ssh-config.js';
import type { Become } from './types.js';

export interface ConnectionSpec {
  local: boolean;
  /** The name ssh looks up in its config: ansible_host, else the inventory name. */
  alias: string;
  overrides: SshOverrides;
  /** ansible_password / ansible_ssh_pass */
  password?: string;
  /** ansible_timeout / ansible_ssh_timeout (seconds), beats the ansible.cfg value. */
  timeoutSec?: number;
  /** Options we cannot honour (ProxyCommand): connecting fails with this reason. */
  unsupported?: string;
}

const LOCAL_NAMES = new Set(['localhost', '127.0.0.1', '::1']);

const str = (v: unknown): string | undefined => (v === undefined || v === null || v === '' ? undefined : String(v));

function num(name: string, v: unknown): number | undefined {
  const s = str(v);
  if (s === undefined) return undefined;
  const n = Number(s);
  if (!Number.isInteger(n) || n <= 0) throw new Error(`${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

function strictOf(v: string): SshOverrides['strictHostKeyChecking'] {
  const s = v.toLowerCase();
  return s === 'no' || s === 'off' ? 'no' : s === 'accept-new' ? 'accept-new' : 'yes';
}

/** Fold ssh command-line words (-o K=V, -J, -A, -p, -l, -i) into `o` where not already set. */
export function applySshArgs(o: SshOverrides & { proxyCommand?: string }, args: string): void {
  const w = splitFlags(args);
  const set = <K extends keyof typeof o>(k: K, v: (typeof o)[K]): void => {
    if (o[k] === undefined) o[k] = v;
  };
  const option = (kv: string): void => {
    const m = /^\s*([A-Za-z]+)\s*(?:=\s*|\s+)(.*)$/.exec(kv);
    if (!m) return;
    const key = m[1]!.toLowerCase();
    const val = m[2]!.trim();
    if (key === 'proxyjump') set('proxyJump', val);
    else if (key === 'port') set('port', Number(val));
    else if (key === 'user') set('user', val);
    else if (key === 'hostname') set('hostname', val);
    else if (key === 'identityfile') o.identityFiles = [...(o.identityFiles ?? []), val];
    else if (key === 'forwardagent') set('forwardAgent', /^(yes|true)$/i.test(val));
    else if (key === 'userknownhostsfile') set('userKnownHostsFiles', val.split(/\s+/));
    else if (key === 'stricthostkeychecking') set('strictHostKeyChecking', strictOf(val));
    else if (key === 'connecttimeout') set('connectTimeoutSec', Number(val));
    else if (key === 'proxycommand') set('proxyCommand', val);
    // Others (ControlMaster, ServerAlive*, Compression, …) have no meaning for us or are defaults.
  };
  for (let i = 0; i < w.length; i++) {
    const a = w[i]!;
    const next = (): string => w[++i] ?? '';
    if (a === '-A') set('forwardAgent', true);
    else if (a === '-a') set('forwardAgent', false);
    else if (a === '-o') option(next());
    else if (a.startsWith('-o')) option(a.slice(2));
    else if (a === '-J') set('proxyJump', next());
    else if (a.startsWith('-J')) set('proxyJump', a.slice(2));
    else if (a === '-p') set('port', Number(next()));
    else if (a === '-l') set('user', next());
    else if (a === '-i') o.identityFiles = [...(o.identityFiles ?? []), next()];
  }
}

/** How to reach inventory host `name` given its resolved vars. */
export function connectionFromVars(name: string, vars: Record<string, unknown>): ConnectionSpec {
  const conn = str(vars.ansible_connection);
  const local = conn === 'local' || (conn === undefined && LOCAL_NAMES.has(name));
  const o: SshOverrides & { proxyCommand?: string } = {};
  const port = num('ansible_port', vars.ansible_port ?? vars.ansible_ssh_port);
  if (port !== undefined) o.port = port;
  const user = str(vars.ansible_user ?? vars.ansible_ssh_user);
  if (user) o.user = user;
  const key = str(vars.ansible_ssh_private_key_file ?? vars.ansible_private_key_file);
  if (key) o.identityFiles = [key];
  applySshArgs(o, str(vars.ansible_ssh_common_args) ?? '');
  applySshArgs(o, str(vars.ansible_ssh_extra_args) ?? '');
  const { proxyCommand, ...overrides } = o;
  if (overrides.port !== undefined && !(Number.isInteger(overrides.port) && overrides.port > 0 && overrides.port < 65536)) {
    throw new Error(`bad ssh port for ${name}: ${overrides.port}`);
  }
  const password = str(vars.ansible_password ?? vars.ansible_ssh_pass ?? vars.ansible_ssh_password);
  const timeoutSec = num('ansible_timeout', vars.ansible_timeout ?? vars.ansible_ssh_timeout);
  return {
    local,
    alias: str(vars.ansible_host ?? vars.ansible_ssh_host) ?? name,
    overrides,
    ...(password !== undefined ? { password } : {}),
    ...(timeoutSec !== undefined ? { timeoutSec } : {}),
    ...(proxyCommand ? { unsupported: `ProxyCommand is not supported (use ProxyJump): ${proxyCommand}` } : {}),
  };
}

/**
 * The Become for running as `user` on this host, with the host's ansible_become_* settings
 * (method, password, flags). `user` defaults to ansible_become_user, then root.
 */
export function becomeFromVars(vars: Record<string, unknown>, user?: string): Become {
  const method = str(vars.ansible_become_method) ?? 'sudo';
  if (method !== 'sudo') throw new Error(`ansible_become_method ${JSON.stringify(method)} is not supported (only sudo)`);
  const password = str(vars.ansible_become_password ?? vars.ansible_become_pass ?? vars.ansible_sudo_pass);
  const flags = str(vars.ansible_become_flags);
  return {
    user: user ?? str(vars.ansible_become_user) ?? 'root',
    method: 'sudo',
    ...(password !== undefined ? { password } : {}),
    ...(flags !== undefined ? { flags } : {}),
  };
}
