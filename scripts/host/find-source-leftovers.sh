#!/bin/sh
# What a killed run left on the source (src/steps/leftovers.ts), one path a line:
# - in $1, the backups dir, the backup script's partial files (`.<db>.<host>.<pid>.partial`, and
#   its `.fifo`) whose pid no longer runs: a dump cut by a kill the script could not trap;
# - in $3, the source's tmp dir, a direct transfer's relay directory (`direct-<tag>`, its pid in
#   `pid`) whose relay no longer runs. One still being made (no pid yet) is left alone.
# $2 the partial files' name prefix `.<db>.`.
gone() {
  case $1 in ''|*[!0-9]*) return 1;; esac
  ! kill -0 "$1" 2>/dev/null && [ ! -d "/proc/$1" ]
}
if [ -d "$1" ]; then
  for f in "$1"/"$2"*.partial "$1"/"$2"*.partial.fifo; do
    [ -e "$f" ] || [ -p "$f" ] || continue
    pid=${f%.partial*}
    gone "${pid##*.}" && printf '%s\n' "$f"
  done
fi
if [ -n "$3" ] && [ -d "$3" ]; then
  for d in "$3"/direct-*; do
    [ -f "$d/pid" ] || continue
    read -r pid < "$d/pid" || continue
    gone "$pid" && printf '%s\n' "$d"
  done
fi
exit 0
