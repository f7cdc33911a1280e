// A fixed number of tasks in flight. `add` waits while the pool is full, which is what keeps the
// listing from running ahead of the copies (bounded memory however many keys there are).

export class Pool {
  private active = 0;
  private waiting: (() => void)[] = [];
  private idle: (() => void)[] = [];

  constructor(private readonly limit: number) {
    if (!(limit >= 1)) throw new Error(`concurrency must be at least 1, got ${limit}`);
  }

  /** Start `task` once a slot is free. Tasks must handle their own errors. */
  async add(task: () => Promise<void>): Promise<void> {
    while (this.active >= this.limit) await new Promise<void>((r) => this.waiting.push(r));
    this.active++;
    void task()
      .catch(() => undefined) // nothing lost: tasks handle their own errors (see above); this only keeps the slot count right
      .finally(() => {
        this.active--;
        this.waiting.shift()?.();
        if (this.active === 0) for (const r of this.idle.splice(0)) r();
      });
  }

  /** Resolves when every started task has finished. */
  async drain(): Promise<void> {
    if (this.active === 0) return;
    await new Promise<void>((r) => this.idle.push(r));
  }
}
