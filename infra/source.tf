# Every function is built from one archive of the repository: main.py at its root resolves
# each entry point lazily, so a function imports only its own module. The object's name is the
# archive's hash: a change anywhere in the code makes a new object and redeploys the functions;
# no change, no redeploy. The zip has fixed timestamps and modes, so the hash depends only on
# the files.
data "archive_file" "source" {
  type             = "zip"
  source_dir       = "${path.module}/.."
  output_path      = "${path.module}/.build/source.zip"
  output_file_mode = "0644"

  excludes = [
    ".build", ".ci", ".git", ".hypothesis", ".local", ".mypy_cache", ".pytest_cache", ".ruff_cache", ".venv", ".venv-checkov",
    "bench", "infra", "node_modules", "tests", "tools", "web", # development only
    "package.json", "package-lock.json", "requirements.in", "requirements-dev.in", "requirements-dev.txt", "Makefile",
    # Deployed by other means (Firebase CLI, Terraform); pyproject.toml is for developers
    # (`pip install -e .`), and without it the buildpack installs requirements.txt and nothing else.
    "firebase.json", "firestore.rules", "firestore.indexes.json", "pyproject.toml", ".gitignore",
    "__pycache__", "**/__pycache__", "**/*.pyc", "*.log",
    # Prose: editing the docs must not redeploy the functions (docs/openapi.json is served, so it stays).
    "*.md", "docs/*.md",
  ]
}

# The functions' source archives, one object per code version, named by its hash.
resource "google_storage_bucket" "source" {
  # checkov:skip=CKV_GCP_62: access logs of a bucket that only Terraform and Cloud Build read would log nothing of use; Cloud Audit Logs record admin access.
  name                        = "${var.project_id}-functions-source"
  location                    = var.region
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false

  versioning {
    enabled = true
  }

  # Objects are named by content hash and never overwritten; keep old ones so a rollback can
  # point a function at them (docs/deploy.md), but drop overwritten versions after 30 days.
  lifecycle_rule {
    condition {
      days_since_noncurrent_time = 30
      with_state                 = "ARCHIVED"
    }
    action {
      type = "Delete"
    }
  }

  depends_on = [google_project_service.api]
}

# This checkout's archive, under a new name (and rebuilding every function) only when the code changed.
resource "google_storage_bucket_object" "source" {
  name         = "functions/${data.archive_file.source.output_sha256}.zip"
  bucket       = google_storage_bucket.source.name
  source       = data.archive_file.source.output_path
  content_type = "application/zip"
}

# The functions' images, in a repository we own so old images are cleaned up (each deploy
# builds one image per function) instead of piling up in the default gcf-artifacts.
resource "google_artifact_registry_repository" "functions" {
  # checkov:skip=CKV_GCP_84: images hold our code, no personal data; Google-managed encryption at rest is enough and a KMS key would be one more thing to keep alive.
  repository_id = "functions"
  location      = var.region
  format        = "DOCKER"
  description   = "Images of the Cloud Functions, built by Cloud Build"

  cleanup_policy_dry_run = false
  cleanup_policies {
    id     = "keep-recent"
    action = "KEEP"
    most_recent_versions {
      keep_count = 5
    }
  }
  cleanup_policies {
    id     = "delete-old"
    action = "DELETE"
    condition {
      older_than = "2592000s" # 30 days
    }
  }

  depends_on = [google_project_service.api]
}
