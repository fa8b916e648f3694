"""Every function gets the settings it reads, and no more rights than it needs."""

from __future__ import annotations

import re

import pytest

from common.settings import HumanCheck, Settings, _from_environment
from common.domain.events import receipts_subscription
from functions.catalog import EVENT_TOPICS, FUNCTIONS
from tests.infra.conftest import INFRA, ROOT
from tools.infra_catalog import FUNCTION_ROLES, FUNCTION_SETTINGS, SECRET, SECRET_IDS
from tools.terraform import Ref, Template, Terraform


def environment_of(plan: Terraform, name: str) -> tuple[dict[str, object], dict[str, Ref]]:
    """(plain environment variables, secret ones) of a deployed function."""
    config = plan.instances("google_cloudfunctions2_function", "function")[name]["service_config"][0]
    secrets = {s["key"]: s["secret"] for s in config.get("secret_environment_variables", [])}
    for s in config.get("secret_environment_variables", []):
        assert s["version"] == "latest"
    return config["environment_variables"], secrets


def settings_at_start(plan: Terraform, name: str) -> Settings:
    """What common/settings.py would read in the deployed function: values known only after
    apply, and secrets, stand in as placeholders of the right kind."""
    env, secrets = environment_of(plan, name)
    environ = {k: ("placeholder-value" if isinstance(v, (Ref, Template)) else v) for k, v in env.items()}
    environ.update({k: "placeholder-secret-value" for k in secrets})
    return _from_environment(environ)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.name)
def test_every_function_starts_with_a_valid_configuration(plan: Terraform, function):
    env, _ = environment_of(plan, function.name)
    settings = settings_at_start(plan, function.name)  # raises, naming the variable, if a value is invalid
    assert env["GOOGLE_CLOUD_PROJECT"] == plan.vars["project_id"] == settings.project_id
    assert settings.environment.value == plan.vars["environment"]
    assert all(k == "GOOGLE_CLOUD_PROJECT" or k == "LOG_EXECUTION_ID" or k.startswith("PANTAU_") for k in env)


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.name)
def test_every_setting_in_the_table_reaches_its_function(plan: Terraform, function):
    env, secrets = environment_of(plan, function.name)
    table = FUNCTION_SETTINGS.get(function.name, {})
    for setting, source in table.items():
        variable = f"PANTAU_{setting.upper()}"
        if source == SECRET:
            assert secrets.get(variable) == Ref("google_secret_manager_secret.secret", SECRET_IDS[setting], ("secret_id",))
            assert variable not in env
        else:
            assert env.get(variable) not in (None, ""), f"{function.name} needs {variable}"
    assert set(secrets) == {f"PANTAU_{s.upper()}" for s, source in table.items() if source == SECRET}


def test_notifications_are_configured_for_email_and_push(plan: Terraform):
    settings = settings_at_start(plan, "deliver_notifications")
    _, secrets = environment_of(plan, "deliver_notifications")
    assert settings.smtp_host and settings.smtp_sender and settings.smtp_username
    assert settings.smtp_port > 0 and settings.smtp_tls in ("starttls", "ssl")
    assert settings.push_enabled is True
    assert secrets["PANTAU_SMTP_PASSWORD"].key == "smtp-password"
    # E-mail links open the deployment's own pages: the first custom domain, else the Hosting site.
    domains = plan.vars.get("web_domains") or []
    assert settings.base_url == (f"https://{domains[0]}" if domains else f"https://{plan.vars['project_id']}.web.app")


def test_the_survey_checks_people_with_recaptcha_and_a_secret_salt(plan: Terraform):
    env, secrets = environment_of(plan, "api_surveys")
    settings = settings_at_start(plan, "api_surveys")
    assert settings.survey_human_check is HumanCheck.RECAPTCHA
    assert env["PANTAU_RECAPTCHA_SITE_KEY"] == Ref("google_recaptcha_enterprise_key.survey", None, ("name",))
    assert secrets["PANTAU_SURVEY_SALT"].key == "survey-salt"
    assert settings.survey_salt != Settings.model_fields["survey_salt"].default


def test_the_table_names_every_function_that_reads_a_secret():
    """Cross-check of the table against the code: the modules that read a secret setting."""
    readers = {
        "survey_salt": {p.stem for p in (ROOT / "functions").glob("*.py") if "survey_salt" in p.read_text()},
        "smtp_password": {p.stem for p in (ROOT / "functions").glob("*.py") if "adapters.smtp" in p.read_text()},
    }
    assert set(readers) == set(SECRET_IDS)
    for setting, modules in readers.items():
        assert modules, setting
        expected = {name for name, table in FUNCTION_SETTINGS.items() if table.get(setting) == SECRET}
        assert modules == expected, setting


def test_secrets_have_no_value_in_terraform_or_tfvars():
    for path in [*INFRA.glob("*.tf"), *INFRA.glob("envs/*")]:
        text = path.read_text()
        assert "google_secret_manager_secret_version" not in text, path
        for setting in SECRET_IDS:
            assert not re.search(rf"^\s*{setting}\s*=", text, re.MULTILINE), f"{setting} set in {path}"


def test_every_tfvars_passes_the_variable_validations(plan: Terraform):
    failed = [(name, message) for name, ok, message in plan.validations() if ok is not True]
    assert not failed


@pytest.mark.parametrize(
    "change",
    [
        {"settings": lambda s: {k: v for k, v in s.items() if k != "smtp_host"}},
        {"settings": lambda s: {**s, "smtp_password": "oops"}},
        {"settings": lambda s: {**s, "no_such_setting": "1"}},
        {"common_settings": lambda s: {**s, "survey_salt": "oops"}},
        {"environment": lambda s: "staging"},
        {"settings": lambda s: {**s, "survey_human_check": "off"}},
    ],
    ids=["missing-smtp-host", "secret-in-tfvars", "unknown-setting", "secret-in-common", "bad-environment", "survey-without-human-check"],
)
def test_the_validations_refuse_bad_tfvars(prod: Terraform, change):
    (name, edit), = change.items()
    variables = {**prod.vars, name: edit(prod.vars[name])}
    broken = Terraform(INFRA, variables=variables)
    assert any(ok is not True for _, ok, _ in broken.validations())


# -- IAM ----------------------------------------------------------------------------------------

def grants_to(plan: Terraform, function: str) -> list[tuple[str, str, dict]]:
    """Every IAM grant whose member is the function's service account: (resource, key, grant)."""
    member = Ref("google_service_account.function", function, ("member",))
    found = []
    for type_, name in plan.resources:
        if "_iam_" not in type_:
            continue
        for key, grant in plan.instances(type_, name).items():
            if grant.get("member") == member:
                found.append((f"{type_}.{name}", key, grant))
    return found


def test_the_allow_list_is_the_one_in_iam_tf(prod: Terraform):
    allowed = prod.local("allowed_function_roles")
    assert {r for roles in FUNCTION_ROLES.values() for r in roles} | {"roles/datastore.user"} <= allowed
    assert not any(r in allowed for r in ("roles/owner", "roles/editor", "roles/iam.serviceAccountUser", "roles/iam.serviceAccountTokenCreator"))


@pytest.mark.parametrize("function", FUNCTIONS, ids=lambda f: f.name)
def test_each_function_has_least_privilege(prod: Terraform, function):
    allowed = prod.local("allowed_function_roles")
    grants = grants_to(prod, function.name)
    kinds = {resource for resource, _, _ in grants}
    assert kinds <= {
        "google_project_iam_member.firestore",
        "google_project_iam_member.function_role",
        "google_pubsub_topic_iam_member.publisher",
        "google_secret_manager_secret_iam_member.accessor",
        "google_storage_bucket_iam_member.evidence_signer",  # api_reports only (tests/infra/test_evidence_bucket.py)
        "google_storage_bucket_iam_member.evidence_objects",  # evidence_check and evidence_sweep only
        "google_service_account_iam_member.evidence_signer",  # api_reports on itself only
        "google_pubsub_subscription_iam_member.receipts_reader",  # outbox_relay only (below)
    }
    receipts = sorted(g["subscription"].key for r, _, g in grants if r == "google_pubsub_subscription_iam_member.receipts_reader")
    assert receipts == (sorted(receipts_subscription(t) for t in set(EVENT_TOPICS)) if function.name == "outbox_relay" else [])
    assert all(g["role"] == "roles/pubsub.subscriber" for r, _, g in grants if r.endswith("receipts_reader"))
    project_roles = sorted(g["role"] for r, _, g in grants if r.startswith("google_project_iam_member"))
    assert project_roles == sorted(["roles/datastore.user", *FUNCTION_ROLES.get(function.name, ())])
    assert all(role in allowed for role in project_roles)
    published = sorted(g["topic"].key for r, _, g in grants if r == "google_pubsub_topic_iam_member.publisher")
    assert published == sorted(set(function.publishes_to)), "publisher on exactly the topics it publishes or forwards to"
    assert all(g["role"] == "roles/pubsub.publisher" for r, _, g in grants if r == "google_pubsub_topic_iam_member.publisher")
    secrets = sorted(g["secret_id"].key for r, _, g in grants if r == "google_secret_manager_secret_iam_member.accessor")
    table = FUNCTION_SETTINGS.get(function.name, {})
    assert secrets == sorted(SECRET_IDS[s] for s, source in table.items() if source == SECRET)
    assert all(g["role"] == "roles/secretmanager.secretAccessor" for r, _, g in grants if "secret" in r)


def test_the_roles_beyond_firestore_go_where_the_code_needs_them():
    viewer = ("roles/firebaseauth.viewer",)  # the revocation check of every signed-in request reads the account
    assert FUNCTION_ROLES == {
        "api_admin": ("roles/firebaseauth.admin",),  # admin covers the viewer's users.get
        "send_invitations": ("roles/firebaseauth.admin",),
        "api_surveys": ("roles/recaptchaenterprise.agent",),
        "deliver_notifications": ("roles/firebasecloudmessaging.admin",),
        **{name: viewer for name in ("api_reports", "api_me", "api_ikm", "api_investigations", "api_scoring", "api_findings",
                                     "api_dashboard", "api_exports", "api_objections")},
    }


def test_preconditions_hold(plan: Terraform):
    for type_, name in plan.resources:
        for key, instance in plan.instances(type_, name).items():
            for lifecycle in instance.get("lifecycle", []):
                for condition in lifecycle.get("precondition", []):
                    assert condition["condition"] is True, f"{type_}.{name}[{key}]: {condition['error_message']}"


def test_no_service_account_gets_a_primitive_or_impersonation_role_on_the_project(prod: Terraform):
    for type_, name in prod.resources:
        if type_ == "google_project_iam_member":
            for grant in prod.instances(type_, name).values():
                assert grant["role"] not in ("roles/owner", "roles/editor", "roles/viewer")
                assert not grant["role"].startswith("roles/iam.")


def test_checkov_skips_say_why():
    from tools.terraform import checkov_skips

    skips = checkov_skips(INFRA)
    assert skips, "the skips are parsed"
    for skip in skips:
        assert re.fullmatch(r"CKV2?_GCP_\d+", skip.check), skip
        assert len(skip.reason) >= 40, f"{skip.resource} skips {skip.check} without a reason"


def test_firestore_is_protected(plan: Terraform):
    database = plan.instances("google_firestore_database", "main")[None]
    assert database["name"] == "(default)"
    assert database["location_id"] == "asia-southeast2"
    assert database["type"] == "FIRESTORE_NATIVE"
    assert database["point_in_time_recovery_enablement"] == "POINT_IN_TIME_RECOVERY_ENABLED"
    assert database["delete_protection_state"] == "DELETE_PROTECTION_ENABLED"


def test_the_required_apis_are_enabled(prod: Terraform):
    apis = set(prod.instances("google_project_service", "api"))
    for api in ("cloudfunctions", "run", "cloudbuild", "artifactregistry", "pubsub", "cloudscheduler", "firestore",
                "secretmanager", "firebase", "firebasehosting", "identitytoolkit", "recaptchaenterprise", "logging", "iam", "fcm"):
        assert f"{api}.googleapis.com" in apis


def test_secrets_stay_in_jakarta(prod: Terraform):
    secrets = prod.instances("google_secret_manager_secret", "secret")
    assert sorted(secrets) == sorted(SECRET_IDS.values())
    for secret in secrets.values():
        assert secret["replication"][0]["user_managed"][0]["replicas"] == [{"location": "asia-southeast2"}]

