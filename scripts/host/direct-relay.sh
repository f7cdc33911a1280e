#!/bin/sh
# The source's side of a direct transfer (src/steps/direct.ts), as the backup user.
# $1: a directory to make (private), $2: the names of the readers' fifos in it (space-separated),
# then the command whose output every reader gets (the backup script --stdout, or cat of a dump).
# Each destination reads its fifo over its own ssh connection to this host; tee hands every
# reader the same bytes, drops one that goes away (-p: EPIPE) and goes on with the others.
# `ready` on stdout once the fifos exist; the exit status is the command's (4: no directory).
# The relay's pid is in `pid`: a relay killed outright (no trap runs) leaves its directory, and
# scripts/host/find-source-leftovers.sh tells it from a live one by that pid.
umask 077
dir=$1
names=$2
shift 2
mkdir -p -- "$(dirname -- "$dir")" && mkdir -- "$dir" || exit 4
trap 'rm -rf -- "$dir"' EXIT
echo "$$" > "$dir/pid" || exit 4
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
for n in $names; do
  mkfifo -- "$dir/$n" || exit 4
done
echo ready
# shellcheck disable=SC2086 # $names: our own fifo names, without spaces
{ "$@"; echo "$?" > "$dir/status"; } | (cd -- "$dir" && exec tee -p $names > /dev/null)
read -r status < "$dir/status" || status=1
exit "$status"
