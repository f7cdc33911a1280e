// Exit codes and error classes shared by every layer (docs/cli.md#exit-codes, ansible-playbook's).

export const ExitCode = {
  ok: 0,
  error: 1,
  hostFailed: 2,
  unreachable: 4,
  badInput: 5,
  interrupted: 99,
  unexpected: 250,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** Where a bad value came from: printed as `file:line: path: message`. */
export interface InputLocation {
  file?: string;
  line?: number;
  /** Variable path, e.g. `stagesync_copies[0].dest_bucket`. */
  path?: string;
}

/**
 * Anything the user can fix: bad inventory, vars, flags or files.
 * Printed as one line, never with a stack trace; exit 5 unless told otherwise.
 */
export class UserError extends Error {
  readonly location: InputLocation;
  readonly exitCode: ExitCode;
  constructor(message: string, location: InputLocation = {}, exitCode: ExitCode = ExitCode.badInput) {
    super(message);
    this.name = 'UserError';
    this.location = location;
    this.exitCode = exitCode;
  }

  /** `file:line: path: message`, leaving out what is unknown. */
  oneLine(): string {
    const { file, line, path } = this.location;
    const parts: string[] = [];
    if (file) parts.push(line ? `${file}:${line}` : file);
    if (path) parts.push(path);
    parts.push(this.message);
    return parts.join(': ');
  }
}

/** A host pattern (--limit) that matched nothing: exit 1 as ansible-playbook. */
export class NoHostsMatchedError extends UserError {
  constructor(pattern: string) {
    super(`no hosts matched the pattern ${JSON.stringify(pattern)}`, {}, ExitCode.error);
    this.name = 'NoHostsMatchedError';
  }
}
