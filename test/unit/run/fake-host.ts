// A Host (src/transport/types.ts) with scripted results, for fast tests of the run layer without
// the lab: each command is answered by the first rule whose `match` accepts it; a rule may answer
// with a result, an error (a lost connection...), or a function of the call. Every call is
// recorded, so a test can say what ran where. Unmatched commands succeed with no output.
import { PassThrough, Readable } from 'node:stream';
import type { Command, ExecOptions, ExecResult, Host, StreamingProcess } from '../../../src/transport/types.js';

export interface FakeCall {
  host: string;
  /** The argv joined with spaces, or the script. */
  text: string;
  argv: readonly string[];
  /** As whom (become), or undefined for the login user. */
  user?: string;
  /** stdin given as text (exec), or what a spawned command was fed. */
  stdin: string;
  kind: 'exec' | 'spawn' | 'putFile' | 'connect';
  /** A spawned command's stdin was ended by the caller (a lock session released). */
  stdinEnded?: boolean;
}

/** What a scripted command answers; nothing means exit 0 with no output. */
export type Answer = Partial<ExecResult> | Error | void;

/** A spawned command played by the test: reads what it is fed, writes its output, ends. */
export interface Played {
  /** Called with each line written to stdin; what it returns (if anything) goes to stdout. */
  onLine?: (line: string) => string | undefined;
  /** Bytes the command writes to stdout at once (then it ends, unless `onLine` is set). */
  stdout?: Buffer | string;
  /** Called when stdin ends, with everything it was fed; returns the exit. */
  onEnd?: (fed: Buffer) => Answer;
}

export interface Rule {
  match: (c: FakeCall) => boolean;
  exec?: (c: FakeCall) => Answer | Promise<Answer>;
  spawn?: (c: FakeCall) => Played;
  /** How many more times this rule answers (default: always). */
  times?: number;
}

const textOf = (cmd: Command): { text: string; argv: readonly string[] } => ('argv' in cmd ? { text: cmd.argv.join(' '), argv: cmd.argv } : { text: cmd.script, argv: [] });

export class FakeHost implements Host {
  readonly calls: FakeCall[] = [];
  private readonly rules: Rule[] = [];
  /** Set to make connect() fail (an unreachable host). */
  connectError?: Error;
  /** Files written with putFile. */
  readonly files = new Map<string, string | Buffer>();

  constructor(readonly name: string) {}

  /** Rules added later win over earlier ones (a test overrides the defaults). */
  on(rule: Rule): this {
    this.rules.unshift(rule);
    return this;
  }

  ran(re: RegExp): FakeCall[] {
    return this.calls.filter((c) => re.test(c.text) || re.test(c.stdin));
  }

  private rule(c: FakeCall): Rule | undefined {
    const r = this.rules.find((x) => (c.kind === 'spawn' ? x.spawn : x.exec) && (x.times === undefined || x.times > 0) && x.match(c));
    if (r && r.times !== undefined) r.times--;
    return r;
  }

  async connect(): Promise<void> {
    this.calls.push({ host: this.name, text: 'connect', argv: [], stdin: '', kind: 'connect' });
    if (this.connectError) throw this.connectError;
  }

  async exec(cmd: Command, opts: ExecOptions = {}): Promise<ExecResult> {
    const stdin = typeof opts.stdin === 'string' ? opts.stdin : Buffer.isBuffer(opts.stdin) ? opts.stdin.toString() : '';
    const c: FakeCall = { host: this.name, ...textOf(cmd), user: opts.become?.user, stdin, kind: 'exec' };
    this.calls.push(c);
    await new Promise((r) => setImmediate(r));
    const a = (await this.rule(c)?.exec?.(c)) ?? {};
    if (a instanceof Error) throw a;
    return { code: 0, stdout: '', stderr: '', ...a };
  }

  spawn(cmd: Command, opts: Omit<ExecOptions, 'stdin' | 'onStdout' | 'onStderr'> = {}): StreamingProcess {
    const c: FakeCall = { host: this.name, ...textOf(cmd), user: opts.become?.user, stdin: '', kind: 'spawn' };
    this.calls.push(c);
    const played = this.rule(c)?.spawn?.(c) ?? {};
    return playProcess(c, played, opts.signal);
  }

  async putFile(path: string, content: string | Buffer): Promise<void> {
    this.calls.push({ host: this.name, text: `putFile ${path}`, argv: [], stdin: content.toString(), kind: 'putFile' });
    this.files.set(path, content);
  }

  async close(): Promise<void> {}
}

function playProcess(c: FakeCall, played: Played, signal?: AbortSignal): StreamingProcess {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const stderr = new PassThrough();
  const fed: Buffer[] = [];
  let settle!: (r: { code: number | null; signal?: string; stderr: string }) => void;
  let fail!: (e: Error) => void;
  const done = new Promise<{ code: number | null; signal?: string; stderr: string }>((res, rej) => ((settle = res), (fail = rej)));
  let ended = false;
  const end = (a: Answer) => {
    if (ended) return;
    ended = true;
    if (!stdout.writableEnded) stdout.end();
    stderr.end();
    if (a instanceof Error) return fail(a);
    const r = a ?? {};
    settle({ code: r.code ?? 0, stderr: r.stderr ?? '', ...(r.signal ? { signal: r.signal } : {}) });
  };
  let pending = '';
  stdin.on('data', (b: Buffer) => {
    fed.push(b);
    c.stdin += b.toString();
    if (!played.onLine) return;
    pending += b.toString();
    for (let nl = pending.indexOf('\n'); nl >= 0; nl = pending.indexOf('\n')) {
      const out = played.onLine(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      if (out !== undefined && !stdout.writableEnded) stdout.write(`${out}\n`);
    }
  });
  stdin.on('end', () => (c.stdinEnded = true));
  stdin.on('end', () => setImmediate(() => end(played.onEnd?.(Buffer.concat(fed)) ?? {})));
  if (played.stdout !== undefined) {
    // A reader: its output, then its end (after the output was read).
    Readable.from([Buffer.from(played.stdout)]).pipe(stdout);
    stdout.on('end', () => end(played.onEnd?.(Buffer.concat(fed)) ?? {}));
  }
  signal?.addEventListener('abort', () => end(Object.assign(new Error('aborted'), { name: 'AbortError' })), { once: true });
  return { stdin, stdout, stderr, done, kill: () => end({ code: null, signal: 'TERM' }) };
}
