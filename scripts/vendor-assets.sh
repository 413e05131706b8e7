#!/usr/bin/env bash
# The dashboard's third-party browser files (Sources/SluiceDashboard/vendor/manifest.tsv):
#   scripts/vendor-assets.sh          check that every file matches its pinned SHA-256
#   scripts/vendor-assets.sh refresh  fetch each pinned release from PyPI again, check it, copy it in
# To move to another release, change its version and wheel in the manifest, run `refresh
# --accept`, review the diff (and the licence), and commit the file with the new digest.
set -euo pipefail
cd "$(dirname "$0")/.."
dashboard=Sources/SluiceDashboard
manifest=$dashboard/vendor/manifest.tsv
mode=${1:-check}
accept=${2:-}
status=0
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

while IFS=$'\t' read -r file library version licence from sha; do
  [[ -z "$file" || "$file" == \#* ]] && continue
  target=$dashboard/Resources/assets/$file
  if [[ "$mode" == refresh ]]; then
    wheel=${from%% *}
    inner=${from#* }
    pip download --quiet --no-deps --only-binary=:all: -d "$work/$library" "$wheel"
    mkdir -p "$(dirname "$work/$library/x/$inner")"
    python3 -c 'import sys, zipfile; open(sys.argv[3], "wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))' \
        "$work/$library"/*.whl "$inner" "$work/$library/x/$inner"
    got=$(sha256sum "$work/$library/x/$inner" | cut -d' ' -f1)
    if [[ "$got" != "$sha" && "$accept" != --accept ]]; then
      echo "$file: $wheel has $got, the manifest pins $sha (rerun with --accept to take it)" >&2
      status=1
      continue
    fi
    cp "$work/$library/x/$inner" "$target"
    [[ "$got" != "$sha" ]] && sed -i "s/$sha\$/$got/" "$manifest"
    echo "$file: $library $version from $wheel ($got)"
  else
    got=$(sha256sum "$target" | cut -d' ' -f1)
    if [[ "$got" != "$sha" ]]; then
      echo "$file: $got, the manifest pins $sha" >&2
      status=1
    else
      echo "$file: $library $version, $(wc -c <"$target") bytes, $licence: ok"
    fi
  fi
done <"$manifest"
exit $status
