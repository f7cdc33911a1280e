#!/usr/bin/env node
// The `orchestrate` executable.
import './quiet-warnings.js';
import { ExitCode } from '../errors.js';
import { errorExit, main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => process.exit(errorExit(err)),
);
// Ctrl-C while nobody else listens (before the run or the scheduler installs its own handler,
// which cleans up first) exits at once. It stays installed but defers to those handlers: a plain
// `once` registered here would run first and exit in the middle of a run's cleanup.
process.on('SIGINT', () => {
  if (process.listenerCount('SIGINT') === 1) process.exit(ExitCode.interrupted);
});
