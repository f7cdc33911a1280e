// One error type for every step failure: the host, the step and what went wrong, with the
// command's output tail when there is one, and whether another attempt may succeed — decided
// where the error is made (a lost connection, PostgreSQL restarting), never from its text later.
// The run executor maps it to a failed host (exit 2).

export interface StepErrorOptions {
  /** Last lines of the command's stderr/stdout, for the report. */
  output?: string;
  /** Worth another attempt (stagesync_max_retry_count): the cause may pass by itself. */
  retryable?: boolean;
  cause?: unknown;
}

export class StepError extends Error {
  readonly output?: string;
  readonly retryable: boolean;
  constructor(
    readonly host: string,
    readonly step: string,
    message: string,
    opts: StepErrorOptions = {},
  ) {
    // The host and the step are fields: the output line shows them beside the message.
    super(`${message}${opts.output ? `\n${opts.output}` : ''}`, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'StepError';
    if (opts.output !== undefined) this.output = opts.output;
    this.retryable = opts.retryable ?? false;
  }
}

/**
 * This host's step could not go on because another host's failed (a destination restoring a
 * stream whose source failed): reported as skipped, the other host's failure says why.
 */
export class UpstreamFailed extends StepError {
  constructor(host: string, step: string, message: string) {
    super(host, step, message);
    this.name = 'UpstreamFailed';
  }
}

/** The destination lock could not be taken in time (another run holds it). */
export class LockTimeoutError extends StepError {
  constructor(host: string, message: string) {
    super(host, 'lock', message);
    this.name = 'LockTimeoutError';
  }
}

/** The last `lines` lines of a command's output (errors show the end, where the cause is). */
export function tail(text: string, lines = 20): string {
  const all = text.trimEnd().split('\n');
  return all.slice(-lines).join('\n');
}

/** The `retryable` flag an error was made with (transport, steps); none: not worth another attempt. */
export const isRetryable = (e: unknown): boolean => typeof e === 'object' && e !== null && (e as { retryable?: unknown }).retryable === true;

/** A stream to a host cut: its connection's own error, or the pipe broken under it (EPIPE, reset). */
export const brokenPipe = (e: unknown): boolean =>
  isRetryable(e) || ['EPIPE', 'ECONNRESET'].includes(String((e as NodeJS.ErrnoException | undefined)?.code));

/**
 * psql, pg_restore and pg_dump exit 2 when the connection to the server is bad or lost; the
 * server's own words (SQLSTATE 57P01-57P03: shutting down, starting up, in recovery) say it is
 * restarting. Both pass by themselves: the step is worth another attempt.
 */
export function pgRetryable(code: number | null, stderr: string): boolean {
  return code === 2 || /the database system is (starting up|shutting down|in recovery mode)|terminating connection due to administrator command|Connection refused/.test(stderr);
}
