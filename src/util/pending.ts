// What the process is still waiting for, by name: when Node runs out of work while one of these
// is unsettled, a promise was orphaned (an operation on a dead connection, say) and the exit path
// says which instead of exiting 0.
const open = new Map<number, string>();
let next = 0;

/** Names `work` as pending until it settles; returns it unchanged. */
export function track<T>(label: string, work: Promise<T>): Promise<T> {
  const id = next++;
  open.set(id, label);
  const done = () => void open.delete(id);
  work.then(done, done);
  return work;
}

/** Labels of the work not settled yet, oldest first. */
export function pendingWork(): string[] {
  return [...open.values()];
}
