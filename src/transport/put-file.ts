// putFile for any Host: content on stdin into a temp name in the target dir, owner/mode set,
// then rename, so readers never see a half-written file. Runs as the become user when given.
import { randomBytes } from 'node:crypto';
import { basename, dirname } from 'node:path/posix';
import { hostScript } from '../util/host-scripts.js';
import type { Become, ExecOptions, ExecResult, Command } from './types.js';

export interface PutFileOptions {
  mode?: number;
  owner?: string;
  group?: string;
  become?: Become;
}

// scripts/host/put-file.sh: $1 path, $2 temp path, $3 mode, $4 owner, $5 group.
const SCRIPT = hostScript('put-file.sh');

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
