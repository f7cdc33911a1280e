// putFile for any Host: content on stdin into a temp name in the target dir, owner/mode set,
// then rename, so readers never see a half-written file. Runs as the become user when given.
import { randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path/posix';
import type { Become, ExecOptions, ExecResult, Command } from './types.js';

export interface PutFileOptions {
  mode?: number;
  owner?: string;
  group?: string;
  become?: Become;
}

// $1 path, $2 temp path, $3 mode, $4 owner, $5 group. The temp file is removed on any failure.
const SCRIPT = [
  'set -e',
  'trap \'rm -f "$2"\' EXIT',
  'umask 077',
  'cat > "$2"',
  '[ -z "$4" ] || chown "$4" "$2"',
  '[ -z "$5" ] || chgrp "$5" "$2"',
  'chmod "$3" "$2"',
  'mv -f "$2" "$1"',
  'trap - EXIT',
].join('\n');

export function putFileCommand(path: string, opts: PutFileOptions = {}): Command {
  if (!path.startsWith('/')) throw new Error(`putFile needs an absolute path, got ${JSON.stringify(path)}`);
  const tmp = `${dirname(path)}/.${basename(path)}.stagesync-${randomBytes(6).toString('hex')}.tmp`;
  const mode = (opts.mode ?? 0o644).toString(8).padStart(4, '0');
  return { argv: ['/bin/sh', '-c', SCRIPT, 'sh', path, tmp, mode, opts.owner ?? '', opts.group ?? ''] };
}

export async function putFileVia(
  exec: (cmd: Command, o: ExecOptions) => Promise<ExecResult>,
  host: string,
  path: string,
  content: string | Buffer,
  opts: PutFileOptions = {},
): Promise<void> {
  const r = await exec(putFileCommand(path, opts), { stdin: content, become: opts.become });
  if (r.code !== 0) throw new Error(`${host}: could not write ${path}: ${r.stderr.trim() || `exit ${r.code}`}`);
}
