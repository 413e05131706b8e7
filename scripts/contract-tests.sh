#!/usr/bin/env bash
# The contract's own tests, from outside the server: the generated Python client is current
# with openapi/openapi.yaml, its journey (clients/journey) passes against a real server, and
# schemathesis finds no gap between the document and the server.
#   scripts/contract-tests.sh              all of it (scripts/test.sh runs this)
#   scripts/contract-tests.sh journey      only the Python journey
#   scripts/contract-tests.sh fuzz         only the fuzzer
# Needs the debug build (swift build) and the services (scripts/services.sh up).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
what=${1:-all}

scripts/python-tools.sh
venv=.local/venv
py=$venv/bin/python

if [ "$what" = all ]; then
    scripts/generate-clients.sh --check
    "$py" clients/fuzz/lint_openapi.py
    "$py" clients/fuzz/links.py
fi
# The client as a user installs it.
"$venv/bin/pip" install -q --disable-pip-version-check --force-reinstall ./clients/python

eval "$(scripts/services.sh env)"
db=sluice_contract
scripts/services.sh recreate-db "$db" >/dev/null
database_url=${SLUICE_TEST_DATABASE_URL%/*}/$db
bin=$(swift build --show-bin-path)/sluice
port=${SLUICE_CONTRACT_PORT:-18431}
base=http://127.0.0.1:$port
logs=.local/contract
mkdir -p "$logs"

# A server of its own: a fresh database, short-lived access tokens (the journey waits one
# out and refreshes), private webhook targets allowed (the receiver is on this machine), and
# a plan generous enough that the fuzzer's volume is not what it measures.
export SLUICE_DATABASE_URL=$database_url SLUICE_REDIS_URL
export SLUICE_JWT_KEYS="contract:$(head -c 32 /dev/urandom | base64)"
export SLUICE_LISTEN=127.0.0.1:$port SLUICE_LOG_LEVEL=${SLUICE_LOG_LEVEL:-warning} SLUICE_LOG_FORMAT=text
export SLUICE_ACCESS_TOKEN_TTL_SECONDS=${SLUICE_ACCESS_TOKEN_TTL_SECONDS:-30}
export SLUICE_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true SLUICE_WORKER_CONCURRENCY=2
export SLUICE_SIGNUPS_PER_IP=100000 SLUICE_LOGIN_FAILURES_PER_IP=100000 SLUICE_LOGIN_FAILURES_PER_ACCOUNT=1000
"$bin" migrate >"$logs/migrate.log" 2>&1
"$bin" serve >"$logs/server.log" 2>&1 &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "$base/healthz" >/dev/null || { echo "the server did not start; see $logs/server.log" >&2; exit 1; }

status=0
if [ "$what" = all ] || [ "$what" = journey ]; then
    SLUICE_BASE_URL=$base SLUICE_ACCESS_TOKEN_TTL_SECONDS=$SLUICE_ACCESS_TOKEN_TTL_SECONDS \
        "$py" -m pytest -q clients/journey || status=1
fi
if [ "$what" = all ] || [ "$what" = fuzz ]; then
    SLUICE_BASE_URL=$base scripts/fuzz.sh || status=1
fi
exit $status
