// On a terminal: a live listr2 tree, pair → host → step, each running step showing its live
// numbers (bytes, rate) under it; log lines (-v…, warnings) scroll above the tree. Events come
// from the executor as they happen, so the tree grows as steps start (see OpenListr).
// Every text is masked before listr2 sees it.
import { DefaultRenderer, Listr } from 'listr2';
import { OpenListr, TreeRenderer, type AnyListr, type ParentTask, type Wrapper } from './tty-listr.js';
import { valueOrNothing } from '../util/settle.js';
import { formatDuration, resultLine, type RunOutput, type StepEvent } from './output.js';

export interface TtyOutputOptions {
  /** The pair (PLAY name). */
  name: string;
  verbosity: number;
  mask: (text: string) => string;
  /** Hosts in plan order, so the tree starts in the order --check shows. */
  hosts?: string[];
}

interface Final {
  title: string;
  error?: string;
  skip?: string;
}

interface StepNode {
  action: string;
  /** "<copy description>" of its progress text: concurrent copies keep their own line. */
  label?: string;
  wrapper?: Wrapper;
  output?: string;
  final?: Final;
  settle?: (f: Final) => void;
}

interface HostNode {
  name: string;
  list?: OpenListr;
  waiting: Task[];
  running: StepNode[];
  failed: boolean;
}

const WORD = { ok: 'ok', changed: 'changed', skipped: 'skipping', failed: 'FAILED!', unreachable: 'UNREACHABLE!' } as const;

type Task = Parameters<AnyListr['add']>[0];

export function ttyOutput(o: TtyOutputOptions): RunOutput {
  return new TtyOutput(o);
}

class TtyOutput implements RunOutput {
  // Parameters
  private readonly mask: (text: string) => string;
  // Internal state: the tree, and log lines waiting to be printed above it
  private readonly hosts = new Map<string, HostNode>();
  private renderer?: TreeRenderer;
  private pairList?: OpenListr;
  private readonly pendingHosts: Task[] = [];
  private logLines: string[] = [];
  private flushQueued = false;
  private closing = false;
  private readonly done: Promise<unknown>;
  // A second Ctrl-C exits at once, mid-frame: give the terminal its cursor back.
  private readonly showCursor = () => (this.renderer ? this.renderer.writeRaw('\x1b[?25h\n') : process.stdout.write('\x1b[?25h\n'));

  constructor(private readonly o: TtyOutputOptions) {
    this.mask = o.mask;
    for (const h of o.hosts ?? []) this.hostNode(h);
    // The tree's own errors are the step failures the tracker has told; listr2 only shows them.
    this.done = valueOrNothing(this.tree().run());
    process.once('exit', this.showCursor);
  }

  private tree(): Listr<unknown, typeof TreeRenderer, typeof DefaultRenderer> {
    return new Listr<unknown, typeof TreeRenderer, typeof DefaultRenderer>(
      [
        {
          title: this.mask(`PLAY [${this.o.name}]`),
          task: (_: unknown, t) => {
            this.pairList = new OpenListr([], { concurrent: true, exitOnError: false }, t.task as unknown as ParentTask);
            for (const task of this.pendingHosts.splice(0)) this.pairList.push(task);
            if (this.closing) this.pairList.finish();
            return this.pairList;
          },
        },
      ],
      {
        renderer: TreeRenderer,
        rendererOptions: { collapseSubtasks: false, collapseErrors: false, collapseSkips: true, showSkipMessage: true, onRenderer: (r: TreeRenderer) => (this.renderer = r) } as never,
        exitOnError: false,
        // The executor owns Ctrl-C (abort, clean up, exit 99): listr2 would exit(127) at once.
        registerSignalListeners: false,
      },
    );
  }

  private flush(): void {
    this.flushQueued = false;
    if (this.logLines.length === 0) return;
    const text = this.logLines.join('');
    this.logLines = [];
    if (this.renderer) this.renderer.printAbove(text);
    else process.stdout.write(text);
  }

  /** Coalesced: at -vvvv every ssh2 debug line would otherwise redraw the whole tree. */
  private log(text: string): void {
    this.logLines.push(`${this.mask(text)}\n`);
    if (!this.flushQueued) {
      this.flushQueued = true;
      setImmediate(() => this.flush());
    }
  }

  private hostTask(h: HostNode): Task {
    return {
      title: h.name,
      task: (_: unknown, t: Wrapper) => {
        h.list = new OpenListr([], { concurrent: true, exitOnError: false }, t.task as unknown as ParentTask);
        for (const w of h.waiting.splice(0)) h.list.push(w);
        if (this.closing) h.list.finish();
        return h.list;
      },
    };
  }

  private hostNode(host: string): HostNode {
    let h = this.hosts.get(host);
    if (!h) {
      h = { name: host, waiting: [], running: [], failed: false };
      this.hosts.set(host, h);
      const task = this.hostTask(h);
      if (this.pairList) this.pairList.push(task);
      else this.pendingHosts.push(task);
    }
    return h;
  }

  private addStep(h: HostNode, node: StepNode): void {
    const task = {
      title: this.mask(node.action),
      task: async (_: unknown, t: Wrapper) => {
        node.wrapper = t;
        if (node.output) t.output = node.output;
        const final = node.final ?? (await new Promise<Final>((resolve) => (node.settle = resolve)));
        t.title = final.title;
        if (final.skip !== undefined) return t.skip(final.skip);
        if (final.error !== undefined) throw new Error(final.error);
      },
      rendererOptions: { outputBar: 1, persistentOutput: false },
    };
    if (h.list) h.list.push(task);
    else h.waiting.push(task);
  }

  private settle(node: StepNode, final: Final): void {
    node.final = final;
    node.settle?.(final);
  }

  private finalOf(e: StepEvent): Final {
    const outcome = e.outcome ?? 'ok';
    const took = e.durationMs === undefined ? '' : ` (${formatDuration(e.durationMs)})`;
    if (outcome === 'failed' || outcome === 'unreachable') {
      const title = this.mask(`${e.action}: ${WORD[outcome]} ${e.error ?? ''}`.trimEnd() + took);
      return { title, error: title };
    }
    if (outcome === 'skipped') {
      const title = this.mask(`${e.action}: skipping${e.detail ? ` (${e.detail})` : ''}`);
      return { title, skip: title };
    }
    return { title: this.mask(`${e.action}: ${WORD[outcome]}${e.detail ? ` => ${e.detail}` : ''}${took}`) };
  }

  private setOutput(node: StepNode, text: string): void {
    node.output = this.mask(text);
    if (node.wrapper) node.wrapper.output = node.output;
  }

  stepStarted(e: { host: string; action: string }): void {
    const h = this.hostNode(e.host);
    const node: StepNode = { action: e.action };
    h.running.push(node);
    this.addStep(h, node);
  }

  stepFinished(e: StepEvent): void {
    const h = this.hostNode(e.host);
    const i = h.running.findIndex((n) => n.action === e.action);
    let node: StepNode;
    if (i >= 0) node = h.running.splice(i, 1)[0]!;
    else {
      // A skip never started: it appears already settled.
      node = { action: e.action };
      this.addStep(h, node);
    }
    if (e.outcome === 'failed' || e.outcome === 'unreachable') h.failed = true;
    this.settle(node, this.finalOf(e));
    if (this.o.verbosity >= 1 && e.data) this.log(resultLine(e));
  }

  verbose(level: number, host: string, text: string): void {
    // A running step's own messages ("move: 12 MiB of 40 MiB ...") are its live line.
    const node = level <= 1 ? this.hosts.get(host)?.running.find((n) => text.startsWith(`${n.action}: `)) : undefined;
    if (node) return this.setOutput(node, text.slice(node.action.length + 2));
    if (this.o.verbosity >= level) this.log(`<${host}> ${text}`);
  }

  info(text: string): void {
    this.log(text);
  }

  warn(text: string): void {
    this.log(`[WARNING]: ${text}`);
  }

  progress(host: string, action: string, text: string): void {
    const running = this.hosts.get(host)?.running.filter((n) => n.action === action) ?? [];
    const label = text.split(': ')[0];
    const node = running.find((n) => n.label === label) ?? running.find((n) => n.label === undefined);
    if (!node) return;
    node.label = label;
    this.setOutput(node, text);
  }

  async close(): Promise<void> {
    this.closing = true;
    // Steps still open (an interrupted run) end as they are.
    for (const h of this.hosts.values()) for (const n of h.running.splice(0)) this.settle(n, { title: this.mask(`${n.action}: interrupted`), error: this.mask(`${n.action}: interrupted`) });
    this.pairList?.finish();
    for (const h of this.hosts.values()) h.list?.finish();
    await this.done;
    process.off('exit', this.showCursor);
    this.flush();
  }
}
