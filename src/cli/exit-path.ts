// The process leaves only through exitWith, with the code of the outcome: the work's own, or 250
// when something went wrong outside it (a throw nobody caught, or Node running out of work while
// the work still waited: an orphaned promise must never look like success).
import { ExitCode } from '../errors.js';
import { exitWith } from '../util/exit.js';
import { pendingWork } from '../util/pending.js';

export function exitWhenDone(work: Promise<number>, errorExit: (err: unknown) => number): void {
  let settled = false;
  work.then(
    (code) => {
      settled = true;
      exitWith(code);
    },
    (err) => {
      settled = true;
      exitWith(errorExit(err));
    },
  );
  process.on('beforeExit', () => {
    if (settled) return;
    const what = pendingWork();
    const reason = `internal error: nothing left to run while the run still waited for ${what.length ? what.join(', ') : 'an operation it did not name'}`;
    process.stderr.write(`ERROR! ${reason}\n`);
    exitWith(ExitCode.unexpected, reason);
  });
  const crash = (err: unknown) => exitWith(errorExit(err instanceof Error ? err : new Error(String(err))), 'internal error: an uncaught exception');
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
}
