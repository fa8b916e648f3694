locals {
  # Written by tools/infra_catalog.py and tools/firestore_indexes.py; tests fail when they are stale.
  catalog   = jsondecode(file("${path.module}/generated/catalog.json"))
  firestore = jsondecode(file("${path.module}/generated/firestore.json"))

  functions         = local.catalog.functions
  http_functions    = { for name, f in local.functions : name => f if f.trigger == "http" }
  topic_functions   = { for name, f in local.functions : name => f if f.trigger == "topic" }
  storage_functions = { for name, f in local.functions : name => f if f.trigger == "storage" }

  labels = merge(var.labels, {
    app         = "pantau-kinerja-belawan"
    environment = var.environment
    managed-by  = "terraform"
  })

  hosting_site_id = var.project_id # the project's default Hosting site, the one `firebase deploy` uses
  web_domains     = distinct(concat(["${local.hosting_site_id}.web.app", "${local.hosting_site_id}.firebaseapp.com"], var.web_domains))

  secret_settings = [for secret in values(local.catalog.secrets) : secret.setting]

  # Settings whose value Terraform itself creates (source "terraform" in the catalog).
  computed_settings = {
    recaptcha_site_key = google_recaptcha_enterprise_key.survey.name
    # Where e-mail links point: a custom domain if one is given, else the Hosting site.
    base_url = length(var.web_domains) > 0 ? "https://${var.web_domains[0]}" : "https://${local.hosting_site_id}.web.app"
    # Evidence files: the bucket, and the account that signs its URLs (api_reports' own).
    evidence_bucket       = google_storage_bucket.evidence.name
    evidence_signer_email = google_service_account.function["api_reports"].email
  }
  setting_values = merge(var.settings, local.computed_settings)

  common_env = merge(
    { for name, value in var.common_settings : "PANTAU_${upper(name)}" => value },
    {
      GOOGLE_CLOUD_PROJECT = var.project_id # Cloud Run does not set it; common/settings.py reads it
      PANTAU_ENVIRONMENT   = var.environment
      LOG_EXECUTION_ID     = "true" # the platform adds it anyway; declaring it avoids a diff on every plan
    },
  )
  function_env = {
    for name, f in local.functions : name => merge(local.common_env, { for env, setting in f.env : env => local.setting_values[setting] })
  }

  # Grants, one entry per (function, thing), keyed for stable resource addresses.
  publisher_grants = merge([
    for name, f in local.functions : { for topic in f.publishes : "${name}/${topic}" => { function = name, topic = topic } }
  ]...)
  role_grants = merge([
    for name, f in local.functions : { for role in f.roles : "${name}/${role}" => { function = name, role = role } }
  ]...)
  secret_grants = merge([
    for name, f in local.functions : { for env, secret in f.secrets : "${name}/${secret}" => { function = name, secret = secret } }
  ]...)
}
