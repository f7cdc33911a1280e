// The life of one command, whatever carries it (ssh channel or local child): become handshake,
// stdin gating, output streams, timeout/abort, and the final result. SshHost and LocalHost only
// supply a RawProcess.
import { PassThrough, Transform, type Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { BecomeHandshake } from './become.js';
import { feedFailure, type BuiltCommand } from './command.js';
import {
  BecomeError,
  CommandAbortedError,
  CommandTimeoutError,
  type ExecOptions,
  type ExecResult,
  type StreamingProcess,
} from './types.js';

export interface RawExit {
  code: number | null;
  signal?: string;
}

/** A started command as the carrier sees it. */
export interface RawProcess {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /** Settles when the command has ended; rejects when the carrier broke (ConnectionLostError). */
  exited: Promise<RawExit>;
  /** Stop the command (TERM, then KILL after a grace period); `exited` settles afterwards. */
  kill(): void;
}

export type RawOpener = (line: string) => Promise<RawProcess>;

export interface StartOptions {
  timeoutMs?: number;
  signal?: AbortSignal;
  password?: string;
}

/** Kept from stderr for `done.stderr` (the whole stderr is the consumer's to read). */
const STDERR_TAIL = 64 * 1024;
/** Unread stderr beyond this is dropped rather than stalling the remote command. */
const STDERR_UNREAD_MAX = 1024 * 1024;

const noop = (): void => {};

export function startProcess(host: string, open: RawOpener, built: BuiltCommand, opts: StartOptions = {}): StreamingProcess {
  const stdin = new PassThrough();
  const stderr = new PassThrough();
  const hs = built.become ? new BecomeHandshake(built.become) : undefined;
  let raw: RawProcess | undefined;
  let failure: Error | undefined; // why we killed it (timeout, abort, become)
  let tail = '';
  let gateOpen = false;
  let killed = false; // kill() before the carrier was open
  const keepTail = (b: Buffer | string): void => {
    tail = (tail + b.toString()).slice(-STDERR_TAIL);
  };
  const passStderr = (b: Buffer): void => {
    if (b.length === 0) return;
    keepTail(b);
    if (stderr.writableLength < STDERR_UNREAD_MAX) stderr.write(b);
  };
  const openGate = (): void => {
    if (gateOpen || !raw) return;
    gateOpen = true;
    stdin.pipe(raw.stdin);
  };
  const stop = (why?: Error): void => {
    if (why && !failure) failure = why;
    if (!raw) return; // open() still running: run() kills it as soon as it exists
    raw.kill();
    // Output after a kill is meaningless; drain it so the carrier can close even when the
    // consumer stopped reading (an ssh channel only reports close once its output is read).
    raw.stdout.unpipe(stdout);
    raw.stdout.resume();
    stdout.end();
  };

  const stdout = new Transform({
    transform(chunk: Buffer, _enc, cb) {
      if (!hs) return cb(null, chunk);
      const was = hs.state;
      const pass = hs.stdout(chunk);
      if (was === 'waiting' && hs.state === 'ok') {
        passStderr(Buffer.from(hs.heldStderr()));
        openGate();
      } else if (hs.state === 'failed') stop(new BecomeError(host, hs.failureMessage()));
      cb(null, pass);
    },
  });
  for (const s of [stdin, stdout, stderr]) s.on('error', noop);

  let timer: NodeJS.Timeout | undefined;
  const onAbort = (): void => stop(new CommandAbortedError(host));

  const run = async (): Promise<Awaited<StreamingProcess['done']>> => {
    if (opts.signal?.aborted) throw new CommandAbortedError(host);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    if (opts.timeoutMs) timer = setTimeout(() => stop(new CommandTimeoutError(host, opts.timeoutMs!)), opts.timeoutMs);
    raw = await open(built.line);
    raw.stdin.on('error', noop); // EPIPE when the command exits before reading all input
    raw.stdout.pipe(stdout);
    if (failure || killed) stop();
    raw.stderr.on('data', (chunk: Buffer) => {
      if (!hs) return passStderr(chunk);
      const { pass, sendPassword } = hs.stderr(chunk);
      if (sendPassword) raw!.stdin.write(opts.password + '\n');
      if (hs.state === 'failed') stop(new BecomeError(host, hs.failureMessage()));
      passStderr(pass);
    });
    const stderrEnded = new Promise<void>((res) => raw!.stderr.once('end', res).once('close', res));
    if (!hs) openGate();
    const exit = await raw.exited;
    if (hs?.state === 'waiting' && !raw.stdout.readableEnded) {
      // The marker may still be in flight behind the exit status.
      await new Promise<void>((res) => {
        raw!.stdout.once('end', res).once('close', res);
        setTimeout(res, 2000).unref();
      });
    }
    await Promise.race([stderrEnded, new Promise((r) => setTimeout(r, 2000).unref())]);
    stderr.end();
    if (failure) throw failure;
    if (hs && hs.state !== 'ok') throw new BecomeError(host, hs.failureMessage());
    return { code: exit.code, signal: exit.signal, ...(built.fed ? feedFailure(tail) : { stderr: tail }) };
  };

  const done = run().then(
    (r) => {
      cleanup();
      return r;
    },
    (err: Error) => {
      cleanup();
      for (const s of [stdin, stdout, stderr]) s.destroy(err);
      throw err;
    },
  );
  const cleanup = (): void => {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onAbort);
    if (!gateOpen) stdin.resume(); // nobody will read it: let writers finish
  };
  done.catch(noop); // the caller awaits it; an unawaited rejection must not crash the process

  const kill = (): void => {
    killed = true;
    stop();
  };
  return { stdin, stdout, stderr, done, kill };
}

/** Run to completion, collecting output (exec() of both hosts). */
export async function collect(proc: StreamingProcess, opts: ExecOptions = {}): Promise<ExecResult> {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const outEnded = new Promise<void>((res) => proc.stdout.once('end', res).once('close', res));
  const errEnded = new Promise<void>((res) => proc.stderr.once('end', res).once('close', res));
  proc.stdout.on('data', (c: Buffer) => {
    out.push(c);
    opts.onStdout?.(c);
  });
  proc.stderr.on('data', (c: Buffer) => {
    err.push(c);
    opts.onStderr?.(c);
  });
  const input = opts.stdin;
  if (input === undefined) proc.stdin.end();
  else if (typeof input === 'string' || Buffer.isBuffer(input)) proc.stdin.end(input);
  else pipeline(input, proc.stdin).catch(noop);
  const r = await proc.done;
  await Promise.all([outEnded, errEnded]);
  return {
    code: r.code,
    ...(r.signal ? { signal: r.signal } : {}),
    stdout: Buffer.concat(out).toString('utf8'),
    stderr: Buffer.concat(err).toString('utf8'),
  };
}
