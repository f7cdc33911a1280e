// The one way out of the process: every exit (normal end, error, signal, an emptied event loop)
// goes through exitWith, which first lets the running command leave its record (the recap and
// the --report file, marked incomplete) when it has not written it itself.
type Finalizer = (code: number, reason: string) => void;

const finalizers = new Set<Finalizer>();
let exiting = false;

/** Called (synchronously) if the process exits before `unregister()`; returns `unregister`. */
export function onAbnormalExit(f: Finalizer): () => void {
  finalizers.add(f);
  return () => void finalizers.delete(f);
}

/** Runs the finalizers still registered (each once, errors ignored), then exits with `code`. */
export function exitWith(code: number, reason = ''): never {
  if (!exiting) {
    exiting = true;
    for (const f of [...finalizers]) {
      finalizers.delete(f);
      try {
        f(code, reason);
      } catch {
        /* the exit code is what matters now */
      }
    }
  }
  process.exit(code);
}
