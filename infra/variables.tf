variable "project_id" {
  description = "The Google Cloud project of this environment (one project per environment)."
  type        = string
}

variable "environment" {
  description = "dev or prod: PANTAU_ENVIRONMENT of every function, and a label on every resource."
  type        = string

  validation {
    condition     = contains(["dev", "prod"], var.environment)
    error_message = "environment must be dev or prod."
  }
}

variable "region" {
  description = "Where the functions, topics, jobs, secrets and source bucket live: Jakarta."
  type        = string
  default     = "asia-southeast2"
}

variable "firestore_location" {
  description = "Location of the Firestore database (cannot change once created)."
  type        = string
  default     = "asia-southeast2"
}

variable "common_settings" {
  description = "Settings every function gets, as PANTAU_<NAME> (names from common/settings.py), e.g. holidays, report_deadline_day, log_level."
  type        = map(string)
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.common_settings) : contains(local.catalog.settings, name)])
    error_message = "common_settings: every name must be a field of common/settings.py (see settings in infra/generated/catalog.json)."
  }
  validation {
    condition     = alltrue([for name in keys(var.common_settings) : !contains(local.secret_settings, name) && !contains(["project_id", "environment"], name)])
    error_message = "common_settings: secrets come from Secret Manager, project_id and environment from their own variables."
  }
}

variable "settings" {
  description = "Values of the settings that functions read from tfvars (source \"tfvars\" in infra/generated/catalog.json), e.g. smtp_host."
  type        = map(string)
  default     = {}

  validation {
    condition = alltrue(flatten([
      for f in values(local.catalog.functions) : [for name, source in f.settings : contains(keys(var.settings), name) if source == "tfvars"]
    ]))
    error_message = "settings: give a value for every setting a function reads from tfvars (infra/generated/catalog.json, functions.*.settings)."
  }
  validation {
    condition     = alltrue([for name in keys(var.settings) : contains(local.catalog.settings, name) && !contains(local.secret_settings, name)])
    error_message = "settings: every name must be a field of common/settings.py, and no secret (those come from Secret Manager)."
  }
  validation {
    # A deployed survey can be called past Firebase Hosting, where the caller writes its own
    # X-Forwarded-For: the human check is what stops one sender posing as many (docs/client-address.md).
    condition     = contains(["recaptcha", "app_check"], lookup(var.settings, "survey_human_check", "off"))
    error_message = "settings: survey_human_check must be recaptcha or app_check in a deployment (docs/client-address.md)."
  }
}

variable "min_instances" {
  description = "Instances kept warm per function (default 0: scale to zero). E.g. { api_reports = 1 } in prod cuts cold starts at a cost."
  type        = map(number)
  default     = {}

  validation {
    condition     = alltrue([for name in keys(var.min_instances) : contains(keys(local.catalog.functions), name)])
    error_message = "min_instances: keys must be function names from functions/catalog.py."
  }
}

variable "web_domains" {
  description = "Extra domains that serve the web pages (a custom domain); the Hosting site's web.app and firebaseapp.com are always included."
  type        = list(string)
  default     = []
}

variable "firestore_backup_retention" {
  description = "How long the weekly Firestore backups are kept (point-in-time recovery covers the last 7 days besides)."
  type        = string
  default     = "4838400s" # 8 weeks
}

variable "labels" {
  description = "Extra labels on every resource that takes labels."
  type        = map(string)
  default     = {}
}

variable "report_retention_days" {
  description = "How long evidence files are kept: as long as the reports they belong to (the agency's archive schedule for performance records). The evidence bucket's lifecycle rule deletes a file this many days after its upload."
  type        = number
  default     = 3650 # ten years

  validation {
    condition     = var.report_retention_days >= 365
    error_message = "report_retention_days: at least a year, so a year's evaluation and its objections can see the files."
  }
}
