# Secrets the functions read (infra/generated/catalog.json, "secrets"). Terraform creates the
# secret, never a value: values are added with `gcloud secrets versions add` (docs/deploy.md)
# and never enter the repository or the state.
resource "google_secret_manager_secret" "secret" {
  for_each = local.catalog.secrets

  secret_id = each.key
  labels    = { setting = replace(each.value.setting, "_", "-") }

  # Kept in Jakarta only.
  replication {
    user_managed {
      replicas {
        location = var.region
      }
    }
  }

  depends_on = [google_project_service.api]
}
