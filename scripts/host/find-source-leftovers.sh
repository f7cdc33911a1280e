#!/bin/sh
# The backup script's partial files (`.<db>.<host>.<pid>.partial`, and its `.fifo`) whose pid no
# longer runs: a dump cut by a kill the script could not trap (src/steps/leftovers.ts).
# $1 the backups dir, $2 the name prefix `.<db>.`. One path a line.
[ -d "$1" ] || exit 0
for f in "$1"/"$2"*.partial "$1"/"$2"*.partial.fifo; do
  [ -e "$f" ] || [ -p "$f" ] || continue
  pid=${f%.partial*}
  pid=${pid##*.}
  case $pid in ''|*[!0-9]*) continue;; esac
  kill -0 "$pid" 2>/dev/null || [ -d "/proc/$pid" ] || printf '%s\n' "$f"
done
