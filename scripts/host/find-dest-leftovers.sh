#!/bin/sh
# What interrupted runs of a pair left in a destination's dump dir (src/steps/leftovers.ts):
# streamed and moved dumps of the pair's source and their .part/.part-*/.list/.sha256
# companions, one path a line. $1 the dir, $2 the name prefix `<sourceDb>.<sourceHost>.`.
# Nothing when the dir is missing.
[ -d "$1" ] || exit 0
find "$1" -maxdepth 1 -type f -name "$2*" \( -name '*.part' -o -name '*.part-*' -o -name '*.part.list' -o -name '*.part.sha256' -o -name '*.dump' -o -name '*.dump.list' \) -print
