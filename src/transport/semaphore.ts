// Bounds concurrent sessions on one connection (sshd's MaxSessions, 10 by default): the rest wait.
export class Semaphore {
  private active = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(private readonly max: number) {
    if (max < 1) throw new Error('Semaphore needs max >= 1');
  }

  /** Resolves with a release function once a slot is free (FIFO). */
  async acquire(): Promise<() => void> {
    if (this.active >= this.max) await new Promise<void>((res) => this.waiting.push(res));
    else this.active++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next) next(); // the slot passes straight to the next waiter
      else this.active--;
    };
  }

  get inUse(): number {
    return this.active;
  }
}
