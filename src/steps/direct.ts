// The direct transfer (stagesync_transfer: direct): each destination pulls the dump from the
// source over its own SSH connection to it (OpenSSH on the destination), so the controller
// carries only commands and their short answers. On the source, scripts/host/direct-relay.sh
// runs the backup script --stdout (or cats a dump already written) into one fifo per reader;
// each destination's writer (src/steps/stream-target.ts, the stream path's) is fed by its pull,
// and for a one-job restore pg_restore follows its file as it grows, as in the stream path. A
// copy counts only when its sha256 equals that of the source's file; a destination that fails
// drops out (its fifo is drained so the others go on), and every destination database stays as
// it was until the caller swaps it in.
import { randomBytes } from 'node:crypto';
import { pullCommand } from '../transport/pull.js';
import type { Command, PeerAccess, StreamingProcess } from '../transport/types.js';
import { hostScript } from '../util/host-scripts.js';
import { sleep } from '../util/backoff.js';
import { endOfKilled } from '../util/settle.js';
import { fileDigest } from './digest.js';
import { StepError, pgRetryable, tail } from './errors.js';
import type { DestMove } from './move.js';
import { tocArgv } from './pg-restore.js';
import { PipelineParts, type StreamRun } from './pipeline-parts.js';
import { backupEnv } from './backup.js';
import { becomeOf } from './sql.js';
import { dumpPathOf, scriptFailed, stdoutBackupArgv, tocFailure, type StreamSource } from './stream-head.js';
import { Target, type StreamDest } from './stream-target.js';
import { parseToc, type Toc } from './toc.js';

/** How one destination reaches the source. */
export interface PullRoute {
  /** The source's address as this destination sees it (stagesync_direct_source_address). */
  address: string;
  /** A key on the destination for host-to-host use; without it, the forwarded agent. */
  identityFile?: string;
}

/** How the destinations reach the source: as the controller does (user, port, host key), each by its route. */
export interface DirectLink {
  peer: PeerAccess;
  /** By destination host name. */
  routes: Record<string, PullRoute>;
}

/** `remote` run on the source as `remoteUser`, started by destination `dest` (one of the link's) over its route. */
export function pullOver(link: DirectLink, dest: string, remote: readonly string[], remoteUser: string): Command {
  return pullCommand(link.peer, { ...link.routes[dest]!, remote, remoteUser });
}

export interface DirectParams {
  source: StreamSource & { tmpDir: string };
  dests: StreamDest[];
  link: DirectLink;
  /** A dump already on the source (a retry, a --jobs restore): pulled as it is, no backup run. */
  dumpPath?: string;
  signal?: AbortSignal;
  /** Bytes the slowest destination holds so far, measured about every second. */
  onProgress?: (bytes: number) => void;
}

const RELAY = hostScript('direct-relay.sh');

/** No byte crosses the controller: the progress is the destinations' copies, measured this often. */
const PROGRESS_POLL_MS = 1000;

export function directDump(p: DirectParams): StreamRun {
  const d = new DirectPipeline(p);
  void d.run();
  return d.parts.run();
}

type RelayEnd = Awaited<StreamingProcess['done']>;

class DirectPipeline {
  readonly parts: PipelineParts;
  private readonly srcName: string;
  private readonly targets: Target[];
  /** The relay's private directory on the source, holding one fifo per reader. */
  private readonly dir: string;
  private relay?: StreamingProcess;
  /** Aborted once the relay has ended, well or not (a fifo is drained only while it runs). */
  private readonly relayOver = new AbortController();
  private readonly drainers: StreamingProcess[] = [];
  private finishing?: Promise<DestMove[]>;

  constructor(private readonly p: DirectParams) {
    const src = p.source;
    this.srcName = src.host.name;
    const tag = randomBytes(4).toString('hex');
    this.targets = p.dests.map((d) => new Target(d, `${src.database}.${this.srcName}.direct-${tag}.part`));
    this.dir = `${src.tmpDir.replace(/\/+$/, '')}/direct-${tag}`;
    this.parts = new PipelineParts(this.srcName, p.dests);
  }

  private live(): Target[] {
    return this.targets.filter((t) => !t.error);
  }

  /** The fifo a destination reads on the source. */
  private fifoOf(t: Target): string {
    return `d${this.targets.indexOf(t)}`;
  }

  /** The TOC is read on the source only for a new dump with restoring destinations. */
  private get readsToc(): boolean {
    return !this.p.dumpPath && this.targets.some((t) => t.d.restore);
  }

  async run(): Promise<void> {
    try {
      await this.start();
      await this.check(await this.send());
    } catch (e) {
      await this.abort();
      this.parts.failed(e, this.targets);
    }
  }

  /**
   * Destinations made ready while the relay starts, then their pulls (the relay's tee writes
   * nothing before every reader has opened its fifo, the TOC's included); then the --use-lists
   * from the dump's TOC, which each writer waits for before it starts pg_restore.
   */
  private async start(): Promise<void> {
    const prepared = Promise.all(this.targets.map((t) => t.prepare()));
    try {
      await this.openRelay();
    } finally {
      await prepared;
    }
    this.parts.noneLeft(this.targets);
    this.startPulls();
    void this.measure();
    if (!this.readsToc) return;
    const toc = await this.readToc();
    await Promise.all(this.live().filter((x) => x.d.restore).map((x) => x.writeList(toc)));
    // One whose list could not be written is out: its pull stops and its fifo is dropped.
    await Promise.all(this.targets.filter((t) => t.error && t.proc).map((t) => t.stop()));
    this.parts.noneLeft(this.targets);
  }

  private producer(): string[] {
    const { source, dumpPath } = this.p;
    return dumpPath ? ['cat', '--', dumpPath] : stdoutBackupArgv(source);
  }

  private async openRelay(): Promise<void> {
    const src = this.p.source;
    const names = [...this.targets.map((t) => this.fifoOf(t)), ...(this.readsToc ? ['toc'] : [])].join(' ');
    const relay = (this.relay = src.host.spawn({ argv: ['sh', '-c', RELAY, 'sh', this.dir, names, ...this.producer()] }, { become: becomeOf(src.backupUser), signal: this.p.signal, env: backupEnv(src) }));
    // Nothing lost: send() awaits relay.done itself.
    void relay.done.finally(() => this.relayOver.abort()).catch(() => undefined);
    const ready = new Promise<boolean>((resolve) => {
      let out = '';
      relay.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.startsWith('ready\n')) resolve(true);
      });
      void relay.done.then(() => resolve(false), () => resolve(false));
    });
    if (!(await ready)) throw this.relayFailed(await relay.done);
  }

  private relayFailed(r: RelayEnd): StepError {
    const output = tail(r.stderr);
    const { source, dumpPath } = this.p;
    if (r.code === 4) return new StepError(this.srcName, 'move', `cannot create ${this.dir} as ${source.backupUser}`, { output });
    if (!dumpPath) return scriptFailed(source, r);
    return new StepError(this.srcName, 'move', `reading ${dumpPath} exited with ${r.code ?? r.signal}`, { output, retryable: pgRetryable(null, output) });
  }

  /** `pg_restore -l -v` on the source reads the head of the dump from its own fifo. */
  private async readToc(): Promise<Toc> {
    const src = this.p.source;
    const cmd = { argv: ['sh', '-c', 'f=$1; shift; exec "$@" < "$f"', 'sh', `${this.dir}/toc`, ...tocArgv()] };
    const r = await src.host.exec(cmd, { become: becomeOf(src.backupUser), signal: this.p.signal });
    if (r.code === 0) return parseToc(r.stdout);
    this.drain('toc');
    const own = new StepError(this.srcName, 'backup', `pg_restore -l could not read the dump's table of contents (exit ${r.code ?? r.signal})`, { output: tail(r.stderr) });
    throw await tocFailure(src, this.relay!, own, (_, end) => this.relayFailed(end));
  }

  /** Each destination's writer, fed by its pull from the source (a destination already out: its fifo drained). */
  private startPulls(): void {
    const { link, source } = this.p;
    for (const t of this.targets) {
      const fifo = this.fifoOf(t);
      if (t.error) {
        this.drain(fifo);
        continue;
      }
      t.startWriter(this.p.signal, pullOver(link, t.name, ['cat', '--', `${this.dir}/${fifo}`], source.backupUser));
      t.proc!.stdin.end();
      // A writer that ends while the relay runs has gone: its fifo must not hold up the others.
      void endOfKilled(t.proc!.done).then(() => this.drain(fifo));
    }
  }

  /** While the relay runs: what the slowest destination's copy holds, for the progress. */
  private async measure(): Promise<void> {
    const onProgress = this.p.onProgress;
    const over = this.relayOver.signal;
    while (onProgress && !over.aborted) {
      await sleep(PROGRESS_POLL_MS, over);
      if (over.aborted) return;
      const sizes = await Promise.all(this.live().map((t) => t.bytesWritten()));
      const known = sizes.filter((n): n is number => n !== undefined);
      if (known.length && !over.aborted) onProgress(Math.min(...known));
    }
  }

  /** The relay runs to its end: the dump is written and every reader has had all of it. */
  private async send(): Promise<RelayEnd> {
    const end = await this.relay!.done;
    if (end.code !== 0) throw this.relayFailed(end);
    return end;
  }

  /** Read a little of a fifo nobody else will read, so the relay's tee opens it and drops it. */
  private drain(fifo: string): void {
    if (this.relayOver.signal.aborted) return;
    const src = this.p.source;
    const d = src.host.spawn({ argv: ['dd', `if=${this.dir}/${fifo}`, 'of=/dev/null', 'bs=64k', 'count=1', 'status=none'] }, { become: becomeOf(src.backupUser) });
    void endOfKilled(d.done);
    this.drainers.push(d);
  }

  /**
   * The source's file and each destination's copy of it, checked against each other: the file is
   * summed while the destinations' restores finish.
   */
  private async check(end: RelayEnd): Promise<void> {
    for (const d of this.drainers) d.kill();
    const { source, dumpPath } = this.p;
    const path = dumpPath ?? dumpPathOf(source, end);
    const summing = fileDigest(source.host, source.backupUser, path, dumpPath ? 'move' : 'backup');
    const dests = (this.finishing = Promise.all(this.targets.map((t) => t.finish(path, summing))));
    const onSource = await summing;
    this.parts.succeeded({ path, size: onSource.size, sha256: onSource.sha256 }, this.targets, await dests);
  }

  /** Everything stops; the files go (src/steps/pipeline-parts.ts). */
  private abort(): Promise<void> {
    for (const d of this.drainers) d.kill();
    return this.parts.abandon(this.targets, this.relay, this.finishing);
  }
}
