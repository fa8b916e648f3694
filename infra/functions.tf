# Every function in functions/catalog.py, one resource each, all from the same archive. Keyed
# by the Python name (api_reports), which is the entry point main.py resolves; deployed under
# the hyphenated function id (api-reports) that Hosting's rewrites name, because the Cloud Run
# service under a 2nd-gen function cannot have an underscore in its name.
resource "google_cloudfunctions2_function" "function" {
  # checkov:skip=CKV_GCP_124: HTTP functions take traffic from the internet through Firebase Hosting's rewrites by design (ALLOW_ALL); topic-triggered functions are ALLOW_INTERNAL_ONLY (below).
  for_each = local.functions

  name        = each.value.function_id
  location    = var.region
  description = each.value.description
  labels      = { function = each.value.function_id }

  build_config {
    runtime           = local.catalog.runtime
    entry_point       = each.value.entry_point
    service_account   = google_service_account.build.id
    docker_repository = google_artifact_registry_repository.functions.id

    source {
      storage_source {
        bucket = google_storage_bucket.source.name
        object = google_storage_bucket_object.source.name
      }
    }
  }

  # A storage-triggered function (evidence_check) gets the bucket's events through Eventarc,
  # retried until it succeeds (for up to a day); the handler is safe to run twice.
  dynamic "event_trigger" {
    for_each = each.value.trigger == "storage" ? [each.value.event_type] : []
    content {
      trigger_region        = var.region
      event_type            = event_trigger.value
      retry_policy          = "RETRY_POLICY_RETRY"
      service_account_email = google_service_account.eventarc.email

      event_filters {
        attribute = "bucket"
        value     = google_storage_bucket.evidence.name
      }
    }
  }

  service_config {
    available_memory                 = each.value.memory
    available_cpu                    = each.value.cpu
    timeout_seconds                  = each.value.timeout_seconds
    max_instance_count               = each.value.max_instances
    min_instance_count               = lookup(var.min_instances, each.key, 0)
    max_instance_request_concurrency = 1
    all_traffic_on_latest_revision   = true
    service_account_email            = google_service_account.function[each.key].email
    environment_variables            = local.function_env[each.key]

    # HTTP functions are reached through Firebase Hosting's rewrites, which come from the
    # internet. Topic-triggered ones only by Pub/Sub push from this project, and the storage-
    # triggered one by Eventarc, both of which count as internal traffic.
    ingress_settings = each.value.trigger == "http" ? "ALLOW_ALL" : "ALLOW_INTERNAL_ONLY"

    # Secret Manager secrets as environment variables (PANTAU_SMTP_PASSWORD, ...). "latest" is
    # read when an instance starts: after adding a version, redeploy (docs/deploy.md).
    dynamic "secret_environment_variables" {
      for_each = each.value.secrets
      content {
        key        = secret_environment_variables.key
        project_id = var.project_id
        secret     = google_secret_manager_secret.secret[secret_environment_variables.value].secret_id
        version    = "latest"
      }
    }
  }

  depends_on = [
    google_project_service.api,
    google_project_iam_member.build,
    google_artifact_registry_repository_iam_member.build,
    google_secret_manager_secret_iam_member.accessor,
    # A storage trigger is refused unless Cloud Storage's agent may publish and its account may receive.
    google_project_iam_member.gcs_pubsub,
    google_project_iam_member.eventarc_receiver,
  ]
}

# Firebase Hosting's rewrites call the HTTP functions without credentials, so their Cloud Run
# services admit everyone. Each API authenticates its callers itself (Firebase ID tokens in
# common/api/http.py); only the survey form, survey intake, published IKM and the OpenAPI
# document are public by design.
resource "google_cloud_run_v2_service_iam_member" "public" {
  # (checkov 3.3.30 checks public invokers only on the v1 resources; the skip states the intent for when it covers v2.)
  # checkov:skip=CKV_GCP_102: Firebase Hosting rewrites need allUsers as invoker; the functions authenticate requests themselves (Firebase ID tokens), except the deliberately public survey, IKM and OpenAPI routes.
  for_each = local.http_functions

  location = var.region
  name     = google_cloudfunctions2_function.function[each.key].service_config[0].service
  role     = "roles/run.invoker"
  member   = "allUsers"
}

# Topic-triggered functions are invoked only by Pub/Sub push, with an OIDC token of this account.
resource "google_service_account" "push" {
  account_id   = "pubsub-push"
  display_name = "Pub/Sub push to the topic-triggered functions"
  description  = "Signs the OIDC token of every push subscription; may only invoke the topic-triggered functions."

  depends_on = [google_project_service.api]
}

# The push account may invoke the topic-triggered functions and nothing else.
resource "google_cloud_run_v2_service_iam_member" "push" {
  for_each = local.topic_functions

  location = var.region
  name     = google_cloudfunctions2_function.function[each.key].service_config[0].service
  role     = "roles/run.invoker"
  member   = google_service_account.push.member
}

# The Pub/Sub service agent mints the push account's OIDC tokens (needed explicitly in
# projects created before April 2021; harmless after).
resource "google_service_account_iam_member" "push_token_creator" {
  service_account_id = google_service_account.push.name
  role               = "roles/iam.serviceAccountTokenCreator"
  member             = local.pubsub_agent
}
