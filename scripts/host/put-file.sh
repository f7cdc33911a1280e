#!/bin/sh
# putFile on any host (src/transport/put-file.ts): stdin into a temp name in the target dir, owner,
# group and mode set, then renamed, so readers never see a half-written file. The temp file is
# removed on any failure. Arguments: $1 path, $2 temp path, $3 mode, $4 owner, $5 group ('' = keep).
set -e
trap 'rm -f "$2"' EXIT
umask 077
cat > "$2"
[ -z "$4" ] || chown "$4" "$2"
[ -z "$5" ] || chgrp "$5" "$2"
chmod "$3" "$2"
mv -f "$2" "$1"
trap - EXIT
