// What the lab needs from the machine. openssh-server and sudo are installed with apt when missing
// (a fresh CI machine has neither); everything else is expected and reported clearly.
import { execa } from 'execa';
import { existsSync } from 'node:fs';

const PG_BIN = '/usr/lib/postgresql/15/bin';

function missingApt(): string[] {
  const need: string[] = [];
  if (!existsSync('/usr/sbin/sshd')) need.push('openssh-server');
  if (!existsSync('/usr/bin/sudo')) need.push('sudo');
  return need;
}

export async function ensureDeps(): Promise<void> {
  if (process.getuid?.() !== 0) throw new Error('lab: must run as root (it starts sshd and PostgreSQL inside mount namespaces)');
  const need = missingApt();
  if (need.length) {
    console.error(`lab: installing ${need.join(' ')} with apt-get`);
    const env = { DEBIAN_FRONTEND: 'noninteractive' };
    try {
      await execa('apt-get', ['update', '-qq'], { env });
      await execa('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...need], { env });
    } catch (e) {
      throw new Error(`lab: could not install ${need.join(' ')} (apt-get install -y ${need.join(' ')}): ${(e as Error).message}`);
    }
    const still = missingApt();
    if (still.length) throw new Error(`lab: ${still.join(' ')} still missing after apt-get; install it by hand`);
  }
  const checks: [string, string][] = [
    [`${PG_BIN}/initdb`, 'PostgreSQL 15 server binaries (apt-get install postgresql-15)'],
    [`${PG_BIN}/psql`, 'PostgreSQL 15 client (apt-get install postgresql-client-15)'],
    ['/usr/bin/unshare', 'unshare (util-linux)'],
    ['/usr/bin/nsenter', 'nsenter (util-linux)'],
    ['/usr/bin/ssh-keygen', 'ssh-keygen (openssh-client)'],
    ['/usr/bin/ssh', 'ssh (openssh-client)'],
  ];
  for (const [path, what] of checks) {
    if (!existsSync(path)) throw new Error(`lab: ${path} is missing: install ${what}`);
  }
  try {
    await execa('id', ['-u', 'postgres']);
  } catch {
    throw new Error('lab: no `postgres` OS user (it comes with the postgresql-15 package)');
  }
}
