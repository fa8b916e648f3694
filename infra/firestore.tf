# The database, its composite indexes, index exemptions and TTL policies. Indexes and fields
# come from tools/firestore_indexes.py, which also writes firestore.indexes.json: one list.
resource "google_firestore_database" "main" {
  name        = "(default)" # what the code's client uses
  location_id = var.firestore_location
  type        = "FIRESTORE_NATIVE"

  concurrency_mode                  = "PESSIMISTIC"
  app_engine_integration_mode       = "DISABLED"
  point_in_time_recovery_enablement = "POINT_IN_TIME_RECOVERY_ENABLED"
  delete_protection_state           = "DELETE_PROTECTION_ENABLED"
  deletion_policy                   = "ABANDON" # `terraform destroy` never deletes the data

  depends_on = [google_project_service.api]
}

# Point-in-time recovery reaches back 7 days; weekly backups keep older states (each backup
# is a full copy, billed as backup storage, so weekly rather than daily).
resource "google_firestore_backup_schedule" "weekly" {
  database  = google_firestore_database.main.name
  retention = var.firestore_backup_retention

  weekly_recurrence {
    day = "SUNDAY"
  }
}

# The composite indexes the code's queries need (tools/firestore_indexes.py).
resource "google_firestore_index" "index" {
  for_each = local.firestore.indexes

  database    = google_firestore_database.main.name
  collection  = each.value.collection
  query_scope = "COLLECTION"

  dynamic "fields" {
    for_each = each.value.fields
    content {
      field_path   = fields.value.field_path
      order        = fields.value.order
      array_config = fields.value.array_config
    }
  }
}

# Single-field overrides: no automatic indexes on fields nothing queries (large maps, texts,
# arrays), and a TTL policy on expire_at where documents expire.
resource "google_firestore_field" "field" {
  for_each = local.firestore.fields

  database   = google_firestore_database.main.name
  collection = each.value.collection
  field      = each.value.field

  index_config {} # empty: no single-field indexes

  dynamic "ttl_config" {
    for_each = each.value.ttl ? [true] : []
    content {}
  }
}
