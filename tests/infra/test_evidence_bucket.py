"""The evidence bucket, its trigger and the rights around it, read from the Terraform."""

from __future__ import annotations

from functions.catalog import BY_NAME
from tools.terraform import Ref, Terraform


def account(function: str, attr: str = "member") -> Ref:
    return Ref("google_service_account.function", function, (attr,))


def test_the_bucket_is_private_uniform_and_deletes_for_real(plan: Terraform):
    bucket = plan.instances("google_storage_bucket", "evidence")[None]
    assert bucket["location"] == "asia-southeast2"
    assert bucket["uniform_bucket_level_access"] is True and bucket["public_access_prevention"] == "enforced"
    assert bucket["versioning"] == [{"enabled": False}]  # a rewritten photo leaves no version with its position
    assert bucket["soft_delete_policy"] == [{"retention_duration_seconds": 0}]
    assert bucket["force_destroy"] is False


def test_files_are_kept_as_long_as_the_report(plan: Terraform):
    rules = plan.instances("google_storage_bucket", "evidence")[None]["lifecycle_rule"]
    deletes = [r for r in rules if r["action"][0]["type"] == "Delete"]
    assert deletes == [{"condition": [{"age": plan.vars.get("report_retention_days", 3650), "matches_prefix": ["evidence/"]}],
                        "action": [{"type": "Delete"}]}]
    assert deletes[0]["condition"][0]["age"] >= 365
    assert any(r["action"][0]["type"] == "AbortIncompleteMultipartUpload" for r in rules)


def test_cors_lets_the_web_app_put_and_get_and_nothing_else(prod: Terraform):
    (cors,) = prod.instances("google_storage_bucket", "evidence")[None]["cors"]
    domains = prod.local("web_domains")
    assert cors["origin"] == [f"https://{d}" for d in domains] and "*" not in cors["origin"]
    assert sorted(cors["method"]) == ["GET", "HEAD", "PUT"]
    assert {"Content-Type", "x-goog-content-length-range", "x-goog-if-generation-match"} <= set(cors["response_header"])


def test_evidence_check_is_triggered_by_the_bucket_through_eventarc(prod: Terraform):
    function = prod.instances("google_cloudfunctions2_function", "function")["evidence_check"]
    (trigger,) = function["event_trigger"]
    assert trigger["event_type"] == BY_NAME["evidence_check"].event_type == "google.cloud.storage.object.v1.finalized"
    assert trigger["event_filters"] == [{"attribute": "bucket", "value": Ref("google_storage_bucket.evidence", None, ("name",))}]
    assert trigger["retry_policy"] == "RETRY_POLICY_RETRY" and trigger["trigger_region"] == "asia-southeast2"
    assert trigger["service_account_email"] == Ref("google_service_account.eventarc", None, ("email",))
    assert function["service_config"][0]["ingress_settings"] == "ALLOW_INTERNAL_ONLY"
    receiver = prod.instances("google_project_iam_member", "eventarc_receiver")[None]
    assert (receiver["role"], receiver["member"]) == ("roles/eventarc.eventReceiver", Ref("google_service_account.eventarc", None, ("member",)))
    publisher = prod.instances("google_project_iam_member", "gcs_pubsub")[None]
    assert publisher["role"] == "roles/pubsub.publisher"  # Cloud Storage's agent publishes the notifications Eventarc reads


def test_the_signer_signs_as_itself_and_may_only_create_and_read_objects(prod: Terraform):
    token = prod.instances("google_service_account_iam_member", "evidence_signer")[None]
    assert token["service_account_id"] == account("api_reports", "name") and token["member"] == account("api_reports")
    assert token["role"] == "roles/iam.serviceAccountTokenCreator"
    tokens = [g for t, n in prod.resources if t == "google_service_account_iam_member" for g in prod.instances(t, n).values()
              if g["role"] == "roles/iam.serviceAccountTokenCreator" and g["member"] == account("api_reports")]
    assert tokens == [token], "token creator on its own account only"
    signer = prod.instances("google_storage_bucket_iam_member", "evidence_signer")
    assert sorted(signer) == ["roles/storage.legacyObjectReader", "roles/storage.objectCreator"]
    assert all(g["bucket"] == Ref("google_storage_bucket.evidence", None, ("name",)) and g["member"] == account("api_reports")
               for g in signer.values())
    objects = prod.instances("google_storage_bucket_iam_member", "evidence_objects")
    assert {k: g["role"] for k, g in objects.items()} == {"evidence_check": "roles/storage.objectUser", "evidence_sweep": "roles/storage.objectUser"}
    bucket_grants = [t for t, _ in prod.resources if t.startswith("google_storage_bucket_iam")]
    assert bucket_grants == ["google_storage_bucket_iam_member", "google_storage_bucket_iam_member"]


def test_the_functions_know_the_bucket_and_the_signer(prod: Terraform):
    functions = prod.instances("google_cloudfunctions2_function", "function")
    bucket = Ref("google_storage_bucket.evidence", None, ("name",))
    for name in ("api_reports", "evidence_check", "evidence_sweep"):
        assert functions[name]["service_config"][0]["environment_variables"]["PANTAU_EVIDENCE_BUCKET"] == bucket
    env = functions["api_reports"]["service_config"][0]["environment_variables"]
    assert env["PANTAU_EVIDENCE_SIGNER_EMAIL"] == account("api_reports", "email")
    assert "PANTAU_EVIDENCE_SIGNING_KEY_FILE" not in env  # production signs with IAM, never with a key
