#!/usr/bin/env bash
# The test command: install and start PostgreSQL and Redis (scripts/services.sh), make a
# clean test database, build and run the whole suite against them; then the contract's own
# tests from outside (scripts/contract-tests.sh: the generated Python client is current, its
# journey passes, schemathesis finds no gap), the dashboard in a headless Chromium
# (scripts/browser-tests.sh; the dashboard's third-party files are checked against their pins),
# the packaged server run outside the checkout (scripts/package-tests.sh), and the deployment
# offline (scripts/infra-tests.sh: hadolint, terraform validate and test, checkov).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/services.sh up
scripts/services.sh recreate-db sluice_test
eval "$(scripts/services.sh env)"
export SLUICE_TEST_DATABASE_URL SLUICE_PG_ADMIN_URL SLUICE_REDIS_URL

# The contract must be a valid OpenAPI document (the generator also refuses a broken one).
python3 -c 'import openapi_spec_validator' 2>/dev/null || python3 -m pip install -q openapi-spec-validator
python3 -m openapi_spec_validator openapi/openapi.yaml

# One formatting, the toolchain's swift-format with .swift-format (Hummingbird's settings).
swift format lint --strict --recursive Sources Tests

swift build --build-tests
if [ $# -gt 0 ]; then
    swift test --skip-build "$@"
else
    # The pure layer first (no services; seconds), then end to end. The suites that make
    # servers of their own (the fault suite restarts a PostgreSQL under load; the TLS suite
    # runs initdb, openssl and a TLS Redis, waiting on those processes) run alone, one after
    # the other, after the others, so that none slows another's timings.
    swift test --skip-build --filter 'SluiceUnitTests|SluiceJSONTests'
    swift test --skip-build --skip 'FaultTests|TLSTests' --skip 'SluiceUnitTests|SluiceJSONTests'
    swift test --skip-build --filter FaultTests
    swift test --skip-build --filter TLSTests
    scripts/contract-tests.sh
    scripts/vendor-assets.sh
    scripts/browser-tests.sh
    scripts/package-tests.sh
    scripts/infra-tests.sh
fi
