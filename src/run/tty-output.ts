// On a terminal: a live listr2 tree, pair → host → step, each running step showing its live
// numbers (bytes, rate) under it; log lines (-v…, warnings) scroll above the tree. Events come
// from the executor as they happen, so the tree grows as steps start (see OpenListr).
// Every text is masked before listr2 sees it.
import { DefaultRenderer, Listr, type ListrTaskWrapper } from 'listr2';
import { formatDuration, resultLine, type RunOutput, type StepEvent } from './output.js';

export interface TtyOutputOptions {
  /** The pair (PLAY name). */
  name: string;
  verbosity: number;
  mask: (text: string) => string;
  /** Hosts in plan order, so the tree starts in the order --check shows. */
  hosts?: string[];
}

// listr2's wrapper type, loosely: we only set title/output and call skip().
type Wrapper = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof DefaultRenderer>;
type AnyListr = Listr<unknown, typeof DefaultRenderer, typeof DefaultRenderer>;
type ParentTask = ConstructorParameters<typeof OpenListr>[2];

/**
 * A task list that stays open: tasks added after it started still run, until finish().
 * listr2 runs a fixed list; its renderer reads the same array, so only the run loop differs.
 */
class OpenListr extends Listr<unknown, typeof DefaultRenderer, typeof DefaultRenderer> {
  private finished = false;
  private wake: () => void = () => undefined;

  push(task: Parameters<AnyListr['add']>[0]): void {
    this.add(task);
    this.wake();
  }

  finish(): void {
    this.finished = true;
    this.wake();
  }

  override async run(ctx?: unknown): Promise<unknown> {
    const self = this as unknown as { ctx: unknown; runTask(t: unknown): Promise<void> };
    self.ctx = ctx ?? {};
    const running: Promise<unknown>[] = [];
    let next = 0;
    for (;;) {
      // Synchronous from here to the new promise: a push cannot slip in between.
      while (next < this.tasks.length) running.push(self.runTask(this.tasks[next++]).catch(() => undefined));
      if (this.finished) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    await Promise.all(running);
    return self.ctx;
  }
}

/** listr2's default renderer, plus lines printed above the live tree. */
class TreeRenderer extends DefaultRenderer {
  constructor(...args: ConstructorParameters<typeof DefaultRenderer>) {
    super(...args);
    (args[1] as { onRenderer?: (r: TreeRenderer) => void } | undefined)?.onRenderer?.(this);
  }

  /** Straight to the terminal, past listr2's capture of process.stdout. */
  writeRaw(text: string): void {
    (this as unknown as { logger: { process: { toStdout(s: string, eol?: boolean): void } } }).logger.process.toStdout(text, false);
  }

  printAbove(text: string): void {
    const self = this as unknown as { updater?: { clear(): void }; logger: { process: { toStdout(s: string, eol?: boolean): void } } };
    // toStdout writes with the real stdout.write (listr2 buffers everyone else's writes).
    self.updater?.clear();
    self.logger.process.toStdout(text, false);
    if (self.updater) this.update();
  }
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
  waiting: Parameters<AnyListr['add']>[0][];
  running: StepNode[];
  failed: boolean;
}

const WORD = { ok: 'ok', changed: 'changed', skipped: 'skipping', failed: 'FAILED!', unreachable: 'UNREACHABLE!' } as const;

export function ttyOutput({ name, verbosity, mask, hosts: planHosts = [] }: TtyOutputOptions): RunOutput {
  const hosts = new Map<string, HostNode>();
  let renderer: TreeRenderer | undefined;
  let pairList: OpenListr | undefined;
  const pendingHosts: Parameters<AnyListr['add']>[0][] = [];
  let logLines: string[] = [];
  let flushQueued = false;

  const flush = () => {
    flushQueued = false;
    if (logLines.length === 0) return;
    const text = logLines.join('');
    logLines = [];
    if (renderer) renderer.printAbove(text);
    else process.stdout.write(text);
  };
  // Coalesced: at -vvvv every ssh2 debug line would otherwise redraw the whole tree.
  const log = (text: string) => {
    logLines.push(`${mask(text)}\n`);
    if (!flushQueued) {
      flushQueued = true;
      setImmediate(flush);
    }
  };

  const hostTask = (h: HostNode) => ({
    title: h.name,
    task: (_: unknown, t: Wrapper) => {
      h.list = new OpenListr([], { concurrent: true, exitOnError: false }, t.task as unknown as ParentTask);
      for (const w of h.waiting.splice(0)) h.list.push(w);
      if (closing) h.list.finish();
      return h.list;
    },
  });

  const hostNode = (host: string): HostNode => {
    let h = hosts.get(host);
    if (!h) {
      h = { name: host, waiting: [], running: [], failed: false };
      hosts.set(host, h);
      const task = hostTask(h);
      if (pairList) pairList.push(task);
      else pendingHosts.push(task);
    }
    return h;
  };
  for (const h of planHosts) hostNode(h);

  const addStep = (h: HostNode, node: StepNode) => {
    const task = {
      title: mask(node.action),
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
  };

  const settle = (node: StepNode, final: Final) => {
    node.final = final;
    node.settle?.(final);
  };

  const finalOf = (e: StepEvent): Final => {
    const outcome = e.outcome ?? 'ok';
    const took = e.durationMs === undefined ? '' : ` (${formatDuration(e.durationMs)})`;
    if (outcome === 'failed' || outcome === 'unreachable') {
      const title = mask(`${e.action}: ${WORD[outcome]} ${e.error ?? ''}`.trimEnd() + took);
      return { title, error: title };
    }
    if (outcome === 'skipped') {
      const title = mask(`${e.action}: skipping${e.detail ? ` (${e.detail})` : ''}`);
      return { title, skip: title };
    }
    return { title: mask(`${e.action}: ${WORD[outcome]}${e.detail ? ` => ${e.detail}` : ''}${took}`) };
  };

  const setOutput = (node: StepNode, text: string) => {
    node.output = mask(text);
    if (node.wrapper) node.wrapper.output = node.output;
  };

  let closing = false;
  const root = new Listr<unknown, typeof TreeRenderer, typeof DefaultRenderer>(
    [
      {
        title: mask(`PLAY [${name}]`),
        task: (_: unknown, t) => {
          pairList = new OpenListr([], { concurrent: true, exitOnError: false }, t.task as unknown as ParentTask);
          for (const task of pendingHosts.splice(0)) pairList.push(task);
          if (closing) pairList.finish();
          return pairList;
        },
      },
    ],
    {
      renderer: TreeRenderer,
      rendererOptions: { collapseSubtasks: false, collapseErrors: false, collapseSkips: true, showSkipMessage: true, onRenderer: (r: TreeRenderer) => (renderer = r) } as never,
      exitOnError: false,
      // The executor owns Ctrl-C (abort, clean up, exit 99): listr2 would exit(127) at once.
      registerSignalListeners: false,
    },
  );
  const done = root.run().catch(() => undefined);
  // A second Ctrl-C exits at once, mid-frame: give the terminal its cursor back.
  const showCursor = () => (renderer ? renderer.writeRaw('\x1b[?25h\n') : process.stdout.write('\x1b[?25h\n'));
  process.once('exit', showCursor);

  return {
    stepStarted(e) {
      const h = hostNode(e.host);
      const node: StepNode = { action: e.action };
      h.running.push(node);
      addStep(h, node);
    },
    stepFinished(e) {
      const h = hostNode(e.host);
      const i = h.running.findIndex((n) => n.action === e.action);
      let node: StepNode;
      if (i >= 0) node = h.running.splice(i, 1)[0]!;
      else {
        // A skip never started: it appears already settled.
        node = { action: e.action };
        addStep(h, node);
      }
      if (e.outcome === 'failed' || e.outcome === 'unreachable') h.failed = true;
      settle(node, finalOf(e));
      if (verbosity >= 1 && e.data) log(resultLine(e));
    },
    verbose(level, host, text) {
      // A running step's own messages ("move: 12 MiB of 40 MiB ...") are its live line.
      const node = level <= 1 ? hosts.get(host)?.running.find((n) => text.startsWith(`${n.action}: `)) : undefined;
      if (node) return setOutput(node, text.slice(node.action.length + 2));
      if (verbosity >= level) log(`<${host}> ${text}`);
    },
    info(text) {
      log(text);
    },
    warn(text) {
      log(`[WARNING]: ${text}`);
    },
    progress(host, action, text) {
      const running = hosts.get(host)?.running.filter((n) => n.action === action) ?? [];
      const label = text.split(': ')[0];
      const node = running.find((n) => n.label === label) ?? running.find((n) => n.label === undefined);
      if (!node) return;
      node.label = label;
      setOutput(node, text);
    },
    async close() {
      closing = true;
      // Steps still open (an interrupted run) end as they are.
      for (const h of hosts.values()) for (const n of h.running.splice(0)) settle(n, { title: mask(`${n.action}: interrupted`), error: mask(`${n.action}: interrupted`) });
      pairList?.finish();
      for (const h of hosts.values()) h.list?.finish();
      await done;
      process.off('exit', showCursor);
      flush();
    },
  };
}
