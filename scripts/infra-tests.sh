#!/usr/bin/env bash
# The deployment's checks, offline: hadolint on the Dockerfile; for the Terraform module and
# its example, `terraform init -backend=false`, `validate` and `test` (mocked AWS provider)
# with the hashicorp/aws provider from a local filesystem mirror; checkov over both. Tools
# from PyPI (pinned in scripts/infra-requirements.txt) into .local/venv-infra.
# Skipped, saying so, when terraform is not on the PATH (hadolint still runs).
#   TF_PROVIDER_MIRROR=/path  a directory holding registry.terraform.io/hashicorp/aws/5.100.0/…
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
venv=.local/venv-infra
stamp=$venv/.requirements
if ! { [ -x "$venv/bin/python" ] && cmp -s scripts/infra-requirements.txt "$stamp"; }; then
    # The project's tools first: their script installs python3-venv where Debian lacks it.
    scripts/python-tools.sh
    rm -rf "$venv"
    python3 -m venv "$venv"
    "$venv/bin/pip" install -q --disable-pip-version-check -r scripts/infra-requirements.txt
    cp scripts/infra-requirements.txt "$stamp"
fi

echo "== hadolint Dockerfile"
"$venv/bin/hadolint" Dockerfile

if ! command -v terraform >/dev/null; then
    echo "== terraform is not on the PATH: the Terraform checks (init, validate, test, checkov) are skipped"
    exit 0
fi
mirror=${TF_PROVIDER_MIRROR:-}
if [ -z "$mirror" ]; then
    for root in /opt /usr/local/share /usr/share "$HOME" /work; do
        found=$(find "$root" -maxdepth 6 -type d -path '*/registry.terraform.io/hashicorp/aws/5.100.0/linux_amd64' 2>/dev/null | head -1)
        if [ -n "$found" ]; then mirror=${found%/registry.terraform.io/*}; break; fi
    done
fi
[ -n "$mirror" ] || { echo "no local copy of the hashicorp/aws provider (TF_PROVIDER_MIRROR=…)" >&2; exit 1; }
mkdir -p .local/terraform
cat > .local/terraform/cli.tfrc <<CONFIG
provider_installation {
  filesystem_mirror {
    path    = "$mirror"
    include = ["registry.terraform.io/hashicorp/aws"]
  }
}
CONFIG
export TF_CLI_CONFIG_FILE=$PWD/.local/terraform/cli.tfrc TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1

status=0
for dir in infra/terraform/modules/sluice infra/terraform/examples/aws; do
    echo "== terraform: $dir"
    terraform -chdir="$dir" fmt -check -recursive || status=1
    terraform -chdir="$dir" init -backend=false -no-color >/dev/null || { status=1; continue; }
    terraform -chdir="$dir" validate -no-color || status=1
    if compgen -G "$dir/tests/*.tftest.hcl" >/dev/null; then
        terraform -chdir="$dir" test -no-color || status=1
    fi
done
echo "== the tasks' settings are ones Sluice reads"
for name in $(grep -oE 'SLUICE_[A-Z0-9_]*[A-Z0-9]\b' infra/terraform/modules/sluice/main.tf | sort -u); do
    grep -rqF "\"$name\"" Sources/SluiceServer/Configuration.swift Sources/sluice || { echo "$name is set by the module but read nowhere in Sources" >&2; status=1; }
done
echo "== checkov"
"$venv/bin/checkov" --quiet --compact --skip-download --framework terraform -d infra/terraform --download-external-modules false || status=1
exit $status
