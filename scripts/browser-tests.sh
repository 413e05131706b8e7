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
    "$py" -c 'import sys, zipfile; open(sys.argv[2], "wb").write(zipfile.ZipFile(sys.argv[1]).read("axe_playwright_python/axe.min.js"))' \
        .local/axe/axe_playwright_python-0.1.8-py3-none-any.whl "$axe"
fi

# Webhook workers on, to a receiver the tests run on this machine.
export SLUICE_WEBHOOK_ALLOW_PRIVATE_NETWORKS=true SLUICE_WORKER_CONCURRENCY=2
. scripts/test-server.sh
port=${SLUICE_BROWSER_PORT:-18441}
start_test_server browser "$port"
mkdir -p .local/screenshots
# The browser goes to localhost: browsers keep Secure cookies over plain HTTP for it only.
browser_base=http://localhost:$port
SLUICE_BASE_URL=$browser_base SLUICE_AXE=$axe SLUICE_SCREENSHOTS=.local/screenshots \
    "$py" -m pytest -q -p no:cacheprovider browser-tests
