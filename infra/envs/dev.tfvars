# Development: a project of its own, same shape as production.
# terraform plan -var-file=envs/dev.tfvars   (after: terraform init -reconfigure -backend-config=envs/dev.gcs.tfbackend)
project_id  = "pantau-belawan-dev"
environment = "dev"

common_settings = {
  log_level = "DEBUG"
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
  smtp_sender        = "no-reply@dev.pantau-belawan.example"
  smtp_username      = "no-reply@dev.pantau-belawan.example"
  push_enabled       = "true"
  survey_human_check = "recaptcha"
}

web_domains = []
