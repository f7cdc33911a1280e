#!/usr/bin/env node
// The `orchestrate` executable.
import './quiet-warnings.js';
import { ExitCode } from '../errors.js';
import { exitWith } from '../util/exit.js';
import { exitWhenDone } from './exit-path.js';
import { errorExit, main } from './main.js';

exitWhenDone(main(process.argv.slice(2)), errorExit);

// Ctrl-C / SIGTERM while nobody else listens (before the run or the scheduler installs its own
// handler, which cleans up first) exit at once. They stay installed but defer to those handlers:
// a plain `once` registered here would run first and exit in the middle of a run's cleanup.
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (process.listenerCount(sig) === 1) exitWith(ExitCode.interrupted, `interrupted (${sig})`);
  });
}
