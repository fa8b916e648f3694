# Functions with a schedule in functions/catalog.py: Cloud Scheduler publishes to the
# function's topic, in Jakarta time (WIB).
resource "google_cloud_scheduler_job" "job" {
  for_each = local.catalog.schedules

  name        = each.value.job
  region      = var.region
  description = "Triggers ${each.key} through ${each.value.topic}"
  schedule    = each.value.schedule
  time_zone   = each.value.time_zone

  pubsub_target {
    topic_name = google_pubsub_topic.topic[each.value.topic].id
    # Must not be empty; scoring_start reads an optional period from it and defaults to last month.
    data = base64encode(jsonencode({ source = "cloud-scheduler", job = each.value.job }))
  }

  retry_config {
    retry_count = 3
  }

  depends_on = [google_project_service.api]
}
