// ~/.ssh/config (then /etc/ssh/ssh_config) resolved for one host the way `ssh -G` does the parts
// we use. The ssh-config package parses and matches; reading files, Include, `~`/`%` expansion
// and OpenSSH's defaults are ours.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { userInfo } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import SSHConfig from 'ssh-config';

export interface SshConfigEnv {
  /** The controller user's HOME (process.env.HOME). */
  home: string;
  /** Local user name (%u; default remote user). */
  localUser: string;
  /** System-wide config; null to ignore it (tests). */
  systemConfig?: string | null;
}

export function defaultConfigEnv(): SshConfigEnv {
  const home = process.env.HOME || userInfo().homedir;
  return { home, localUser: process.env.USER || userInfo().username, systemConfig: '/etc/ssh/ssh_config' };
}

/** The result for one host: what we need to connect. */
export interface ResolvedSsh {
  /** The name looked up (Host patterns matched against it). */
  alias: string;
  hostname: string;
  port: number;
  user: string;
  /** Expanded; the connect layer uses the ones that exist. */
  identityFiles: string[];
  /** True when IdentityFile came from config (not OpenSSH's default list). */
  identityFilesExplicit: boolean;
  identitiesOnly: boolean;
  /** `none` or absent = direct. Comma list of [user@]host[:port]. */
  proxyJump?: string;
  userKnownHostsFiles: string[];
  globalKnownHostsFiles: string[];
  hostKeyAlias?: string;
  strictHostKeyChecking?: 'yes' | 'accept-new' | 'no';
  forwardAgent: boolean;
  /** IdentityAgent socket (none = no agent); else SSH_AUTH_SOCK. */
  identityAgent?: string;
  connectTimeoutSec?: number;
  /** Not supported by us; dial() refuses it rather than silently connecting directly. */
  proxyCommand?: string;
  serverAliveIntervalSec?: number;
  serverAliveCountMax?: number;
}

/** Values given on the "command line" (ansible_* vars as `-o`): they beat the config files. */
export interface SshOverrides {
  hostname?: string;
  port?: number;
  user?: string;
  identityFiles?: string[];
  proxyJump?: string;
  forwardAgent?: boolean;
  userKnownHostsFiles?: string[];
  strictHostKeyChecking?: 'yes' | 'accept-new' | 'no';
  connectTimeoutSec?: number;
}

const INCLUDE = /^\s*include(?:\s*=\s*|\s+)(.+?)\s*$/i;

function expandTilde(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p;
}

/** Files named by one Include word: relative to ~/.ssh (user) or /etc/ssh (system); `*`/`?` globs in the last part. */
function includeFiles(word: string, base: string, home: string): string[] {
  let p = expandTilde(word, home);
  if (!isAbsolute(p)) p = join(base, p);
  const dir = dirname(p);
  const pat = basename(p);
  if (!/[*?[]/.test(pat)) return existsSync(p) ? [p] : [];
  if (!existsSync(dir)) return [];
  const re = new RegExp('^' + pat.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$');
  return readdirSync(dir)
    .filter((f) => re.test(f) && !f.startsWith('.'))
    .sort()
    .map((f) => join(dir, f));
}

/** The config text with every Include replaced by the included files' text (depth-limited like OpenSSH). */
export function inlineIncludes(text: string, base: string, home: string, depth = 0): string {
  if (depth > 16) throw new Error('ssh config: Include nested too deeply');
  return text
    .split(/\r?\n/)
    .map((line) => {
      const m = INCLUDE.exec(line);
      if (!m) return line;
      const words = m[1]!.match(/"[^"]*"|\S+/g) ?? [];
      return words
        .flatMap((w) => includeFiles(w.replace(/^"|"$/g, ''), base, home))
        .map((f) => inlineIncludes(readFileSync(f, 'utf8'), base, home, depth + 1))
        .join('\n');
    })
    .join('\n');
}

/** User config then system config, as one text (first value wins, so the user's come first). */
export function loadConfigText(env: SshConfigEnv): string {
  const parts: string[] = [];
  const user = join(env.home, '.ssh', 'config');
  if (existsSync(user)) parts.push(inlineIncludes(readFileSync(user, 'utf8'), join(env.home, '.ssh'), env.home));
  const sys = env.systemConfig === undefined ? '/etc/ssh/ssh_config' : env.systemConfig;
  if (sys && existsSync(sys)) {
    // A fresh `Host *` so the user file's last section does not swallow the system lines.
    parts.push('Host *\n' + inlineIncludes(readFileSync(sys, 'utf8'), dirname(sys), env.home));
  }
  return parts.join('\n');
}

/** %-tokens of ssh_config(5) that make sense here; unknown ones are left as they are. */
export function expandTokens(s: string, t: { h: string; p: number; r: string; u: string; d: string; n: string }): string {
  return s.replace(/%([%hprudn])/g, (_m, c: string) =>
    c === '%' ? '%' : c === 'p' ? String(t.p) : (t as unknown as Record<string, string>)[c]!,
  );
}

const first = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[0] : v);
const list = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : v.split(/\s+/).filter(Boolean));
const yes = (v: string | undefined): boolean | undefined => (v === undefined ? undefined : /^(yes|true)$/i.test(v));

function strictOf(v: string | undefined): ResolvedSsh['strictHostKeyChecking'] {
  if (v === undefined) return undefined;
  const s = v.toLowerCase();
  if (s === 'no' || s === 'off') return 'no';
  if (s === 'accept-new') return 'accept-new';
  return 'yes'; // yes, ask (no terminal to ask on)
}

const DEFAULT_IDS = ['id_rsa', 'id_ecdsa', 'id_ecdsa_sk', 'id_ed25519', 'id_ed25519_sk'];

/** Resolve `alias` against the config text, overrides first (they win, as `-o` on ssh's command line). */
export function resolveSsh(alias: string, text: string, env: SshConfigEnv, o: SshOverrides = {}): ResolvedSsh {
  const cfg = SSHConfig.parse(text);
  const c = o.user ? cfg.compute({ Host: alias, User: o.user }, { ignoreCase: true }) : cfg.compute(alias, { ignoreCase: true });
  const hostname = o.hostname ?? first(c.hostname) ?? alias;
  const port = o.port ?? (first(c.port) ? Number(first(c.port)) : 22);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`ssh config: bad port for ${alias}: ${first(c.port)}`);
  const user = o.user ?? first(c.user) ?? env.localUser;
  // HostName itself may use %h (the alias).
  const tok = { h: expandTokens(hostname, { h: alias, p: port, r: user, u: env.localUser, d: env.home, n: alias }), p: port, r: user, u: env.localUser, d: env.home, n: alias };
  const path = (p: string): string => expandTilde(expandTokens(p, tok), env.home);

  const cfgIds = list(c.identityfile);
  const explicit = (o.identityFiles?.length ?? 0) > 0 || cfgIds.length > 0;
  const ids = explicit ? [...(o.identityFiles ?? []), ...cfgIds] : DEFAULT_IDS.map((n) => `~/.ssh/${n}`);
  const ukh = o.userKnownHostsFiles ?? list(c.userknownhostsfile);
  const gkh = list(c.globalknownhostsfile);
  const num = (v: string | string[] | undefined): number | undefined => (first(v) !== undefined ? Number(first(v)) : undefined);
  const jump = o.proxyJump ?? first(c.proxyjump);

  return {
    alias,
    hostname: tok.h,
    port,
    user,
    identityFiles: [...new Set(ids.map(path))],
    identityFilesExplicit: explicit,
    identitiesOnly: yes(first(c.identitiesonly)) ?? false,
    ...(jump && jump.toLowerCase() !== 'none' ? { proxyJump: jump } : {}),
    userKnownHostsFiles: (ukh.length ? ukh : ['~/.ssh/known_hosts', '~/.ssh/known_hosts2']).map(path),
    globalKnownHostsFiles: (gkh.length ? gkh : ['/etc/ssh/ssh_known_hosts', '/etc/ssh/ssh_known_hosts2']).map(path),
    ...(first(c.hostkeyalias) ? { hostKeyAlias: first(c.hostkeyalias) } : {}),
    ...((o.strictHostKeyChecking ?? strictOf(first(c.stricthostkeychecking)))
      ? { strictHostKeyChecking: o.strictHostKeyChecking ?? strictOf(first(c.stricthostkeychecking)) }
      : {}),
    forwardAgent: o.forwardAgent ?? yes(first(c.forwardagent)) ?? false,
    ...(first(c.identityagent) ? { identityAgent: path(first(c.identityagent)!) } : {}),
    ...(o.connectTimeoutSec ?? num(c.connecttimeout) ? { connectTimeoutSec: o.connectTimeoutSec ?? num(c.connecttimeout) } : {}),
    ...(first(c.proxycommand) && first(c.proxycommand)!.toLowerCase() !== 'none' && !(jump && jump.toLowerCase() !== 'none')
      ? { proxyCommand: first(c.proxycommand) }
      : {}),
    ...(num(c.serveraliveinterval) ? { serverAliveIntervalSec: num(c.serveraliveinterval) } : {}),
    ...(num(c.serveralivecountmax) ? { serverAliveCountMax: num(c.serveralivecountmax) } : {}),
  };
}

/** One ProxyJump hop: `[user@]host[:port]` (also ssh:// URIs). */
export function parseJump(hop: string): { host: string; user?: string; port?: number } {
  let s = hop.trim().replace(/^ssh:\/\//, '');
  let user: string | undefined;
  const at = s.lastIndexOf('@');
  if (at >= 0) {
    user = s.slice(0, at);
    s = s.slice(at + 1);
  }
  let port: number | undefined;
  const v6 = /^\[(.+)\](?::(\d+))?$/.exec(s);
  if (v6) {
    s = v6[1]!;
    if (v6[2]) port = Number(v6[2]);
  } else {
    const m = /^(.*):(\d+)$/.exec(s);
    if (m) {
      s = m[1]!;
      port = Number(m[2]);
    }
  }
  return { host: s, ...(user ? { user } : {}), ...(port ? { port } : {}) };
}
