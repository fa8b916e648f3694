# Firebase on top of the project: Auth (Identity Platform), a web app, the Hosting site
# that serves web/ and rewrites /api/... to the functions (firebase.json). The site's content
# and the security rules are deployed with the Firebase CLI (docs/deploy.md).
resource "google_firebase_project" "default" {
  provider = google-beta
  project  = var.project_id

  depends_on = [google_project_service.api]
}

# The web app whose Firebase config the pages and the mobile app sign in with.
resource "google_firebase_web_app" "app" {
  provider     = google-beta
  display_name = "Pantau Kinerja Belawan (${var.environment})"

  depends_on = [google_firebase_project.default]
}

# The project's default Hosting site, which serves web/ and the /api rewrites of firebase.json.
resource "google_firebase_hosting_site" "site" {
  provider = google-beta
  site_id  = local.hosting_site_id
  app_id   = google_firebase_web_app.app.app_id
}

# Sign-in by e-mail and password (the mobile app and the admin command line). Accounts are
# created only by BKPSDM, through api_admin and `common.cli load employees` (the Admin SDK, which
# these client permissions do not restrict): nobody can sign up with the public web API key
# ahead of an employee's load and end up holding that employee's role (issue 12).
resource "google_identity_platform_config" "auth" {
  authorized_domains = local.web_domains

  client {
    permissions {
      disabled_user_signup = true
    }
  }

  sign_in {
    allow_duplicate_emails = false

    email {
      enabled           = true
      password_required = true
    }

    # Every caller is a known person or the anonymous survey, which needs no account at all.
    anonymous {
      enabled = false
    }
  }

  depends_on = [google_firebase_project.default]
}

# The public survey's human check (PANTAU_SURVEY_HUMAN_CHECK=recaptcha): a score-based key
# for the Hosting domains; api_surveys gets its id as PANTAU_RECAPTCHA_SITE_KEY.
resource "google_recaptcha_enterprise_key" "survey" {
  display_name = "survey form (${var.environment})"

  web_settings {
    integration_type  = "SCORE"
    allow_all_domains = false
    allowed_domains   = local.web_domains
    allow_amp_traffic = false
  }

  depends_on = [google_project_service.api]
}
