// Promises whose failure is seen elsewhere or does not matter, said once with the reason.

/**
 * Mark `p` as handled now because it is awaited later, where its rejection is read: until then
 * Node would report it unhandled. Returns `p` itself, so nothing is lost.
 */
export function awaitedLater<T>(p: Promise<T>): Promise<T> {
  p.catch(() => undefined); // nothing lost: the caller awaits p itself
  return p;
}

/**
 * The end of a process we killed (or gave up on) because something else failed: only that it
 * ended matters, its exit status would only repeat the failure already reported.
 */
export function endOfKilled(done: Promise<unknown>): Promise<void> {
  return done.then(
    () => undefined,
    () => undefined,
  );
}

/** What `p` resolves to, or undefined when it rejects: for a caller that has its own error to tell. */
export function valueOrNothing<T>(p: Promise<T>): Promise<T | undefined> {
  return p.then(
    (v) => v,
    () => undefined,
  );
}

export interface Deferred<T> {
  promise: Promise<T>;
  resolve(v: T): void;
  reject(e: unknown): void;
}

/** A promise settled from outside; its rejection is read where it is awaited (awaitedLater). */
export function deferred<T>(): Deferred<T> {
  let resolve!: (v: T) => void;
  let reject!: (e: unknown) => void;
  const promise = awaitedLater(new Promise<T>((res, rej) => ((resolve = res), (reject = rej))));
  return { promise, resolve, reject };
}
