#!/usr/bin/env bash
# Checks of the Terraform that need no cloud and no provider download (CI cannot reach the
# Terraform registry, so `terraform init/validate` cannot run here):
#   1. terraform fmt -check
#   2. checkov over infra/: zero failed checks; the only exceptions are inline
#      `# checkov:skip=CKV_...: reason` comments next to the resource they concern
#   3. the generated data files are current (tools/infra_catalog.py, tools/firestore_indexes.py)
# The tests under tests/infra/ prove the rest (run by `make test`).
# Checkov lives in its own virtualenv, .venv-checkov, created on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

CHECKOV_VERSION=3.3.30
CHECKOV_VENV=.venv-checkov

# Terraform warns on every command when TF_CLI_CONFIG_FILE names a missing file; fmt needs no CLI config.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi

command -v terraform >/dev/null || { echo "terraform is required on PATH (https://developer.hashicorp.com/terraform/install)" >&2; exit 1; }
if ! terraform fmt -check -recursive infra; then
  echo "terraform fmt: the files above need formatting: terraform fmt -recursive infra" >&2
  exit 1
fi

if [ ! -x "$CHECKOV_VENV/bin/checkov" ] || [ "$("$CHECKOV_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("checkov"))' 2>/dev/null)" != "$CHECKOV_VERSION" ]; then
  PYTHON=$(command -v python3.11 || command -v python3)
  echo "installing checkov $CHECKOV_VERSION into $CHECKOV_VENV (once)"
  "$PYTHON" -m venv "$CHECKOV_VENV"
  "$CHECKOV_VENV/bin/python" -m pip install --quiet --disable-pip-version-check "checkov==$CHECKOV_VERSION"
fi
# --framework terraform: HCL only (the generated JSON is data, not CloudFormation/ARM).
"$CHECKOV_VENV/bin/checkov" --directory infra --framework terraform --quiet --compact \
  --skip-download --download-external-modules false

PY=.venv/bin/python
[ -x "$PY" ] || PY=$(command -v python3.11 || command -v python3)
"$PY" -m tools.infra_catalog --check
"$PY" -m tools.firestore_indexes --check
echo "infra checks passed"
