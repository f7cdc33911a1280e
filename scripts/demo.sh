#!/usr/bin/env bash
# npm run demo: bring up and seed the lab, show production and the stale staging copy, run a
# real prod→stage1 sync with the example ops files (inventories/hosts, vars/prod-to-stage1.yml),
# and show staging again.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/ensure-deps.sh
export NODE_NO_WARNINGS=1
npx tsc -p tsconfig.json
node scripts/bundle.mjs

npm run --silent lab -- up
npm run --silent lab -- seed
# HOME, AWS_CONFIG_FILE, ... of the lab, as a user of orchestrate would have them; LAB_SSH_CONFIG for ssh.
eval "$(npm run --silent lab -- env)"

# Run SQL on a lab host the way an operator would: ssh in, then sudo -u postgres psql.
on_host() { # host db sql
  ssh -F "$LAB_SSH_CONFIG" -o BatchMode=yes "$1" "cd / && sudo -u postgres psql -X -P pager=off -d $2 -c \"$3\""
}

echo; echo "== db1 / production: users and the OAuth app =="
on_host db1 production "SELECT id, username, email, kind FROM auth_user ORDER BY id LIMIT 3"
on_host db1 production "SELECT provider, client_id FROM socialaccount_socialapp ORDER BY id"
on_host db1 production "SELECT (SELECT count(*) FROM auth_user) AS users, (SELECT count(*) FROM events) AS events, (SELECT count(*) FROM billing.invoices) AS invoices"

echo; echo "== stage1 / stage: stale staging content =="
on_host stage1 stage "SELECT id, username, email FROM auth_user ORDER BY id LIMIT 3"
on_host stage1 stage "SELECT provider, client_id FROM socialaccount_socialapp"

echo; echo "== S3: prod-media (a few keys) =="
if command -v aws >/dev/null 2>&1; then
  keys=$(aws --profile production s3 ls --recursive s3://prod-media/)
  printf '%s\n' "$keys" | sed -n 1,5p
  echo "... $(printf '%s\n' "$keys" | wc -l) objects"
else
  echo "(aws CLI not on PATH; the bucket is at $(grep -m1 endpoint_url "$AWS_CONFIG_FILE" | cut -d' ' -f3))"
fi

count_objects() { # profile bucket
  node --input-type=module -e "
    import { S3Client, paginateListObjectsV2 } from '@aws-sdk/client-s3';
    const s3 = new S3Client({ profile: process.argv[1], forcePathStyle: true });
    let n = 0; for await (const p of paginateListObjectsV2({ client: s3 }, { Bucket: process.argv[2] })) n += p.KeyCount ?? 0;
    console.log(n);" "$1" "$2"
}
echo "stage1-media holds $(count_objects stage stage1-media) objects"

echo; echo "== the plan: orchestrate --check --extra-vars vars/prod-to-stage1.yml =="
node dist/bin/orchestrate.js --check --extra-vars vars/prod-to-stage1.yml

echo; echo "== the sync: orchestrate --extra-vars vars/prod-to-stage1.yml --confirm stage =="
node dist/bin/orchestrate.js --extra-vars vars/prod-to-stage1.yml --confirm stage

echo; echo "== stage1 / stage after the sync: production's users with scrubbed emails, the stage1 OAuth client =="
on_host stage1 stage "SELECT id, username, email FROM auth_user ORDER BY id LIMIT 3"
on_host stage1 stage "SELECT provider, client_id, left(secret, 4) || '…' AS secret FROM socialaccount_socialapp ORDER BY id"
on_host stage1 postgres "SELECT datname FROM pg_database WHERE datname LIKE 'stage%' ORDER BY 1"
echo "stage1-media holds $(count_objects stage stage1-media) objects"
echo
echo "The previous staging copy is kept as stage_stagesync_prev: 'orchestrate rollback -e vars/prod-to-stage1.yml' swaps it back."
