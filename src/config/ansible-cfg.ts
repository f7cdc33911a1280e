// ansible.cfg as Ansible finds and reads it (Ansible's config manager): the first file found wins,
// ANSIBLE_<KEY> environment variables override it; CLI flags (the caller's job) beat both.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { UserError } from '../errors.js';
import { displayPath } from '../util/display-path.js';
import { parseCfg, type CfgSections } from './configparser.js';

export interface AnsibleConfigOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  home?: string;
  /** The system-wide file (default /etc/ansible/ansible.cfg); tests point it elsewhere. */
  systemFile?: string;
}

export interface AnsibleSettings {
  /** [defaults] inventory, absolute paths (relative ones resolved against the cfg's directory). */
  inventory?: string[];
  forks: number;
  host_key_checking: boolean;
  remote_user?: string;
  private_key_file?: string;
  timeout: number;
  remote_port?: number;
}

/** The effective settings, plus where they came from. */
export interface AnsibleConfig extends AnsibleSettings {
  /** The ansible.cfg used, if any. */
  file?: string;
  /** Raw `[section] key` lookup in the file (no env override), e.g. get('ssh_connection', 'ssh_args'). */
  get(section: string, key: string): string | undefined;
  warnings: string[];
}

/** Locates ansible.cfg: $ANSIBLE_CONFIG (file or dir), ./ansible.cfg unless cwd is world-writable, ~/.ansible.cfg, system. */
export function findAnsibleConfig(opts: AnsibleConfigOptions = {}): { file?: string; warnings: string[] } {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const home = opts.home ?? homedir();
  const warnings: string[] = [];
  const candidates: string[] = [];
  let envFile: string | undefined;
  if (env.ANSIBLE_CONFIG !== undefined) {
    envFile = resolve(cwd, expandHome(env.ANSIBLE_CONFIG, home));
    if (isDir(envFile)) envFile = join(envFile, 'ansible.cfg');
    candidates.push(envFile);
  }
  const cwdCfg = join(cwd, 'ansible.cfg');
  let skippedPublic = false;
  try {
    if (statSync(cwd).mode & 0o002) skippedPublic = existsSync(cwdCfg);
    else candidates.push(cwdCfg);
  } catch {
    /* an unreadable cwd has no ansible.cfg for us */
  }
  candidates.push(join(home, '.ansible.cfg'), opts.systemFile ?? '/etc/ansible/ansible.cfg');
  const file = candidates.find(readable);
  if (skippedPublic && (envFile === undefined || file !== envFile)) {
    warnings.push(`ansible is being run in a world writable directory (${cwd}), ignoring it as an ansible.cfg source`);
  }
  return { file, warnings };
}

/**
 * Reads the effective settings: defaults < ansible.cfg [defaults] < ANSIBLE_<KEY> environment.
 * @throws UserError naming the file and line for a malformed ansible.cfg or a non-numeric number.
 */
export function readAnsibleConfig(opts: AnsibleConfigOptions = {}): AnsibleConfig {
  const cwd = opts.cwd ?? process.cwd();
  const env = opts.env ?? process.env;
  const home = opts.home ?? homedir();
  const { file, warnings } = findAnsibleConfig(opts);
  const shown = file ? displayPath(file, cwd) : undefined;
  const sections: CfgSections = file ? parseCfg(readFileSync(file, 'utf8'), shown!) : new Map();
  const defaults = sections.get('defaults');

  /** The value and the directory relative paths in it are taken from. */
  const lookup = (key: string): { value: string; base: string; where: string; line?: number } | undefined => {
    const fromEnv = env[`ANSIBLE_${key.toUpperCase()}`];
    if (fromEnv !== undefined) return { value: fromEnv, base: cwd, where: `ANSIBLE_${key.toUpperCase()}` };
    const entry = defaults?.get(key);
    // Ansible unquotes string values read from an ini file (`remote_user = "deploy"`).
    if (entry && file) return { value: unquote(entry.value), base: dirname(file), where: shown!, line: entry.line };
    return undefined;
  };
  const int = (key: string): number | undefined => {
    const v = lookup(key);
    // An empty environment variable means "use the default" for a number, as in Ansible.
    if (!v || (v.value === '' && v.where.startsWith('ANSIBLE_'))) return undefined;
    if (!/^\s*-?\d+\s*$/.test(v.value)) throw new UserError(`${key} must be an integer, got '${v.value}'`, { file: v.where, line: v.line });
    return Number(v.value);
  };
  const path = (key: string): string | undefined => {
    const v = lookup(key);
    return v && v.value.trim() ? resolve(v.base, expandHome(v.value.trim(), home)) : undefined;
  };
  const inv = lookup('inventory');
  const hkc = lookup('host_key_checking');
  const settings: AnsibleSettings = {
    inventory: inv
      ? inv.value.split(',').map((s) => s.trim()).filter(Boolean).map((p) => (p.includes(',') ? p : resolve(inv.base, expandHome(p, home))))
      : undefined,
    forks: int('forks') ?? 5,
    host_key_checking: hkc ? ansibleBoolean(hkc.value) : true,
    remote_user: lookup('remote_user')?.value || undefined,
    private_key_file: path('private_key_file'),
    timeout: int('timeout') ?? 10,
    remote_port: int('remote_port'),
  };
  return {
    ...settings,
    file,
    get: (section, key) => sections.get(section)?.get(key.toLowerCase())?.value,
    warnings,
  };
}

/** Ansible's boolean(strict=False): y/yes/on/1/true/t (any case) are true, everything else false. */
export function ansibleBoolean(value: string): boolean {
  return ['y', 'yes', 'on', '1', 'true', 't', '1.0'].includes(value.trim().toLowerCase());
}

function unquote(v: string): string {
  return v.length > 1 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0] ? v.slice(1, -1) : v;
}

function expandHome(p: string, home: string): string {
  return p === '~' ? home : p.startsWith('~/') ? join(home, p.slice(2)) : p;
}

function isDir(p: string): boolean {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function readable(p: string): boolean {
  try {
    accessSync(p, constants.R_OK);
    return statSync(p).isFile();
  } catch {
    return false;
  }
}
