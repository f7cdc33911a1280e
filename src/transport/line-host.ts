// What the Hosts that run command lines share (ssh2 channels, the controller's /bin/sh): a
// Command built into one line (quoting, become, environment), its stdio as a StreamingProcess,
// exec and putFile on top of that. Each Host says how a line is started.
import { buildCommand } from './command.js';
import { collect, startProcess, type RawProcess } from './process.js';
import { putFileVia, type PutFileOptions } from './put-file.js';
import type { Command, ExecOptions, ExecResult, Host, StreamingProcess } from './types.js';

export abstract class LineHost implements Host {
  abstract readonly name: string;
  abstract connect(): Promise<void>;
  abstract close(): Promise<void>;
  /** Start one command line; `env`, when given, is the process's environment (not in the line). */
  protected abstract open(line: string, env: Record<string, string> | undefined): Promise<RawProcess>;
  /** The environment can go to the process itself without become (not visible in ps); over ssh it cannot. */
  protected readonly envToProcess: boolean = false;

  spawn(cmd: Command, o: Omit<ExecOptions, 'stdin' | 'onStdout' | 'onStderr'> = {}): StreamingProcess {
    const toProcess = this.envToProcess && !o.become;
    const built = buildCommand(cmd, { env: toProcess ? undefined : o.env, become: o.become, stdinFrom: o.stdinFrom, feedReadsStdin: o.feedReadsStdin });
    return startProcess(this.name, (line) => this.open(line, toProcess ? o.env : undefined), built, {
      timeoutMs: o.timeoutMs,
      signal: o.signal,
      password: o.become?.password,
    });
  }

  exec(cmd: Command, o: ExecOptions = {}): Promise<ExecResult> {
    return collect(this.spawn(cmd, o), o);
  }

  putFile(path: string, content: string | Buffer, o: PutFileOptions = {}): Promise<void> {
    return putFileVia((c, eo) => this.exec(c, eo), this.name, path, content, o);
  }
}
