#!/usr/bin/env bash
# Generates the Python client (clients/python) from openapi/openapi.yaml with the pinned
# openapi-python-client of scripts/python-requirements.txt. Refuses a document that makes the
# generator warn.
#   scripts/generate-clients.sh           regenerate clients/python
#   scripts/generate-clients.sh --check   fail if clients/python is not what the document makes
# The Swift client (SluiceClient) is generated at build time by swift-openapi-generator.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
scripts/python-tools.sh
export PATH=$PWD/.local/venv/bin:$PATH

generate() { # into $1
    local log
    log=$(openapi-python-client generate --path openapi/openapi.yaml --config clients/python-client.yaml \
        --custom-template-path clients/templates --meta setup --output-path "$1" --overwrite --fail-on-warning 2>&1) || {
        echo "$log" >&2
        echo "openapi-python-client refused the document (above)" >&2
        return 1
    }
}

if [ "${1:-}" = --check ]; then
    scratch=$(mktemp -d)
    trap 'rm -rf "$scratch"' EXIT
    generate "$scratch/python"
    if ! diff -r -q -x __pycache__ -x '*.egg-info' -x build -x .ruff_cache "$scratch/python" clients/python; then
        echo "clients/python is not current with openapi/openapi.yaml: run scripts/generate-clients.sh" >&2
        exit 1
    fi
    echo "clients/python is current with openapi/openapi.yaml"
else
    generate clients/python
    echo "generated clients/python"
fi
