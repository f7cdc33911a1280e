#!/bin/sh
# Everything preflight asks a host, in one round trip, run as the backup user (src/steps/preflight.ts).
# Arguments: $1 conninfo, $2 the server query, $3 1 to measure the data directory too, then the dirs.
# Prints who it runs as, the tools' versions (`@@tool NAME …`), the server's answer (`@@server …`
# or `@@psql-failed N`), and the free KiB at each dir's nearest existing parent (`@@free …`, in
# order, the data directory last). The version checks run side by side with the server query: on
# Debian each goes through pg_wrapper, a Perl script that takes ~0.1 s to start.
# Filled in when loaded (src/util/host-scripts.ts): __TOOLS__ the tool names, __PSQL_FLAGS__ psql's
# flags (shell-safe literals, one list in src/steps/sql.ts).
id -un || exit 1
# shellcheck disable=SC2043 # __TOOLS__ is a list once loaded
for t in __TOOLS__; do { v=$("$t" --version) && echo "@@tool $t $v" || echo "@@tool $t missing"; } & done
conn=$1; sql=$2; datadir=$3; shift 3
server=$(psql __PSQL_FLAGS__ -d "$conn" -c "$sql"); s=$?
wait
[ "$s" = 0 ] || { echo "@@psql-failed $s"; exit 0; }
echo "@@server $server"
[ "$datadir" != 1 ] || set -- "$@" "${server##*|}"
for dir in "$@"; do
  d=$dir; while [ ! -d "$d" ]; do d=$(dirname "$d"); done
  echo "@@free $(df -Pk "$d" | awk 'NR==2 {print $4}')"
done
