locals {
  pubsub_agent = "serviceAccount:${google_project_service_identity.pubsub.email}"
}

# Every topic of functions/catalog.py: event topics, trigger topics, what functions publish
# to, and the dead-letter topics.
resource "google_pubsub_topic" "topic" {
  # checkov:skip=CKV_GCP_83: events carry ids and short texts, not stored data; Google-managed encryption at rest is enough, and a KMS key per environment would be one more thing to keep alive and pay for.
  for_each = toset(local.catalog.topics)

  name = each.key

  # Messages stay in Indonesia, like the database.
  message_storage_policy {
    allowed_persistence_regions = [var.region]
  }

  depends_on = [google_project_service.api]
}

# One push subscription per (function, topic) it is triggered by: a function with also_topics
# gets one for each. Failed deliveries are retried with backoff; after the catalog's
# max_attempts the message goes to the function's dead-letter topic.
resource "google_pubsub_subscription" "push" {
  for_each = local.catalog.push_subscriptions

  name                       = each.key
  topic                      = google_pubsub_topic.topic[each.value.topic].id
  ack_deadline_seconds       = each.value.ack_deadline_seconds
  message_retention_duration = "604800s" # 7 days

  expiration_policy {
    ttl = "" # never expires, however quiet the topic
  }

  retry_policy {
    minimum_backoff = local.catalog.retry_backoff.minimum
    maximum_backoff = local.catalog.retry_backoff.maximum
  }

  dead_letter_policy {
    dead_letter_topic     = google_pubsub_topic.topic[each.value.dead_letter].id
    max_delivery_attempts = each.value.max_attempts
  }

  # The body is Pub/Sub's push envelope ({"message": ..., "subscription": ...}), which
  # functions-framework turns into the CloudEvent the function receives.
  push_config {
    push_endpoint = google_cloudfunctions2_function.function[each.value.function].service_config[0].uri

    oidc_token {
      service_account_email = google_service_account.push.email
      audience              = google_cloudfunctions2_function.function[each.value.function].service_config[0].uri
    }
  }

  depends_on = [google_cloud_run_v2_service_iam_member.push]
}

# A dead-letter topic that no function consumes keeps its messages here, for someone to look
# at (docs/deploy.md): without a subscription Pub/Sub would drop them.
resource "google_pubsub_subscription" "hold" {
  for_each = local.catalog.hold_subscriptions

  name                       = each.key
  topic                      = google_pubsub_topic.topic[each.value.topic].id
  ack_deadline_seconds       = 60
  message_retention_duration = "2678400s" # 31 days, the most Pub/Sub keeps

  expiration_policy {
    ttl = ""
  }
}

# Pub/Sub moves undeliverable messages itself: its service agent publishes to the dead-letter
# topics and acknowledges on the source subscriptions.
resource "google_pubsub_topic_iam_member" "dead_letter_publisher" {
  for_each = toset(local.catalog.dead_letter_topics)

  topic  = google_pubsub_topic.topic[each.key].name
  role   = "roles/pubsub.publisher"
  member = local.pubsub_agent
}

# The same agent acknowledges a dead-lettered message on the subscription it came from.
resource "google_pubsub_subscription_iam_member" "dead_letter_subscriber" {
  for_each = local.catalog.push_subscriptions

  subscription = google_pubsub_subscription.push[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = local.pubsub_agent
}

# Each event topic keeps a copy of every message in a pull subscription: the outbox relay marks
# those events published each minute, so the request that published one answers without waiting
# for that mark. A receipt the relay never reads only means the event is published once more.
resource "google_pubsub_subscription" "receipts" {
  for_each = local.catalog.receipt_subscriptions

  name                       = each.key
  topic                      = google_pubsub_topic.topic[each.value.topic].id
  ack_deadline_seconds       = 60
  message_retention_duration = "86400s" # a day: past it the relay publishes the event again instead

  expiration_policy {
    ttl = ""
  }
}

# Only the relay reads and acknowledges the receipts.
resource "google_pubsub_subscription_iam_member" "receipts_reader" {
  for_each = local.catalog.receipt_subscriptions

  subscription = google_pubsub_subscription.receipts[each.key].name
  role         = "roles/pubsub.subscriber"
  member       = google_service_account.function[each.value.reader].member
}
