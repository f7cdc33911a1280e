// One error type for every step failure: the host, the step and what went wrong, with the
// command's output tail when there is one. The run executor maps it to a failed host (exit 2).

export class StepError extends Error {
  constructor(
    readonly host: string,
    readonly step: string,
    message: string,
    /** Last lines of the command's stderr/stdout, for the report. */
    readonly output?: string,
  ) {
    super(`${host}: ${step}: ${message}${output ? `\n${output}` : ''}`);
    this.name = 'StepError';
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
