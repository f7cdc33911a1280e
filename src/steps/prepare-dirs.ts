// Directories the backup user must write but often cannot create (/opt/backups/postgres,
// /var/lib/postgresql/scripts): made as root, owned by the backup user, as the Stage Sync role's
// `file:` tasks do with become. Existing directories are left exactly as they are.
import type { Host } from '../transport/types.js';
import { StepError, tail } from './errors.js';

const SCRIPT = 'for d in "$@"; do [ -d "$d" ] || install -d -o "$OWNER" -g "$GROUP" -m 0750 "$d" || exit 1; done';

export async function prepareDirs(host: Host, p: { dirs: string[]; owner: string; group: string; step?: string }): Promise<void> {
  const dirs = [...new Set(p.dirs)].filter(Boolean);
  if (dirs.length === 0) return;
  // As root: the backup user usually has no right to create them (hence the become).
  const r = await host.exec({ argv: ['env', `OWNER=${p.owner}`, `GROUP=${p.group}`, 'sh', '-c', SCRIPT, 'sh', ...dirs] }, { become: { user: 'root' } });
  if (r.code !== 0) throw new StepError(host.name, p.step ?? 'backup', `cannot create ${dirs.join(', ')} for ${p.owner}`, { output: tail(r.stderr || r.stdout) });
}
