#!/usr/bin/env bash
# schemathesis against a running server ($SLUICE_BASE_URL), twice: as the owner of a tenant
# (a JWT) and as an admin API key of another, throwaway tenant. Every check, every phase
# (examples, coverage, fuzzing, stateful through the document's links), bounded by
# SLUICE_FUZZ_SECONDS per run. The refusals expected by design are in clients/fuzz/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
base=${SLUICE_BASE_URL:?the server to fuzz}
seconds=${SLUICE_FUZZ_SECONDS:-75}
st=.local/venv/bin/schemathesis
reports=.local/contract/fuzz
mkdir -p "$reports"

# An owner, signed up through the API; and an admin key of a second tenant.
signup() { # email → the signup response
    curl -sf -X POST "$base/v1/auth/signup" -H 'content-type: application/json' \
        -d "{\"email\":\"$1\",\"password\":\"fuzz-password-$RANDOM$RANDOM\",\"tenantName\":\"Fuzz $RANDOM\"}"
}
json() { .local/venv/bin/python -c "import json,sys; print(json.load(sys.stdin)$1)"; }
owner=$(signup "owner-$RANDOM$RANDOM@fuzz.example" | json "['tokens']['accessToken']")
other=$(signup "admin-$RANDOM$RANDOM@fuzz.example" | json "['tokens']['accessToken']")
admin_key=$(curl -sf -X POST "$base/v1/api-keys" -H "authorization: Bearer $other" -H 'content-type: application/json' \
    -d '{"name":"fuzz-admin","scopes":["admin"]}' | json "['secret']")

status=0
run() { # name credential
    local name=$1 credential=$2 started
    started=$(date +%s)
    echo "== schemathesis as $name (${seconds}s)"
    PYTHONPATH=clients/fuzz SCHEMATHESIS_HOOKS=hooks "$st" --config-file clients/fuzz/schemathesis.toml run openapi/openapi.yaml --url "$base" \
        -H "Authorization: Bearer $credential" --max-time "$seconds" \
        --report junit,ndjson --report-dir "$reports/$name" --no-color || status=1
    echo "== schemathesis as $name: $(( $(date +%s) - started ))s"
}
run owner "$owner"
run admin-key "$admin_key"
exit $status
