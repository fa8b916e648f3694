"""infra/ deploys exactly what functions/catalog.py lists: functions, triggers, topics,
dead letters and schedules. Read from the Terraform itself (tools/terraform.py
evaluates it per environment), not from the generated data alone."""

from __future__ import annotations

import base64
import json

import pytest

from common.domain.events import receipts_subscription
from functions.catalog import BY_ID, BY_NAME, DEAD_LETTER_TOPICS, EVENT_TOPICS, FUNCTIONS, TRIGGER_TOPICS
from tests.infra.conftest import INFRA, ROOT
from tools.terraform import Ref, Template, Terraform

HTTP = [f for f in FUNCTIONS if f.trigger == "http"]
TOPIC = [f for f in FUNCTIONS if f.trigger == "topic"]


def function_ref(name: str, *attrs) -> Ref:
    return Ref("google_cloudfunctions2_function.function", name, attrs)


def topic_id(topic: str) -> Ref:
    return Ref("google_pubsub_topic.topic", topic, ("id",))


def test_the_generated_catalog_is_current():
    from tools import infra_catalog

    assert infra_catalog.OUTPUT.read_text() == infra_catalog.rendered(), (
        "infra/generated/catalog.json is stale: run .venv/bin/python -m tools.infra_catalog --write"
    )


def test_every_function_is_deployed_exactly_once(plan: Terraform):
    resources = [key for key in plan.resources if key[0] in ("google_cloudfunctions2_function", "google_cloudfunctions_function")]
    assert resources == [("google_cloudfunctions2_function", "function")], "one for_each resource deploys every function"
    deployed = plan.instances("google_cloudfunctions2_function", "function")
    assert sorted(deployed) == sorted(f.name for f in FUNCTIONS)
    names = [d["name"] for d in deployed.values()]
    assert len(names) == len(set(names))
    for name, function in deployed.items():
        build = function["build_config"][0]
        # Deployed as api-reports, running the Python entry point api_reports.
        assert function["name"] == BY_NAME[name].function_id == name.replace("_", "-")
        assert "_" not in function["name"] and len(function["name"]) <= 63
        assert build["entry_point"] == name
        assert build["runtime"] == "python311"
        assert function["location"] == "asia-southeast2"
        assert build["source"][0]["storage_source"][0]["object"] == Ref("google_storage_bucket_object.source", None, ("name",))


def test_every_function_runs_as_its_own_service_account(plan: Terraform):
    deployed = plan.instances("google_cloudfunctions2_function", "function")
    accounts = plan.instances("google_service_account", "function")
    for name, function in deployed.items():
        assert function["service_config"][0]["service_account_email"] == Ref("google_service_account.function", name, ("email",))
    assert len({a["account_id"] for a in accounts.values()}) == len(FUNCTIONS)
    assert all(6 <= len(a["account_id"]) <= 30 for a in accounts.values())


@pytest.mark.parametrize("function", HTTP, ids=lambda f: f.name)
def test_http_functions_are_public_for_hosting_and_have_no_subscription(prod: Terraform, function):
    deployed = prod.instances("google_cloudfunctions2_function", "function")[function.name]
    assert not deployed.get("event_trigger")
    assert deployed["service_config"][0]["ingress_settings"] == "ALLOW_ALL"
    public = prod.instances("google_cloud_run_v2_service_iam_member", "public")[function.name]
    assert public["name"] == function_ref(function.name, "service_config", 0, "service")
    assert (public["role"], public["member"]) == ("roles/run.invoker", "allUsers")
    pushes = prod.instances("google_pubsub_subscription", "push").values()
    assert not [s for s in pushes if s["push_config"][0]["push_endpoint"] == function_ref(function.name, "service_config", 0, "uri")]


def test_hosting_rewrites_reach_deployed_http_functions_in_the_region(prod: Terraform):
    rewrites = json.loads((ROOT / "firebase.json").read_text())["hosting"]["rewrites"]
    deployed = {f["name"]: key for key, f in prod.instances("google_cloudfunctions2_function", "function").items()}
    public = prod.instances("google_cloud_run_v2_service_iam_member", "public")
    for rewrite in (r for r in rewrites if "function" in r):
        function_id = rewrite["function"]["functionId"]
        assert function_id in deployed, f"{rewrite['source']} names {function_id}, which is not a deployed function id"
        assert deployed[function_id] in public, rewrite
        assert BY_ID[function_id].trigger == "http"
        assert rewrite["function"]["region"] == prod.vars["region"]


@pytest.mark.parametrize("function", TOPIC, ids=lambda f: f.name)
def test_topic_functions_are_pushed_each_of_their_topics_with_a_dead_letter_policy(prod: Terraform, function):
    deployed = prod.instances("google_cloudfunctions2_function", "function")[function.name]
    assert deployed["service_config"][0]["ingress_settings"] == "ALLOW_INTERNAL_ONLY"
    uri = function_ref(function.name, "service_config", 0, "uri")
    subscriptions = [s for s in prod.instances("google_pubsub_subscription", "push").values() if s["push_config"][0]["push_endpoint"] == uri]
    assert sorted(s["topic"] for s in subscriptions) == sorted(topic_id(t) for t in function.topics), "one per topic in Function.topics"
    assert function.topics and len(function.topics) == len(set(function.topics))
    for subscription in subscriptions:
        assert subscription["name"].startswith(f"{function.function_id}-") and "_" not in subscription["name"]
        policy = subscription["dead_letter_policy"][0]
        assert policy["dead_letter_topic"] == topic_id(function.dead_letter)
        assert policy["max_delivery_attempts"] == function.max_attempts
        retry = subscription["retry_policy"][0]
        assert retry["minimum_backoff"] == "10s" and retry["maximum_backoff"] == "600s"
        token = subscription["push_config"][0]["oidc_token"][0]
        assert token == {"service_account_email": Ref("google_service_account.push", None, ("email",)), "audience": uri}
        assert subscription["expiration_policy"] == [{"ttl": ""}]
        assert 10 <= subscription["ack_deadline_seconds"] <= 600
    invoker = prod.instances("google_cloud_run_v2_service_iam_member", "push")[function.name]
    assert invoker["name"] == function_ref(function.name, "service_config", 0, "service")
    assert (invoker["role"], invoker["member"]) == ("roles/run.invoker", Ref("google_service_account.push", None, ("member",)))


def test_no_function_is_invoked_by_anyone_else(prod: Terraform):
    public = prod.instances("google_cloud_run_v2_service_iam_member", "public")
    push = prod.instances("google_cloud_run_v2_service_iam_member", "push")
    eventarc = prod.instances("google_cloud_run_v2_service_iam_member", "eventarc")
    assert sorted(public) == sorted(f.name for f in HTTP)
    assert sorted(push) == sorted(f.name for f in TOPIC)
    assert sorted(eventarc) == sorted(f.name for f in FUNCTIONS if f.trigger == "storage") == ["evidence_check"]
    invokers = [key for key in prod.resources if key[0].startswith(("google_cloud_run", "google_cloudfunctions2_function_iam"))]
    assert sorted(invokers) == [("google_cloud_run_v2_service_iam_member", "eventarc"), ("google_cloud_run_v2_service_iam_member", "public"),
                                ("google_cloud_run_v2_service_iam_member", "push")]


def test_every_topic_the_code_uses_exists(plan: Terraform):
    topics = plan.instances("google_pubsub_topic", "topic")
    used = set(EVENT_TOPICS) | set(TRIGGER_TOPICS) | set(DEAD_LETTER_TOPICS) | {t for f in FUNCTIONS for t in f.publishes}
    assert used <= set(topics), f"missing topics: {sorted(used - set(topics))}"
    for name, topic in topics.items():
        assert topic["name"] == name
        assert topic["message_storage_policy"] == [{"allowed_persistence_regions": ["asia-southeast2"]}]


def test_every_subscription_of_an_event_topic_has_a_dead_letter_policy(plan: Terraform):
    held = {s["topic"] for s in plan.instances("google_pubsub_subscription", "hold").values()}
    for name, subscription in plan.instances("google_pubsub_subscription", "push").items():
        policy = subscription.get("dead_letter_policy")
        assert policy and policy[0]["dead_letter_topic"].key in DEAD_LETTER_TOPICS, name
        assert policy[0]["dead_letter_topic"] != subscription["topic"], name
        assert 5 <= policy[0]["max_delivery_attempts"] <= 100, name  # Pub/Sub's bounds
    # Pull subscriptions hold dead letters, or the receipts of the event topics (below).
    assert all(ref.key in DEAD_LETTER_TOPICS for ref in held)


def test_every_event_topic_keeps_receipts_for_the_outbox_relay(prod: Terraform):
    receipts = prod.instances("google_pubsub_subscription", "receipts")
    assert sorted(receipts) == sorted(receipts_subscription(t) for t in set(EVENT_TOPICS))
    for name, subscription in receipts.items():
        assert subscription["name"] == name and subscription["topic"] == topic_id(name.removesuffix("-published"))
        assert "push_config" not in subscription and "dead_letter_policy" not in subscription  # pulled by the relay, never pushed
        assert subscription["expiration_policy"] == [{"ttl": ""}]


@pytest.mark.parametrize("topic", sorted(set(DEAD_LETTER_TOPICS)))
def test_every_dead_letter_topic_has_its_own_subscription(prod: Terraform, topic):
    consumers = [f for f in FUNCTIONS if topic in f.topics]
    pushes = [s for s in prod.instances("google_pubsub_subscription", "push").values() if s["topic"] == topic_id(topic)]
    holds = [s for s in prod.instances("google_pubsub_subscription", "hold").values() if s["topic"] == topic_id(topic)]
    if consumers:
        assert [p["push_config"][0]["push_endpoint"] for p in pushes] == [function_ref(f.name, "service_config", 0, "uri") for f in consumers]
        assert not holds
    else:
        assert not pushes
        assert [h["name"] for h in holds] == [f"{topic}-hold"]
        assert holds[0]["message_retention_duration"] == "2678400s"
        assert holds[0]["expiration_policy"] == [{"ttl": ""}]


def test_the_pubsub_service_agent_can_move_dead_letters(prod: Terraform):
    agent = Template(("serviceAccount:", Ref("google_project_service_identity.pubsub", None, ("email",))))
    publishers = prod.instances("google_pubsub_topic_iam_member", "dead_letter_publisher")
    assert sorted(publishers) == sorted(set(DEAD_LETTER_TOPICS))
    for topic, grant in publishers.items():
        assert grant == {"topic": Ref("google_pubsub_topic.topic", topic, ("name",)), "role": "roles/pubsub.publisher", "member": agent}
    subscribers = prod.instances("google_pubsub_subscription_iam_member", "dead_letter_subscriber")
    pushes = prod.instances("google_pubsub_subscription", "push")
    assert sorted(subscribers) == sorted(pushes)
    for name, grant in subscribers.items():
        assert grant == {"subscription": Ref("google_pubsub_subscription.push", name, ("name",)), "role": "roles/pubsub.subscriber", "member": agent}


@pytest.mark.parametrize("function", [f for f in FUNCTIONS if f.schedule], ids=lambda f: f.name)
def test_scheduler_jobs_follow_the_catalog_in_jakarta_time(plan: Terraform, function):
    jobs = plan.instances("google_cloud_scheduler_job", "job")
    job = jobs[function.name]
    assert job["schedule"] == function.schedule
    assert job["time_zone"] == "Asia/Jakarta"
    assert job["region"] == "asia-southeast2"
    target = job["pubsub_target"][0]
    assert target["topic_name"] == topic_id(function.topic)
    assert json.loads(base64.b64decode(target["data"])), "Cloud Scheduler needs a non-empty message"


def test_only_scheduled_functions_have_jobs(plan: Terraform):
    assert sorted(plan.instances("google_cloud_scheduler_job", "job")) == sorted(f.name for f in FUNCTIONS if f.schedule)


def test_the_source_archive_is_the_repository_without_what_functions_do_not_need(prod: Terraform):
    import fnmatch

    archive = prod.evaluate_block(prod.data[("archive_file", "source")], {})
    assert archive["type"] == "zip" and archive["output_file_mode"] == "0644"
    source_dir = (INFRA / archive["source_dir"]).resolve()
    assert source_dir == ROOT
    excludes = archive["excludes"]
    for needed in (".venv", "node_modules", ".local", ".git", "tests", "web", "bench", "infra"):
        assert needed in excludes

    def excluded(relative: str) -> bool:  # the archive provider: exact path, or a glob pattern
        return any(relative == e or ("*" in e and fnmatch.fnmatch(relative, e.replace("**/", "*"))) for e in excludes)

    included = set()
    for path in ROOT.rglob("*"):
        relative = path.relative_to(ROOT).as_posix()
        if path.is_file() and not any(excluded("/".join(relative.split("/")[: i + 1])) for i in range(relative.count("/") + 1)):
            included.add(relative)
    for needed in ("main.py", "requirements.txt", "functions/catalog.py", "common/settings.py", "docs/openapi.json"):
        assert needed in included, needed
    for function in FUNCTIONS:
        assert f"{function.module.replace('.', '/')}.py" in included
    assert not [p for p in included if p.startswith(("tests/", "infra/", "tools/", "node_modules/", "web/", ".")) or p.endswith(".pyc")]
    assert not [p for p in included if p.endswith(".md")], "editing prose must not redeploy the functions"

    obj = prod.instances("google_storage_bucket_object", "source")[None]
    assert obj["name"] == Template(("functions/", Ref("data.archive_file.source", None, ("output_sha256",)), ".zip"))
    assert obj["source"] == Ref("data.archive_file.source", None, ("output_path",))
