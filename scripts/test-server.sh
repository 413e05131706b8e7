# Sourced by the suites that test a running server from outside (contract-tests.sh,
# browser-tests.sh): `start_test_server NAME PORT` serves the debug build on 127.0.0.1:PORT
# against a fresh database sluice_NAME, with logs in .local/NAME, and stops it when the
# calling script exits. Settings the caller exported (SLUICE_*) apply; these are its own:
# a fresh JWT key, and login and signup limits that the suites before it in the same Redis (the
# fuzzer fails many logins from this address) do not exhaust.
start_test_server() {
    local name=$1 port=$2
    eval "$(scripts/services.sh env)"
    scripts/services.sh recreate-db "sluice_$name" >/dev/null
    local bin
    bin=$(swift build --show-bin-path)/sluice
    test_server_base=http://127.0.0.1:$port
    test_server_logs=.local/$name
    mkdir -p "$test_server_logs"
    export SLUICE_DATABASE_URL=${SLUICE_TEST_DATABASE_URL%/*}/sluice_$name SLUICE_REDIS_URL
    export SLUICE_JWT_KEYS="$name:$(head -c 32 /dev/urandom | base64)"
    export SLUICE_LISTEN=127.0.0.1:$port SLUICE_LOG_LEVEL=${SLUICE_LOG_LEVEL:-warning} SLUICE_LOG_FORMAT=text
    export SLUICE_SIGNUPS_PER_IP=100000 SLUICE_LOGIN_FAILURES_PER_IP=100000 SLUICE_LOGIN_FAILURES_PER_ACCOUNT=1000
    "$bin" migrate >"$test_server_logs/migrate.log" 2>&1
    "$bin" serve >"$test_server_logs/server.log" 2>&1 &
    test_server_pid=$!
    trap 'kill -TERM "$test_server_pid" 2>/dev/null; wait "$test_server_pid" 2>/dev/null || true' EXIT
    for _ in $(seq 1 150); do curl -sf "$test_server_base/healthz" >/dev/null && break; sleep 0.2; done
    curl -sf "$test_server_base/healthz" >/dev/null || { echo "the server did not start; see $test_server_logs/server.log" >&2; exit 1; }
}
