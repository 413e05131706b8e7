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

# A server of its own (scripts/test-server.sh): short-lived access tokens (the journey waits one
# out and refreshes), private webhook targets allowed (the receiver is on this machine), and
# a plan generous enough that the fuzzer's volume is not what it measures.
export SLUICE_ACCESS_TOKEN_TTL_SECONDS=${SLUICE_ACCESS_TOKEN_TTL_SECONDS:-30}
export SLUICE_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true SLUICE_WORKER_CONCURRENCY=2
. scripts/test-server.sh
start_test_server contract "${SLUICE_CONTRACT_PORT:-18431}"
base=$test_server_base

status=0
if [ "$what" = all ] || [ "$what" = journey ]; then
    SLUICE_BASE_URL=$base SLUICE_ACCESS_TOKEN_TTL_SECONDS=$SLUICE_ACCESS_TOKEN_TTL_SECONDS \
        "$py" -m pytest -q clients/journey || status=1
fi
if [ "$what" = all ] || [ "$what" = fuzz ]; then
    SLUICE_BASE_URL=$base scripts/fuzz.sh || status=1
fi
exit $status
