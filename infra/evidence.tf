# Evidence files (bukti dukung): photos and scanned PDFs the ASN send from the app straight to
# this bucket with a V4 signed URL (api_reports signs it); evidence_check judges each object on
# arrival (Eventarc: object finalized). Nobody reads the bucket directly: every read is a
# short-lived signed URL given to the ASN, their supervisor or BKPSDM.
resource "google_storage_bucket" "evidence" {
  # checkov:skip=CKV_GCP_78: no versioning on purpose: a photo is rewritten without its GPS position, and a noncurrent version would keep the position; a rejected file must really be gone.
  # checkov:skip=CKV_GCP_62: access logs of the evidence bucket would duplicate what Cloud Audit Logs (data access) record for it; every read is a signed URL the API logged giving out.
  name                        = "${var.project_id}-evidence"
  location                    = var.region
  storage_class               = "STANDARD"
  uniform_bucket_level_access = true
  public_access_prevention    = "enforced"
  force_destroy               = false
  labels                      = local.labels

  versioning {
    enabled = false
  }

  # Soft delete would keep an overwritten photo (with its position) and a rejected file for
  # days: a deletion here must be a deletion.
  soft_delete_policy {
    retention_duration_seconds = 0
  }

  # Kept as long as the report: the files of a report are deleted when the report's retention
  # ends (var.report_retention_days, docs/deploy.md). Orphans never reach this age: the daily
  # evidence_sweep deletes an upload never made after an hour and a verified file no report
  # attached after PANTAU_EVIDENCE_ORPHAN_DAYS.
  lifecycle_rule {
    condition {
      age            = var.report_retention_days
      matches_prefix = ["evidence/"]
    }
    action {
      type = "Delete"
    }
  }

  # Read by supervisors in the month after; after a quarter seldom: cheaper storage, same URLs.
  lifecycle_rule {
    condition {
      age                   = 90
      matches_storage_class = ["STANDARD"]
    }
    action {
      type          = "SetStorageClass"
      storage_class = "NEARLINE"
    }
  }

  # A resumable or multipart upload a weak signal abandoned.
  lifecycle_rule {
    condition {
      age = 1
    }
    action {
      type = "AbortIncompleteMultipartUpload"
    }
  }

  # The web app (Hosting's domains) may PUT to a signed URL and read a download URL from a page.
  cors {
    origin          = [for domain in local.web_domains : "https://${domain}"]
    method          = ["PUT", "GET", "HEAD"]
    response_header = ["Content-Type", "x-goog-content-length-range", "x-goog-if-generation-match"]
    max_age_seconds = 3600
  }

  depends_on = [google_project_service.api]
}

# -- who may do what with it ------------------------------------------------------------------

# api_reports signs the upload and download URLs as itself (IAM signBlob): token creator on its
# own account only, nothing on the project.
resource "google_service_account_iam_member" "evidence_signer" {
  service_account_id = google_service_account.function["api_reports"].name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = google_service_account.function["api_reports"].member
}

# A signed URL acts with its signer's rights: create an object (never overwrite: the upload URL
# carries x-goog-if-generation-match: 0) and read one. Nothing else, on this bucket only.
resource "google_storage_bucket_iam_member" "evidence_signer" {
  for_each = toset(["roles/storage.objectCreator", "roles/storage.legacyObjectReader"])

  bucket = google_storage_bucket.evidence.name
  role   = each.key
  member = google_service_account.function["api_reports"].member
}

# evidence_check reads an object, rewrites a photo without its position and deletes a rejected
# file; evidence_sweep deletes orphans. Object user (no IAM changes), on this bucket only.
resource "google_storage_bucket_iam_member" "evidence_objects" {
  for_each = toset(["evidence_check", "evidence_sweep"])

  bucket = google_storage_bucket.evidence.name
  role   = "roles/storage.objectUser"
  member = google_service_account.function[each.key].member
}

# -- the trigger ----------------------------------------------------------------------------------

# Eventarc delivers the bucket's "object finalized" events to evidence_check as this account.
resource "google_service_account" "eventarc" {
  account_id   = "eventarc-storage"
  display_name = "Eventarc: evidence bucket events"
  description  = "Identity of the Eventarc trigger on the evidence bucket; may only receive events and invoke evidence-check."

  depends_on = [google_project_service.api]
}

# An Eventarc trigger's account must be an event receiver (a project role, the only one it has).
resource "google_project_iam_member" "eventarc_receiver" {
  project = var.project_id
  role    = "roles/eventarc.eventReceiver"
  member  = google_service_account.eventarc.member
}

# ... and may invoke the storage-triggered functions, no other.
resource "google_cloud_run_v2_service_iam_member" "eventarc" {
  for_each = local.storage_functions

  location = var.region
  name     = google_cloudfunctions2_function.function[each.key].service_config[0].service
  role     = "roles/run.invoker"
  member   = google_service_account.eventarc.member
}

# Cloud Storage publishes the bucket's notifications for Eventarc through Pub/Sub, as its own
# service agent: Google's documented requirement for Cloud Storage triggers.
data "google_storage_project_service_account" "gcs" {
  depends_on = [google_project_service.api]
}

resource "google_project_iam_member" "gcs_pubsub" {
  project = var.project_id
  role    = "roles/pubsub.publisher"
  member  = "serviceAccount:${data.google_storage_project_service_account.gcs.email_address}"
}
