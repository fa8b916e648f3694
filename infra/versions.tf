terraform {
  # 1.9+: variable validations may refer to locals (infra/variables.tf checks tfvars against the catalog).
  required_version = ">= 1.9"

  required_providers {
    google = {
      source  = "hashicorp/google"
      version = ">= 6.0, < 8.0"
    }
    google-beta = {
      source  = "hashicorp/google-beta"
      version = ">= 6.0, < 8.0"
    }
    archive = {
      source  = "hashicorp/archive"
      version = ">= 2.4, < 3.0"
    }
  }

  # State lives in a GCS bucket per environment, created once by hand (docs/deploy.md):
  #   terraform init -reconfigure -backend-config=envs/dev.gcs.tfbackend
  backend "gcs" {}
}

provider "google" {
  project = var.project_id
  region  = var.region

  default_labels = local.labels
}

# Firebase resources (project, web app, Hosting site, service identities) are in google-beta.
# They call APIs that bill the quota project, hence user_project_override.
provider "google-beta" {
  project               = var.project_id
  region                = var.region
  user_project_override = true
  billing_project       = var.project_id

  default_labels = local.labels
}
