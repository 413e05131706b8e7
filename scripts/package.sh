#!/usr/bin/env bash
# The container image's runtime layout as a tarball, for hosts without a container engine:
#   sluice/bin/sluice                      the server (serve, worker, migrate, admin)
#   sluice/bin/swift-backtrace             crash backtraces (static builds)
#   sluice/share/sluice/migrations/        the schema, found by the binary beside it
#   sluice/share/sluice/openapi.yaml       the contract
# Unpack anywhere and run bin/sluice with the README's environment; the dashboard is inside
# the binary. SWIFT_BACKTRACE=…,swift-backtrace=<dir>/sluice/bin/swift-backtrace turns on
# crash backtraces.
#   scripts/package.sh                  release, Swift's standard library linked in (as the image)
#   scripts/package.sh --debug          the debug build as it is (tests: no second build)
#   PACKAGE_OUT=dir scripts/package.sh  where the tarball goes (default .local/package)
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
mode=${1:-release}
out=${PACKAGE_OUT:-.local/package}
version=$(git describe --tags --always --dirty 2>/dev/null || echo dev)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
root=$stage/sluice
mkdir -p "$root/bin" "$root/share/sluice" "$out"
case "$mode" in
    --debug)
        swift build --product sluice 2>&1 | tail -1
        cp "$(swift build --show-bin-path)/sluice" "$root/bin/"
        ;;
    release)
        swift build -c release --static-swift-stdlib --scratch-path .build-package --product sluice 2>&1 | tail -1
        cp "$(swift build -c release --scratch-path .build-package --show-bin-path)/sluice" "$root/bin/"
        backtrace=$(dirname "$(readlink -f "$(command -v swift)")")/../libexec/swift/linux/swift-backtrace-static
        [ -x "$backtrace" ] && cp "$backtrace" "$root/bin/swift-backtrace"
        ;;
    *) echo "usage: scripts/package.sh [--debug]" >&2; exit 2 ;;
esac
cp -R migrations "$root/share/sluice/migrations"
cp openapi/openapi.yaml "$root/share/sluice/"
suffix=""
if [ "$mode" = --debug ]; then suffix=-debug; fi
tarball=$out/sluice-$version-$(uname -m)$suffix.tar.gz
tar -C "$stage" -czf "$tarball" sluice
echo "$tarball"
