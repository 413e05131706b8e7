#!/usr/bin/env bash
# A virtual environment in .local/venv with the pinned Python tools of
# scripts/python-requirements.txt; reinstalled when that file changes.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv=.local/venv
stamp=$venv/.requirements
if [ -x "$venv/bin/python" ] && cmp -s scripts/python-requirements.txt "$stamp"; then exit 0; fi
python3 -m venv "$venv" 2>/dev/null || {
    sudo apt-get install -y -q python3-venv >/dev/null
    python3 -m venv "$venv"
}
"$venv/bin/pip" install -q --disable-pip-version-check -r scripts/python-requirements.txt
cp scripts/python-requirements.txt "$stamp"
