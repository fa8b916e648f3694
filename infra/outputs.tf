output "function_urls" {
  description = "Each function's URL (the HTTP ones are meant to be reached through Hosting)."
  value       = { for name, f in google_cloudfunctions2_function.function : name => f.service_config[0].uri }
}

output "hosting_url" {
  description = "Where web/ and the API are served."
  value       = "https://${google_firebase_hosting_site.site.site_id}.web.app"
}

output "web_app_id" {
  description = "The Firebase web app id (for the app's Firebase config)."
  value       = google_firebase_web_app.app.app_id
}

output "secrets_to_set" {
  description = "Secrets whose values must be added outside Terraform: gcloud secrets versions add NAME --data-file=-"
  value       = { for id, s in google_secret_manager_secret.secret : id => local.catalog.secrets[id].env }
}

output "source_object" {
  description = "The archive the functions were built from (for a rollback, see docs/deploy.md)."
  value       = "gs://${google_storage_bucket.source.name}/${google_storage_bucket_object.source.name}"
}

output "dead_letter_subscriptions" {
  description = "Pull subscriptions that keep messages of unconsumed dead-letter topics."
  value       = [for name, s in google_pubsub_subscription.hold : s.name]
}
