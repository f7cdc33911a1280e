#!/usr/bin/env bash
# The whole suite: unit tests, then integration tests on the lab (brought up and down here).
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
bash scripts/ensure-deps.sh || exit 1

# The compiled sources (dist/src) for the lab and the tests, the bundled executable (dist/bin) as shipped.
npx tsc -p tsconfig.json || { echo "0 passed, 1 failed"; exit 1; }
node scripts/bundle.mjs || { echo "0 passed, 1 failed"; exit 1; }
# The tests are typechecked too (mocha runs them through tsx, which only strips types).
npx tsc -p tsconfig.test.json --noEmit || { echo "0 passed, 1 failed"; exit 1; }

lab_started=0
if [ -f test/lab/cli.ts ] && [ -z "${STAGESYNC_NO_LAB:-}" ]; then
  lab_failed() { # what failed; leaves nothing running unless STAGESYNC_KEEP_LAB is set
    echo "lab: $1 failed"
    [ -n "${STAGESYNC_KEEP_LAB:-}" ] || npm run --silent lab -- down
    echo "0 passed, 1 failed"; exit 1
  }
  npm run --silent lab -- up || lab_failed up
  # The sample data (production on db1, role and stale database `stage` on the others, buckets).
  npm run --silent lab -- seed || lab_failed seed
  lab_started=1
fi

npx mocha --timeout 180000 'test/unit/**/*.test.ts' 'test/integration/**/*.test.ts'
rc=$?

if [ "$lab_started" = 1 ] && [ -z "${STAGESYNC_KEEP_LAB:-}" ]; then
  npm run --silent lab -- down || rc=1
fi
exit $rc
