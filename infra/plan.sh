#!/usr/bin/env bash
# `make plan ENV=dev`: terraform init with the environment's state bucket, then terraform plan
# with its tfvars, written to infra/<env>.tfplan for `terraform apply <env>.tfplan`.
#
# It needs what CI does not have: the Terraform registry (to download the providers) and the
# environment's Google Cloud project (application default credentials). Where either is
# missing it stops and says so, before terraform prints pages of retries. In CI the provider
# schema test (tests/infra/test_provider_schema.py) checks infra/ without them.
set -euo pipefail
cd "$(dirname "$0")"

ENV=${1:-}
if [ -z "$ENV" ] || [ ! -f "envs/$ENV.tfvars" ] || [ ! -f "envs/$ENV.gcs.tfbackend" ]; then
  echo "usage: make plan ENV=<env>, with infra/envs/<env>.tfvars and infra/envs/<env>.gcs.tfbackend (have: $(cd envs && ls -- *.tfvars | sed 's/\.tfvars$//' | paste -sd ' ' -))" >&2
  exit 2
fi

stop() {
  echo "make plan ENV=$ENV: $1" >&2
  echo "  Run it where the Terraform registry and the project are reachable (docs/deploy.md, \"First deploy\")." >&2
  echo "  Here, make test checks infra/ against the provider schemas instead (tests/infra/test_provider_schema.py)." >&2
  exit 3
}

# Terraform warns on every command when TF_CLI_CONFIG_FILE names a missing file.
if [ -n "${TF_CLI_CONFIG_FILE:-}" ] && [ ! -e "$TF_CLI_CONFIG_FILE" ]; then unset TF_CLI_CONFIG_FILE; fi
command -v curl >/dev/null || stop "curl is not on PATH (it checks that the Terraform registry is reachable)"
command -v terraform >/dev/null || stop "terraform is not on PATH (https://developer.hashicorp.com/terraform/install)"

# The providers come from the registry, unless a CLI configuration points at a mirror.
# (PANTAU_TERRAFORM_REGISTRY: another address to probe, e.g. a proxy's; the tests use one that cannot resolve.)
REGISTRY=${PANTAU_TERRAFORM_REGISTRY:-https://registry.terraform.io}
cli_config=${TF_CLI_CONFIG_FILE:-$HOME/.terraformrc}
if ! { [ -f "$cli_config" ] && grep -q provider_installation "$cli_config"; }; then
  if ! curl -fsS --max-time 10 -o /dev/null "$REGISTRY/.well-known/terraform.json" 2>/dev/null; then
    stop "the Terraform registry ($REGISTRY) is unreachable, so terraform init cannot download the providers"
  fi
fi

PROJECT=$(sed -n 's/^project_id *= *"\(.*\)"/\1/p' "envs/$ENV.tfvars")
BUCKET=$(sed -n 's/^bucket *= *"\(.*\)"/\1/p' "envs/$ENV.gcs.tfbackend")
command -v gcloud >/dev/null || stop "gcloud is not on PATH (the Google Cloud CLI: https://cloud.google.com/sdk/docs/install)"
gcloud auth application-default print-access-token >/dev/null 2>&1 ||
  stop "no application default credentials: gcloud auth application-default login"
gcloud projects describe "$PROJECT" --format='value(projectId)' >/dev/null 2>&1 ||
  stop "project $PROJECT (infra/envs/$ENV.tfvars) cannot be read with these credentials"
gcloud storage buckets describe "gs://$BUCKET" --format='value(name)' >/dev/null 2>&1 ||
  stop "the state bucket gs://$BUCKET (infra/envs/$ENV.gcs.tfbackend) does not exist or cannot be read: docs/deploy.md, \"The state bucket\""

# Terraform reads the generated catalog; a stale one would plan yesterday's functions.
PY=../.venv/bin/python
[ -x "$PY" ] || PY=$(command -v python3.11 || command -v python3)
(cd .. && "$PY" -m tools.infra_catalog --check && "$PY" -m tools.firestore_indexes --check)

terraform init -reconfigure -input=false -backend-config="envs/$ENV.gcs.tfbackend"
terraform plan -input=false -var-file="envs/$ENV.tfvars" -out="$ENV.tfplan"
echo "plan written to infra/$ENV.tfplan: review it, then: cd infra && terraform apply $ENV.tfplan"
