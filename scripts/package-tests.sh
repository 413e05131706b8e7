#!/usr/bin/env bash
# The packaged server outside the checkout: scripts/package.sh's tarball (the debug build, to
# spare CI a second build; the layout is the release's) unpacked in a temporary directory and
# run from there against a fresh database: migrate, serve, a short journey (signup, a stream,
# an event stored and read back, the dashboard's sign-in page, ready), then SIGTERM and a clean
# exit. Needs the services (scripts/services.sh up).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
eval "$(scripts/services.sh env)"
tarball=$(PACKAGE_OUT=.local/package scripts/package.sh --debug | tail -1)
place=$(mktemp -d /tmp/sluice-package.XXXXXX)
server=""
trap '[ -n "$server" ] && kill "$server" 2>/dev/null; rm -rf "$place"' EXIT
tar -C "$place" -xzf "$tarball"
scripts/services.sh recreate-db sluice_package >/dev/null
port=${SLUICE_PACKAGE_PORT:-18461}
base=http://127.0.0.1:$port

cd "$place"   # nothing of the checkout is reachable from here: migrations come from the package
export SLUICE_DATABASE_URL=${SLUICE_TEST_DATABASE_URL%/*}/sluice_package SLUICE_REDIS_URL
# The signup limit is per address, in the Redis the suites before this one share.
export SLUICE_JWT_KEYS="package:$(head -c 32 /dev/urandom | base64)" SLUICE_LISTEN=127.0.0.1:$port SLUICE_LOG_FORMAT=text SLUICE_SIGNUPS_PER_IP=100000
unset SLUICE_MIGRATIONS_DIR
sluice/bin/sluice migrate
sluice/bin/sluice serve > serve.log 2>&1 &
server=$!
for _ in $(seq 1 150); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
json() { python3 -c "import json,sys; print(json.load(sys.stdin)$1)"; }
curl -sf "$base/readyz" >/dev/null
token=$(curl -sf -X POST "$base/v1/auth/signup" -H 'content-type: application/json' \
    -d '{"email":"packaged@example.test","password":"correct horse battery staple","tenantName":"Packaged"}' | json "['tokens']['accessToken']")
curl -sf -X POST "$base/v1/streams" -H "authorization: Bearer $token" -H 'content-type: application/json' -d '{"name":"boxed"}' >/dev/null
offset=$(curl -sf -X POST "$base/v1/streams/boxed/events" -H "authorization: Bearer $token" -H 'content-type: application/json' \
    -d '{"type":"unpacked","data":{"ok":true}}' | json "['offset']")
read_back=$(curl -sf "$base/v1/streams/boxed/partitions/0/events?fromOffset=$offset" -H "authorization: Bearer $token" | json "['items'][0]['type']")
[ "$read_back" = unpacked ] || { echo "the event did not come back: $read_back" >&2; exit 1; }
curl -sf "$base/dashboard/sign-in" | grep -q 'Sign in' || { echo "the dashboard is not in the package" >&2; exit 1; }
kill -TERM "$server"
wait "$server"
server=""
echo "packaged server: migrated, served a journey and stopped cleanly from $(dirname "$place")/$(basename "$place") ($(du -h "$OLDPWD/$tarball" | cut -f1) tarball)"
