#!/usr/bin/env node
// The `orchestrate` executable. The process leaves only through exitWith, with the code of the
// outcome: main's, or 250 when something went wrong outside it (a throw nobody caught, or Node
// running out of work while main still waited: an orphaned promise must never look like success).
import './quiet-warnings.js';
import { ExitCode } from '../errors.js';
import { exitWith } from '../util/exit.js';
import { pendingWork } from '../util/pending.js';
import { errorExit, main } from './main.js';

let settled = false;
main(process.argv.slice(2)).then(
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

// Ctrl-C / SIGTERM while nobody else listens (before the run or the scheduler installs its own
// handler, which cleans up first) exit at once. They stay installed but defer to those handlers:
// a plain `once` registered here would run first and exit in the middle of a run's cleanup.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (process.listenerCount(sig) === 1) exitWith(ExitCode.interrupted, `interrupted (${sig})`);
  });
}
