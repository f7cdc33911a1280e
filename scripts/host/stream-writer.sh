#!/bin/sh
# The pipelined stream's writer on each destination (src/steps/stream.ts, src/steps/direct.ts).
# Arguments: $1 dir, $2 temp file, $3 --use-list file, $4 the number n of words of the restore
# that follows the file as it grows (0: the file only), those n words (pg_restore's argv), then
# the words of a restore run from the complete file afterwards, if any (post-data, --jobs).
# dd writes the stream to the file at the network's pace, and pg_restore follows the file as it
# grows (GNU tail, polling as postgresbackup.sh does), so a slow restore never holds up the
# stream and one that has read all it needs (trailing data of excluded tables) just stops
# reading. A failing pg_restore stops dd at once. When the stream has ended the file is summed
# (while pg_restore catches up, and the post-data restore runs) and the last line of stdout is
# `sha256 <hex>`. Exit 3: pg_restore failed; 4: the file. Anything but success removes the
# file; a hang-up or kill removes it too.
# Filled in when loaded: __SHA256_OF_STDIN__, the sha256 of stdin (src/steps/digest.ts).
umask 077
mkdir -p "$1" || exit 4
part=$2; list=$3; n=$4; shift 4
sum="$part.sha256"
trap 'rm -f "$part" "$list" "$sum"; exit 1' HUP INT TERM PIPE
# The first $1 words of the rest, as a command; and the words after them.
first() {
  k=$(($# - 1)); i=0; m=$1; shift
  for a; do
    [ "$i" -lt "$m" ] && set -- "$@" "$a"
    i=$((i + 1))
  done
  shift "$k"
  "$@"
}
rest() { m=$1; shift; shift "$m"; "$@"; }
if [ "$n" = 0 ]; then
  cat > "$part" || { rm -f "$part"; exit 4; }
  exit 0
fi
# GNU tail polls with ---disable-inotify; one that does not know it gets no option at all.
poll=---disable-inotify
# shellcheck disable=SC2086 # $poll is one option or none
tail $poll -s 0.05 -n 0 --pid=$$ -- /dev/null 2>/dev/null || poll=
: > "$part" || exit 4
exec 3<&0
dd of="$part" bs=256K status=none <&3 &
dd_pid=$!
exec 3<&-
# pg_restore starts once the --use-list is there (a direct pull starts before the TOC is read).
# shellcheck disable=SC2086 # $poll is one option or none
{ while [ ! -e "$list" ]; do sleep 0.05; done; tail $poll -s 0.05 -c +1 -f --pid="$dd_pid" -- "$part" | first "$n" "$@"; r=$?; [ "$r" = 0 ] || kill "$dd_pid" 2>/dev/null; exit "$r"; } &
restore_pid=$!
wait "$dd_pid"; d=$?
sum_pid=
if [ "$d" = 0 ]; then __SHA256_OF_STDIN__ < "$part" > "$sum" & sum_pid=$!; fi
wait "$restore_pid"; r=$?
if [ "$r" = 0 ] && [ "$d" = 0 ] && [ "$#" -gt "$n" ]; then rest "$n" "$@"; r=$?; fi
s=0; [ -z "$sum_pid" ] || { wait "$sum_pid"; s=$?; }
digest=$(cut -d' ' -f1 "$sum" 2>/dev/null)
rm -f "$sum" "$list"
# dd stopped by a failing pg_restore (TERM: 143) is pg_restore's failure, not the file's.
if [ "$r" != 0 ] && { [ "$d" = 0 ] || [ "$d" = 143 ]; }; then rm -f "$part"; exit 3; fi
if [ "$d" != 0 ] || [ "$s" != 0 ]; then rm -f "$part"; echo "writing $part failed" >&2; exit 4; fi
echo "sha256 $digest"
