#!/bin/sh
# A pull from another host with the OpenSSH client (src/transport/pull.ts), as the login user.
# $1: that host's known_hosts line (the key the controller accepted for it); then ssh's
# arguments. The line goes to a temporary known_hosts file, the only one ssh reads here
# (StrictHostKeyChecking stays yes: a different key is refused). Exit 255 is ssh's own failure.
kh=$(mktemp) || exit 255
trap 'rm -f "$kh"' EXIT
trap 'exit 129' HUP
trap 'exit 130' INT
trap 'exit 143' TERM
printf '%s\n' "$1" > "$kh" || exit 255
shift
command -v ssh >/dev/null 2>&1 || { echo "no OpenSSH client (ssh) on $(hostname)" >&2; exit 255; }
ssh -o UserKnownHostsFile="$kh" -o GlobalKnownHostsFile=/dev/null "$@"
