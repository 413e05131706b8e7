#!/usr/bin/env bash
# The test command: install and start PostgreSQL and Redis (scripts/services.sh), make a
# clean test database, build and run the whole suite against them.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/services.sh up
scripts/services.sh recreate-db sluice_test
eval "$(scripts/services.sh env)"
export SLUICE_TEST_DATABASE_URL SLUICE_PG_ADMIN_URL SLUICE_REDIS_URL

swift build --build-tests
swift test --skip-build "$@"
