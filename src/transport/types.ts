// What every step sees of a host: run a command, stream into/out of it. No ssh2 here.
import type { Readable, Writable } from 'node:stream';

export interface Become {
  /** OS user to become (sudo -u). */
  user: string;
  method?: 'sudo';
  /** Password for sudo, if any (never logged). */
  password?: string;
  flags?: string;
}

export interface ExecOptions {
  /** Run as another user (Ansible's become). */
  become?: Become;
  /** Data for the command's stdin; a stream is piped and ended by its source. */
  stdin?: string | Buffer | Readable;
  /** Environment for the command (passed safely, never interpolated). */
  env?: Record<string, string>;
  /** Kill the command and reject after this long. */
  timeoutMs?: number;
  /** Called with each chunk of output as it arrives (progress, -vvv). */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
  /** Abort the command (kills it, rejects with an AbortError). */
  signal?: AbortSignal;
  /**
   * A command run as the login user (no become) whose stdout is this command's stdin, on the
   * same host (`from | cmd`): e.g. an OpenSSH client that needs the login's forwarded agent.
   * Not with a sudo password (sudo would read it from that pipe).
   */
  stdinFrom?: Command;
  /** The stdinFrom command reads what is written to this one's stdin (else it reads nothing). */
  feedReadsStdin?: boolean;
}

export interface ExecResult {
  code: number | null;
  signal?: string;
  stdout: string;
  stderr: string;
}

/**
 * A command whose stdin/stdout are streams (for moving dumps host to host).
 * Read stdout (or resume() it): like a child process, the command cannot finish while its output
 * is unread. stderr is drained for you (unread stderr beyond 1 MiB is dropped). After kill(),
 * remaining output is discarded and stdout ends.
 * `done` rejects with UnreachableError, ConnectionLostError, BecomeError, CommandTimeoutError or
 * an AbortError; a non-zero exit resolves.
 */
export interface StreamingProcess {
  stdin: Writable;
  stdout: Readable;
  stderr: Readable;
  /**
   * Resolves when the command ends (non-zero codes resolve too; check `code`). `feedExit`: the
   * command given as `stdinFrom` failed with that status (its output stopped short).
   */
  done: Promise<{ code: number | null; signal?: string; stderr: string; feedExit?: number }>;
  kill(): void;
}

/** A command as argv (each word quoted by src/util/shell) — or a script given to `sh -c`. */
export type Command = { argv: readonly string[] } | { script: string };

/** How another host reaches this one with OpenSSH (a destination pulling from the source). */
export interface PeerAccess {
  /** The login user, host name and port the controller itself connects with. */
  user: string;
  hostname: string;
  port: number;
  /** The host key the controller accepted for this host, as `<type> <base64>`. */
  hostKey: string;
}

export interface Host {
  /** inventory_hostname */
  readonly name: string;
  /** Open the connection (idempotent); throws UnreachableError. */
  connect(): Promise<void>;
  /** Run a command to completion. Non-zero exit resolves with `code`; it does not throw. */
  exec(cmd: Command, opts?: ExecOptions): Promise<ExecResult>;
  /** Start a command with streaming stdio. */
  spawn(cmd: Command, opts?: Omit<ExecOptions, 'stdin' | 'onStdout' | 'onStderr'>): StreamingProcess;
  /** Write a file (content + owner/mode), atomically (temp name then rename). */
  putFile(path: string, content: string | Buffer, opts?: { mode?: number; owner?: string; group?: string; become?: Become }): Promise<void>;
  close(): Promise<void>;
  /** Over ssh: how another host reaches this one, as the controller does (connects first). */
  peer?(): Promise<PeerAccess>;
  /** Over ssh: bytes read from the network on this host's connections so far. */
  bytesReceived?(): number;
}

/** A failure of the transport to a host; `retryable`: another attempt may succeed (set here, where it is known). */
export abstract class HostError extends Error {
  abstract readonly retryable: boolean;
  constructor(
    readonly host: string,
    message: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** The host could not be reached or authenticated (exit 4). Another attempt may reach it (a network blip). */
export class UnreachableError extends HostError {
  readonly retryable = true;
}

/** The connection dropped while a command ran: its outcome is unknown (retryable; not "command failed"). */
export class ConnectionLostError extends HostError {
  readonly retryable = true;
}

/** Privilege escalation failed (no success marker): wrong/missing password, user not in sudoers… */
export class BecomeError extends HostError {
  readonly retryable = false;
}

/** The command was killed because ExecOptions.timeoutMs passed: a slow network or a busy host, worth another attempt. */
export class CommandTimeoutError extends HostError {
  readonly retryable = true;
  constructor(
    host: string,
    readonly timeoutMs: number,
  ) {
    super(host, `${host}: command timed out after ${Math.round(timeoutMs / 100) / 10}s and was killed`);
  }
}

/** The command was killed because ExecOptions.signal aborted. Name 'AbortError' as Node's own. */
export class CommandAbortedError extends HostError {
  readonly retryable = false;
  constructor(host: string) {
    super(host, `${host}: command aborted`);
    this.name = 'AbortError';
  }
}
