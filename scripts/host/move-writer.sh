#!/bin/sh
# The move's writer on a destination (src/steps/move.ts): `cat` the stream into the temp file; a
# short file (the stream was cut) or a hang-up removes it at once, so a lost connection leaves
# nothing behind. Arguments: $1 dir, $2 temp file, $3 expected size in bytes.
umask 077
mkdir -p "$1" || exit 1
trap 'rm -f "$2"; exit 1' HUP INT TERM PIPE
cat > "$2" || { rm -f "$2"; exit 1; }
n=$(stat -c %s "$2")
[ "$n" = "$3" ] || { rm -f "$2"; echo "short write: $n of $3 bytes" >&2; exit 1; }
