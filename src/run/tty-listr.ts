// listr2 adapted to a run whose steps are known only as they start: a task list that stays open,
// and a renderer that prints log lines above the live tree (src/run/tty-output.ts).
import { DefaultRenderer, Listr, type ListrTaskWrapper } from 'listr2';
import { valueOrNothing } from '../util/settle.js';

// listr2's wrapper type, loosely: we only set title/output and call skip().
export type Wrapper = ListrTaskWrapper<unknown, typeof DefaultRenderer, typeof DefaultRenderer>;
export type AnyListr = Listr<unknown, typeof DefaultRenderer, typeof DefaultRenderer>;
export type ParentTask = ConstructorParameters<typeof OpenListr>[2];

/**
 * A task list that stays open: tasks added after it started still run, until finish().
 * listr2 runs a fixed list; its renderer reads the same array, so only the run loop differs.
 */
export class OpenListr extends Listr<unknown, typeof DefaultRenderer, typeof DefaultRenderer> {
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
      // A task's error is a step failure the tracker has told; listr2 only shows it.
      while (next < this.tasks.length) running.push(valueOrNothing(self.runTask(this.tasks[next++])));
      if (this.finished) break;
      await new Promise<void>((resolve) => (this.wake = resolve));
    }
    await Promise.all(running);
    return self.ctx;
  }
}

/** listr2's default renderer, plus lines printed above the live tree. */
export class TreeRenderer extends DefaultRenderer {
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

