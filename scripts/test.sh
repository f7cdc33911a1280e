#!/usr/bin/env bash
# The whole suite: unit tests, then integration tests on the lab (brought up and down here).
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh || exit 1

npx tsc -p tsconfig.json || { echo "0 passed, 1 failed"; exit 1; }

lab_started=0
if [ -f src/lab/cli.ts ] && [ -z "${STAGESYNC_NO_LAB:-}" ]; then
  npm run --silent lab -- up || { echo "lab: up failed"; echo "0 passed, 1 failed"; exit 1; }
  lab_started=1
fi

npx mocha --timeout 180000 'test/unit/**/*.test.ts' 'test/integration/**/*.test.ts'
rc=$?

if [ "$lab_started" = 1 ] && [ -z "${STAGESYNC_KEEP_LAB:-}" ]; then
  npm run --silent lab -- down || rc=1
fi
exit $rc
