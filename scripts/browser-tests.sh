#!/usr/bin/env bash
# The dashboard in a real browser: Debian's chromium and chromium-driver, headless, driven by
# selenium (browser-tests/test_dashboard.py) against a server of its own; axe-core (from the
# axe-playwright-python wheel, pinned) checks each page's accessibility. Screenshots of every
# page go to .local/screenshots (git-ignored).
# Needs the debug build (swift build) and the services (scripts/services.sh up).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi
scripts/python-tools.sh
py=.local/venv/bin/python
axe=.local/axe/axe.min.js
if [ ! -s "$axe" ]; then
    mkdir -p .local/axe
    .local/venv/bin/pip download -q --disable-pip-version-check --no-deps -d .local/axe axe-playwright-python==0.1.8
    unzip -q -o -j .local/axe/axe_playwright_python-0.1.8-py3-none-any.whl axe_playwright_python/axe.min.js -d .local/axe
fi

eval "$(scripts/services.sh env)"
db=sluice_browser
scripts/services.sh recreate-db "$db" >/dev/null
bin=$(swift build --show-bin-path)/sluice
port=${SLUICE_BROWSER_PORT:-18441}
base=http://127.0.0.1:$port
# The browser goes to localhost: browsers keep Secure cookies over plain HTTP for it only.
browser_base=http://localhost:$port
logs=.local/browser
mkdir -p "$logs" .local/screenshots
export SLUICE_DATABASE_URL=${SLUICE_TEST_DATABASE_URL%/*}/$db SLUICE_REDIS_URL
export SLUICE_JWT_KEYS="browser:$(head -c 32 /dev/urandom | base64)"
export SLUICE_LISTEN=127.0.0.1:$port SLUICE_LOG_LEVEL=${SLUICE_LOG_LEVEL:-warning} SLUICE_LOG_FORMAT=text
# Redis is shared with the suites before (the fuzzer fails many logins from this address).
export SLUICE_SIGNUPS_PER_IP=100000 SLUICE_LOGIN_FAILURES_PER_IP=100000 SLUICE_LOGIN_FAILURES_PER_ACCOUNT=1000
"$bin" migrate >"$logs/migrate.log" 2>&1
"$bin" serve >"$logs/server.log" 2>&1 &
server=$!
trap 'kill -TERM "$server" 2>/dev/null; wait "$server" 2>/dev/null || true' EXIT
for _ in $(seq 1 150); do curl -sf "$base/healthz" >/dev/null && break; sleep 0.2; done
curl -sf "$base/healthz" >/dev/null || { echo "the server did not start; see $logs/server.log" >&2; exit 1; }

SLUICE_BASE_URL=$browser_base SLUICE_AXE=$axe SLUICE_SCREENSHOTS=.local/screenshots \
    "$py" -m pytest -q -p no:cacheprovider browser-tests
