# Least privilege: each function runs as its own service account, with
#   roles/datastore.user on the project (Firestore),
#   roles/pubsub.publisher on exactly the topics in its `publishes`,
#   roles/secretmanager.secretAccessor on exactly the secrets it reads,
#   and the project roles listed for it in tools/infra_catalog.py (FUNCTION_ROLES),
# each of which must be in this allow-list.
locals {
  allowed_function_roles = toset([
    "roles/datastore.user",               # every function: Firestore reads and writes
    "roles/firebaseauth.admin",           # api_admin, send_invitations: create accounts, set claims, invitation links
    "roles/firebaseauth.viewer",          # every API function: the revocation check reads the account
    "roles/recaptchaenterprise.agent",    # api_surveys: reCAPTCHA Enterprise assessments
    "roles/firebasecloudmessaging.admin", # deliver_notifications: FCM send
  ])
}

# Each function's own service account (fn-<function id>).
resource "google_service_account" "function" {
  for_each = local.functions

  account_id   = each.value.service_account_id
  display_name = "Cloud Function ${each.value.function_id}"
  description  = substr(each.value.description, 0, 256)

  depends_on = [google_project_service.api] # the IAM API is off in a new project
}

# Firestore reads and writes, for every function.
resource "google_project_iam_member" "firestore" {
  for_each = local.functions

  project = var.project_id
  role    = "roles/datastore.user"
  member  = google_service_account.function[each.key].member
}

# The further project roles of tools/infra_catalog.py (FUNCTION_ROLES), each in the allow-list.
resource "google_project_iam_member" "function_role" {
  for_each = local.role_grants

  project = var.project_id
  role    = each.value.role
  member  = google_service_account.function[each.value.function].member

  lifecycle {
    precondition {
      condition     = contains(local.allowed_function_roles, each.value.role)
      error_message = "${each.value.role} for ${each.value.function} is not in allowed_function_roles (infra/iam.tf)."
    }
  }
}

# Publisher on exactly the topics a function publishes to.
resource "google_pubsub_topic_iam_member" "publisher" {
  for_each = local.publisher_grants

  topic  = google_pubsub_topic.topic[each.value.topic].name
  role   = "roles/pubsub.publisher"
  member = google_service_account.function[each.value.function].member
}

# Accessor on exactly the secrets a function reads.
resource "google_secret_manager_secret_iam_member" "accessor" {
  for_each = local.secret_grants

  secret_id = google_secret_manager_secret.secret[each.value.secret].secret_id
  role      = "roles/secretmanager.secretAccessor"
  member    = google_service_account.function[each.value.function].member
}

# Cloud Build builds the functions' images as this account, not the default compute one.
resource "google_service_account" "build" {
  account_id   = "functions-build"
  display_name = "Builds the Cloud Functions"
  description  = "Cloud Build of the functions: reads the source archive, writes images, writes build logs."

  depends_on = [google_project_service.api]
}

# What a custom build account of Cloud Run functions needs, and no more: write build logs,
# read the uploaded source (Cloud Functions copies it into a gcf-v2-sources bucket of the
# project, created on first deploy, hence project level), write images to our repository.
# (roles/cloudbuild.builds.builder would also do, but it can act as other service accounts.)
resource "google_project_iam_member" "build" {
  for_each = toset(["roles/logging.logWriter", "roles/storage.objectViewer"])

  project = var.project_id
  role    = each.key
  member  = google_service_account.build.member
}

# The build account writes images to our repository, and to no other.
resource "google_artifact_registry_repository_iam_member" "build" {
  location   = google_artifact_registry_repository.functions.location
  repository = google_artifact_registry_repository.functions.name
  role       = "roles/artifactregistry.writer"
  member     = google_service_account.build.member
}
