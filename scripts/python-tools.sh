#!/usr/bin/env bash
# A virtual environment in .local/venv with the pinned Python tools of
# scripts/python-requirements.txt; reinstalled when that file changes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv=.local/venv
stamp=$venv/.requirements
if [ -x "$venv/bin/python" ] && cmp -s scripts/python-requirements.txt "$stamp"; then exit 0; fi
as_root() { if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi; }
rm -rf "$venv"
python3 -m venv "$venv" 2>/dev/null || {
    # Debian's python3 keeps venv (and ensurepip) in a package of its own.
    rm -rf "$venv"
    as_root apt-get update -qq
    as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends python3-venv >/dev/null
    python3 -m venv "$venv"
}
"$venv/bin/pip" install -q --disable-pip-version-check -r scripts/python-requirements.txt
cp scripts/python-requirements.txt "$stamp"
