locals {
  apis = toset([
    "artifactregistry.googleapis.com", # function images
    "cloudbuild.googleapis.com",       # builds the functions from source
    "cloudfunctions.googleapis.com",   # the functions (2nd gen)
    "cloudresourcemanager.googleapis.com",
    "cloudscheduler.googleapis.com",      # monthly scoring, reminders, digests, the outbox sweep
    "eventarc.googleapis.com",            # the evidence bucket's events to evidence_check
    "fcm.googleapis.com",                 # push to the app (FCM HTTP v1)
    "firebase.googleapis.com",            # the Firebase project and web app
    "firebasehosting.googleapis.com",     # web/ and the /api rewrites
    "firebaserules.googleapis.com",       # firestore.rules (deployed with the Firebase CLI)
    "firestore.googleapis.com",           # the database
    "iam.googleapis.com",                 # service accounts
    "iamcredentials.googleapis.com",      # OIDC tokens for Pub/Sub push
    "identitytoolkit.googleapis.com",     # Firebase Auth: sign-in, ID tokens, accounts
    "logging.googleapis.com",             # the functions' JSON logs
    "pubsub.googleapis.com",              # events, notifications, dead letters
    "recaptchaenterprise.googleapis.com", # the public survey's human check
    "run.googleapis.com",                 # 2nd-gen functions run on Cloud Run
    "secretmanager.googleapis.com",       # SMTP password, survey salt
    "serviceusage.googleapis.com",
    "storage.googleapis.com", # the functions' source archives, the evidence bucket
  ])
}

# Every API above, enabled first: each resource below waits for it (a test proves that).
resource "google_project_service" "api" {
  for_each = local.apis

  service = each.key
  # Turning an API off on destroy would break anything else in the project that uses it.
  disable_on_destroy = false
}

# Service agents are created lazily by Google; ask for the one we grant roles to.
resource "google_project_service_identity" "pubsub" {
  provider = google-beta
  service  = "pubsub.googleapis.com"

  depends_on = [google_project_service.api]
}
