// sha256 of a dump on a host. OpenSSL's where the host has it (with the CPU's SHA extensions it
// takes a third of the CPU of coreutils' sha256sum, and the hashing after a stream competes with
// the restore for the same CPUs), else sha256sum. Both print the hex digest first.
import type { Host } from '../transport/types.js';
import { StepError, tail } from './errors.js';
import { becomeOf } from './sql.js';

/** Shell: the sha256 of stdin, as `<hex> …` on stdout. */
export const SHA256_OF_STDIN = '{ if command -v openssl >/dev/null 2>&1; then openssl dgst -sha256 -r; else sha256sum; fi; }';

const HEX = /^[0-9a-f]{64}$/;

/** sha256 and size of a file, read as the backup user. */
export async function fileDigest(host: Host, user: string, path: string, step: string): Promise<{ sha256: string; size: number }> {
  const r = await host.exec({ argv: ['sh', '-c', `${SHA256_OF_STDIN} < "$1" && stat -c %s -- "$1"`, 'sh', path] }, { become: becomeOf(user) });
  const [sumLine = '', sizeLine = ''] = r.stdout.trim().split('\n');
  const sha256 = sumLine.split(' ')[0]!;
  if (r.code !== 0 || !HEX.test(sha256) || !/^\d+$/.test(sizeLine)) throw new StepError(host.name, step, `cannot read ${path}`, { output: tail(r.stderr) });
  return { sha256, size: Number(sizeLine) };
}
