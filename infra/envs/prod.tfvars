# Production (Kecamatan Medan Belawan).
# terraform plan -var-file=envs/prod.tfvars   (after: terraform init -reconfigure -backend-config=envs/prod.gcs.tfbackend)
project_id  = "pantau-belawan-prod"
environment = "prod"

common_settings = {
  log_level = "INFO"
  # Public holidays for SP4N-LAPOR! working days, comma-separated YYYY-MM-DD. Fixed-date ones here;
  # add each year's movable holidays and cuti bersama from the SKB 3 Menteri.
  holidays = "2026-01-01,2026-05-01,2026-06-01,2026-08-17,2026-12-25"
}

# Settings the functions read from tfvars (infra/generated/catalog.json, functions.*.settings).
# Secrets (smtp_password, survey_salt) are NOT here: they are set in Secret Manager.
settings = {
  smtp_host          = "smtp-relay.gmail.com"
  smtp_port          = "587"
  smtp_tls           = "starttls"
  smtp_sender        = "no-reply@pantau-belawan.example"
  smtp_username      = "no-reply@pantau-belawan.example"
  push_enabled       = "true"
  survey_human_check = "recaptcha"
}

# Kept warm: the ASN's report submission and the public survey (about USD 5-10 a month each).
min_instances = {
  api_reports = 1
  api_surveys = 1
}

web_domains = []
