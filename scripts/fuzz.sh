#!/usr/bin/env bash
# schemathesis against a running server ($SLUICE_BASE_URL), twice: as the owner of a tenant
# (a JWT) and as an admin API key of another, throwaway tenant. Every check, every phase
# (examples, coverage, fuzzing, stateful through the document's links), bounded by
# SLUICE_FUZZ_SECONDS (examples, coverage, fuzzing) and SLUICE_FUZZ_STATEFUL_SECONDS per identity. The refusals expected by design are in clients/fuzz/README.md.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
base=${SLUICE_BASE_URL:?the server to fuzz}
# Examples, coverage and fuzzing share one budget; the stateful phase has its own, so that
# it is not left only what fuzzing did not spend.
seconds=${SLUICE_FUZZ_SECONDS:-60}
stateful_seconds=${SLUICE_FUZZ_STATEFUL_SECONDS:-45}
st=.local/venv/bin/schemathesis
reports=.local/contract/fuzz
mkdir -p "$reports"

# An owner, signed up through the API (the hooks sign in again as its access token nears
# expiry); and an admin key of a second tenant.
signup() { # email password → the signup response
    curl -sf -X POST "$base/v1/auth/signup" -H 'content-type: application/json' \
        -d "{\"email\":\"$1\",\"password\":\"$2\",\"tenantName\":\"Fuzz $RANDOM\"}"
}
json() { .local/venv/bin/python -c "import json,sys; print(json.load(sys.stdin)$1)"; }
owner_email="owner-$RANDOM$RANDOM@fuzz.example" owner_password="fuzz-password-$RANDOM$RANDOM"
signup "$owner_email" "$owner_password" >/dev/null
other=$(signup "admin-$RANDOM$RANDOM@fuzz.example" "fuzz-password-$RANDOM$RANDOM" | json "['tokens']['accessToken']")
created=$(curl -sf -X POST "$base/v1/api-keys" -H "authorization: Bearer $other" -H 'content-type: application/json' \
    -d '{"name":"fuzz-admin","scopes":["admin"]}')
admin_key=$(echo "$created" | json "['secret']")
admin_key_id=$(echo "$created" | json "['id']")

status=0
run() { # name, the Authorization header or "", then environment for the hooks
    local name=$1 header=$2 started
    shift 2
    local extra=()
    if [ -n "$header" ]; then extra=(-H "$header"); fi
    for phases in examples,coverage,fuzzing stateful; do
        local budget=$seconds
        if [ "$phases" = stateful ]; then budget=$stateful_seconds; fi
        started=$(date +%s)
        echo "== schemathesis as $name: $phases (${budget}s)"
        env PYTHONPATH=clients/fuzz SCHEMATHESIS_HOOKS=hooks SLUICE_BASE_URL="$base" "$@" \
            "$st" --config-file clients/fuzz/schemathesis.toml run openapi/openapi.yaml --url "$base" "${extra[@]}" \
            --phases "$phases" --max-time "$budget" --report junit,ndjson --report-dir "$reports/$name-$phases" --no-color || status=1
        echo "== schemathesis as $name: $phases took $(( $(date +%s) - started ))s"
    done
}
run owner "" SLUICE_FUZZ_EMAIL="$owner_email" SLUICE_FUZZ_PASSWORD="$owner_password"
run admin-key "Authorization: Bearer $admin_key" SLUICE_FUZZ_OWN_KEY_ID="$admin_key_id"
exit $status
