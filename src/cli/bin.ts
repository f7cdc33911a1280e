#!/usr/bin/env node
// The `orchestrate` executable.
import './quiet-warnings.js';
import { ExitCode } from '../errors.js';
import { errorExit, main } from './main.js';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => process.exit(errorExit(err)),
);
// Ctrl-C before the run installs its own handler (which cleans up first).
if (process.listenerCount('SIGINT') === 0) process.once('SIGINT', () => process.exit(ExitCode.interrupted));
