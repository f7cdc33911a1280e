// Become exactly as Ansible's sudo plugin: a random success marker echoed before the command
// proves sudo let us through; a password, if any, goes to sudo's stdin at a prompt we name.
import { randomBytes } from 'node:crypto';
import { quote } from '../util/shell.js';
import type { Become } from './types.js';

export interface BecomeWrap {
  /** The full command line to hand to /bin/sh (locally) or to the login shell (ssh). */
  line: string;
  /** `BECOME-SUCCESS-<rand>`: the first stdout line when sudo succeeded. */
  marker: string;
  /** The prompt sudo prints on stderr before reading the password (only with a password). */
  prompt?: string;
}

const DEFAULT_FLAGS = '-H -S -n';

/** Split become_flags like a shell would (whitespace; quotes group words). */
export function splitFlags(flags: string): string[] {
  const words: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (let m = re.exec(flags); m; m = re.exec(flags)) words.push(m[1] ?? m[2] ?? m[3]!);
  return words;
}

/**
 * Wrap an already-built command line (`inner`, a POSIX sh command) in sudo.
 * `rand` is injectable for tests; callers leave it out.
 */
export function wrapBecome(inner: string, become: Become, rand = randomBytes(16).toString('hex').slice(0, 32)): BecomeWrap {
  const method = become.method ?? 'sudo';
  if (method !== 'sudo') throw new Error(`become method ${JSON.stringify(method)} is not supported (only sudo)`);
  const marker = `BECOME-SUCCESS-${rand}`;
  let flags = splitFlags(become.flags ?? DEFAULT_FLAGS);
  let prompt: string | undefined;
  const promptArgs: string[] = [];
  if (become.password !== undefined && become.password !== '') {
    // As Ansible: with a password sudo must be allowed to ask (-n dropped) at a prompt we recognise.
    flags = flags.filter((f) => f !== '-n');
    prompt = `[sudo via ansible, key=${rand}] password:`;
    promptArgs.push('-p', prompt);
  }
  // From /: sudo keeps the login user's cwd (/root), which the target user cannot enter, and
  // PostgreSQL's tools then complain on every call (`could not change directory to "/root"`).
  const argv = ['sudo', ...flags, ...promptArgs, '-u', become.user, '/bin/sh', '-c', `echo ${marker} ; cd / ; ${inner}`];
  return { line: argv.map(quote).join(' '), marker, prompt };
}

/** What the handshake concluded from sudo's first output. */
export type BecomeState = 'waiting' | 'ok' | 'failed';

/**
 * Watches the first bytes of stdout for the marker line and stderr for sudo's password prompt.
 * Bytes before the marker are sudo's, not the command's: they are held back, never passed on.
 */
export class BecomeHandshake {
  state: BecomeState = 'waiting';
  private outHead = Buffer.alloc(0);
  private errHead = '';
  private prompts = 0;

  constructor(private readonly wrap: BecomeWrap) {}

  /** Feed stdout; returns the command's own bytes to pass on (empty while waiting). */
  stdout(chunk: Buffer): Buffer {
    if (this.state !== 'waiting') return chunk;
    this.outHead = Buffer.concat([this.outHead, chunk]);
    const nl = this.outHead.indexOf(0x0a);
    if (nl < 0) {
      // A marker line is short; a long line without one means sudo never ran our echo.
      if (this.outHead.length > 4096) this.state = 'failed';
      return Buffer.alloc(0);
    }
    const first = this.outHead.subarray(0, nl).toString('utf8').replace(/\r$/, '');
    if (first.trim() !== this.wrap.marker) {
      this.state = 'failed';
      return Buffer.alloc(0);
    }
    this.state = 'ok';
    const rest = this.outHead.subarray(nl + 1);
    this.outHead = Buffer.alloc(0);
    return rest;
  }

  /**
   * Feed stderr. Returns `{pass}` bytes for the consumer and `sendPassword` when sudo
   * is asking; a second prompt means the password was wrong.
   */
  stderr(chunk: Buffer): { pass: Buffer; sendPassword: boolean } {
    if (this.state !== 'waiting') return { pass: chunk, sendPassword: false };
    this.errHead += chunk.toString('utf8');
    let sendPassword = false;
    const prompt = this.wrap.prompt;
    if (prompt) {
      let at = this.errHead.indexOf(prompt);
      while (at >= 0) {
        this.prompts++;
        this.errHead = this.errHead.slice(0, at) + this.errHead.slice(at + prompt.length);
        if (this.prompts === 1) sendPassword = true;
        else this.state = 'failed';
        at = this.errHead.indexOf(prompt);
      }
    }
    return { pass: Buffer.alloc(0), sendPassword };
  }

  /** sudo's own stderr (prompts removed), to explain a failure or to pass on after success. */
  heldStderr(): string {
    return this.errHead;
  }

  /** One line for a BecomeError. */
  failureMessage(): string {
    const said = this.errHead
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && l !== 'Sorry, try again.')
      .join('; ');
    if (this.prompts > 1) return 'become failed: incorrect sudo password';
    return `become failed: ${said || 'sudo did not run the command (no success marker)'}`;
  }
}
