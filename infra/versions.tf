terraform {
  # 1.9+: variable validations may refer to locals (infra/variables.tf checks tfvars against the catalog).
  required_version = ">= 1.9"

  required_providers {
    # The 6.50 series: the schema that tests/infra/test_provider_schema.py checks infra/ against
    # (tools/provider_schema.py). Moving to 7.x means moving that schema too.
    google = {
      source  = "hashicorp/google"
      version = "~> 6.50"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = "~> 6.50"
    }
    # 2.5+: glob patterns in archive_file's excludes (source.tf). With 2.4 the patterns
    # ("**/__pycache__", "*.md"...) match nothing, so caches and prose enter the archive, its hash
    # changes whenever they do, and every function redeploys.
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.5, < 3.0"
    }
  }

  # State lives in a GCS bucket per environment, created once by hand (docs/deploy.md):
  #   terraform init -reconfigure -backend-config=envs/dev.gcs.tfbackend
  backend "gcs" {}
}

# user_project_override and billing_project: with a person's gcloud login (the first deploy,
# docs/deploy.md) requests carry no quota project of their own, and Identity Toolkit and reCAPTCHA
# Enterprise answer 403 "requires a quota project". These send the environment's own project
# as the quota project of every request, for both providers.
provider "google" {
  project               = var.project_id
  region                = var.region
  user_project_override = true
  billing_project       = var.project_id

  default_labels = local.labels
}

# Firebase resources (project, web app, Hosting site) and service identities are only in google-beta.
provider "google-beta" {
  project               = var.project_id
  region                = var.region
  user_project_override = true
  billing_project       = var.project_id

  default_labels = local.labels
}
