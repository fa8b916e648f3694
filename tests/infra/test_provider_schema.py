"""infra/ against the real provider schemas (hashicorp/google and google-beta 6.50.0,
hashicorp/archive 2.7.1, read from their CDKTF bindings on npm by tools/provider_schema.py),
and proof, on mutated copies of infra/, that the check catches each kind of mistake
`terraform validate` would."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.infra.conftest import INFRA, ROOT
from tools import infra_schema, provider_schema
from tools.infra_schema import Configuration, environments


@pytest.fixture(scope="session")
def schemas() -> dict[str, provider_schema.ProviderSchema]:
    """Fetched with npm on the first run (about 65 MB), then read from .local/provider-schemas/."""
    return {name: provider_schema.load(name) for name in provider_schema.PACKAGES}


@pytest.fixture(scope="session")
def infra(schemas) -> Configuration:
    return Configuration(INFRA)


def test_the_schemas_are_the_pinned_provider_releases(schemas):
    assert schemas["google"].source == "registry.terraform.io/hashicorp/google"
    assert schemas["google-beta"].source == "registry.terraform.io/hashicorp/google-beta"
    assert schemas["archive"].source == "registry.terraform.io/hashicorp/archive"
    assert {s.package.terraform_version for n, s in schemas.items() if n != "archive"} == {"6.50.0"}
    # Sanity of the reading itself, on facts of the 6.50 schema that infra/ relies on.
    function = schemas["google"].resources["google_cloudfunctions2_function"]
    assert function.arguments["name"].required and function.arguments["location"].required
    assert not function.blocks["service_config"].repeated
    assert function.blocks["service_config"].block.blocks["secret_environment_variables"].repeated
    assert "uri" in function.readable["service_config"].attributes  # computed, readable only
    assert "uri" not in function.blocks["service_config"].block.arguments
    assert "google_firebase_project" in schemas["google-beta"].resources
    assert "google_firebase_project" not in schemas["google"].resources
    assert schemas["google"].provider.arguments["user_project_override"].type == "bool"


def test_infra_matches_the_provider_schemas(infra):
    problems = infra.check(environments(INFRA))
    assert problems == [], "\n".join(map(str, problems))


def test_the_provider_constraints_admit_the_checked_release_and_nothing_newer(infra, schemas):
    constraints = {name: r["version"] for name, r in infra.provider_requirements.items()}
    for name in ("google", "google-beta"):
        checked = schemas[name].package.terraform_version
        major, minor, _ = checked.split(".")
        assert constraints[name] == f"~> {major}.{minor}", f"pin {name} to the series the schema describes"
        assert infra_schema.version_satisfies(checked, constraints[name])
        assert not infra_schema.version_satisfies("7.0.0", constraints[name])
        assert not infra_schema.version_satisfies(f"{major}.{int(minor) - 1}.9", constraints[name])
    # Glob excludes arrived in archive 2.5; with 2.4 source.tf's excludes match nothing and every
    # function redeploys on every apply.
    assert infra_schema.version_satisfies(schemas["archive"].package.terraform_version, constraints["archive"])
    assert infra_schema.version_satisfies("2.5.0", constraints["archive"])
    assert not infra_schema.version_satisfies("2.4.2", constraints["archive"])
    assert not infra_schema.version_satisfies("3.0.0", constraints["archive"])


def test_version_constraints_are_read_the_way_terraform_reads_them():
    assert infra_schema.version_satisfies("6.50.0", "~> 6.50")
    assert infra_schema.version_satisfies("6.99.1", "~> 6.50")
    assert not infra_schema.version_satisfies("7.0.0", "~> 6.50")
    assert infra_schema.version_satisfies("6.50.3", "~> 6.50.0")
    assert not infra_schema.version_satisfies("6.51.0", "~> 6.50.0")
    assert infra_schema.version_satisfies("2.5.0", ">= 2.5, < 3.0")
    assert not infra_schema.version_satisfies("3.0.0", ">= 2.5, < 3.0")
    assert not infra_schema.version_satisfies("2.5.0", "!= 2.5.0")


def test_every_google_resource_waits_for_the_apis_it_calls(infra):
    """On a fresh project nothing but the Service Usage API is on: every resource that calls a
    Google API must come after google_project_service.api, directly or through what it refers to."""
    def needs(address: str, seen: frozenset = frozenset()) -> set[str]:
        direct = infra.dependencies(infra.declared[address])
        return direct | {a for d in direct - seen for a in needs(d, seen | {address})}

    late = [
        address for address, declared in infra.declared.items()
        if infra.provider_of(declared).startswith("google") and address != "google_project_service.api"
        and "google_project_service.api" not in needs(address)
    ]
    assert late == []


def test_the_apply_table_in_the_deploy_guide_is_current(infra):
    table = infra_schema.inventory_table(infra.inventory(environments(INFRA)), list(environments(INFRA)))
    text = (ROOT / "docs" / "deploy.md").read_text()
    assert infra_schema.rendered_docs(text, table) == text, "stale: run .venv/bin/python -m tools.infra_schema --write-docs"


def test_the_apply_order_puts_the_apis_first_and_subscriptions_after_their_functions(infra):
    steps = infra.steps()
    assert steps["google_project_service.api"] == 1
    assert min(steps.values()) == 1
    for address, step in steps.items():
        for dependency in infra.dependencies(infra.declared[address]):
            assert steps[dependency] < step, (address, dependency)
    assert steps["google_pubsub_subscription.push"] > steps["google_cloudfunctions2_function.function"]


# -- the check catches what it should: mutated copies of infra/ ----------------------------------

@dataclass(frozen=True)
class Mutation:
    id: str
    file: str
    old: str  # must occur exactly once in the file, so the mutation stays meaningful as infra/ changes
    new: str
    expected: str  # a substring of the problem the check must report
    expanded: bool = False  # found only once dynamic blocks are expanded per environment


MUTATIONS = [
    Mutation(
        "unknown resource type", "scheduler.tf",
        'resource "google_cloud_scheduler_job" "job" {', 'resource "google_cloud_scheduler_jobs" "job" {',
        "unknown resource type google_cloud_scheduler_jobs",
    ),
    Mutation(
        "unknown data source type", "source.tf",
        'data "archive_file" "source" {', 'data "archive_files" "source" {',
        "unknown data source type archive_files",
    ),
    Mutation(
        "unknown argument", "scheduler.tf",
        "    retry_count = 3\n", "    retry_count = 3\n    retry_counts = 4\n",
        "unknown argument retry_counts",
    ),
    Mutation(
        "unknown argument in a nested block", "functions.tf",
        "    max_instance_request_concurrency = 1\n", "    max_instance_request_concurency = 1\n",
        "unknown argument max_instance_request_concurency",
    ),
    Mutation(
        "unknown block", "scheduler.tf",
        "  retry_config {\n", "  retry_configuration {\n",
        "unknown block retry_configuration",
    ),
    Mutation(
        "unknown provider argument", "versions.tf",
        "  user_project_override = true\n  billing_project       = var.project_id\n\n  default_labels = local.labels\n}\n\n# Firebase",
        "  user_project_overide = true\n  billing_project       = var.project_id\n\n  default_labels = local.labels\n}\n\n# Firebase",
        "provider google: unknown argument user_project_overide",
    ),
    Mutation(
        "missing required argument", "pubsub.tf",
        "  topic                      = google_pubsub_topic.topic[each.value.topic].id\n  ack_deadline_seconds       = 60\n"
        "  message_retention_duration = \"2678400s\"",
        "  ack_deadline_seconds       = 60\n  message_retention_duration = \"2678400s\"",
        "google_pubsub_subscription.hold: missing required argument topic",
    ),
    Mutation(
        "missing required argument in a nested block", "scheduler.tf",
        "    topic_name = google_pubsub_topic.topic[each.value.topic].id\n", "",
        "pubsub_target: missing required argument topic_name",
    ),
    Mutation(
        "missing required block", "secrets.tf",
        "  replication {\n    user_managed {\n      replicas {\n        location = var.region\n      }\n    }\n  }\n", "",
        "missing required block replication",
    ),
    Mutation(
        "a single block given twice", "scheduler.tf",
        "  retry_config {\n    retry_count = 3\n  }\n", "  retry_config {\n    retry_count = 3\n  }\n  retry_config {\n    retry_count = 5\n  }\n",
        "retry_config may be given only once, not 2 times",
    ),
    Mutation(
        "a dynamic single block expanded twice", "firestore.tf",
        "for_each = each.value.ttl ? [true] : []", "for_each = each.value.ttl ? [true, false] : []",
        "ttl_config may be given only once, but dev makes 2", expanded=True,
    ),
    Mutation(
        "an attribute written as a block", "secrets.tf",
        '  labels    = { setting = replace(each.value.setting, "_", "-") }\n',
        '  labels {\n    setting = replace(each.value.setting, "_", "-")\n  }\n',
        "labels is an argument, not a block",
    ),
    Mutation(
        "a block written as an attribute", "scheduler.tf",
        "  retry_config {\n    retry_count = 3\n  }\n", "  retry_config = {\n    retry_count = 3\n  }\n",
        "retry_config is a block, not an argument",
    ),
    Mutation(
        "a google-beta resource without provider = google-beta", "apis.tf",
        '  provider = google-beta\n  service  = "pubsub.googleapis.com"\n', '  service = "pubsub.googleapis.com"\n',
        "google_project_service_identity exists only in google-beta: add provider = google-beta",
    ),
    Mutation(
        "a reference to an attribute the resource does not have", "pubsub.tf",
        "    push_endpoint = google_cloudfunctions2_function.function[each.value.function].service_config[0].uri\n",
        "    push_endpoint = google_cloudfunctions2_function.function[each.value.function].service_config[0].url\n",
        "google_cloudfunctions2_function has no attribute url",
    ),
    Mutation(
        "a reference to a block without its index", "functions.tf",
        "  name     = google_cloudfunctions2_function.function[each.key].service_config[0].service\n  role     = \"roles/run.invoker\"\n  member   = \"allUsers\"\n",
        "  name     = google_cloudfunctions2_function.function[each.key].service_config.service\n  role     = \"roles/run.invoker\"\n  member   = \"allUsers\"\n",
        "a block is a list, index it before .service",
    ),
    Mutation(
        "a reference to an undeclared resource", "scheduler.tf",
        "    topic_name = google_pubsub_topic.topic[each.value.topic].id\n", "    topic_name = google_pubsub_topics.topic[each.value.topic].id\n",
        "refers to google_pubsub_topics.topic, which is not declared",
    ),
    Mutation(
        "a data source nothing uses", "apis.tf",
        "resource \"google_project_service\" \"api\" {\n", "data \"google_project\" \"this\" {}\n\nresource \"google_project_service\" \"api\" {\n",
        "data.google_project.this: nothing refers to this data source",
    ),
]


def _mutated_copy(tmp_path: Path, mutation: Mutation) -> Path:
    copy = tmp_path / "infra"
    shutil.copytree(INFRA, copy, ignore=shutil.ignore_patterns(".terraform", ".build", "*.tfplan"))
    path = copy / mutation.file
    text = path.read_text()
    assert text.count(mutation.old) == 1, f"{mutation.file} no longer has {mutation.old!r} exactly once: update the mutation"
    path.write_text(text.replace(mutation.old, mutation.new))
    return copy


@pytest.mark.parametrize("mutation", MUTATIONS, ids=lambda m: m.id)
def test_the_check_catches(tmp_path, schemas, mutation):
    copy = _mutated_copy(tmp_path, mutation)
    problems = Configuration(copy).check(environments(copy) if mutation.expanded else None)
    messages = [f"{p.file}: {p.address}: {p.message}" for p in problems]
    assert any(mutation.expected in m for m in messages), f"{mutation.id}: expected {mutation.expected!r} in {messages}"
    assert all(p.file == mutation.file for p in problems if mutation.expected in f"{p.address}: {p.message}")


def test_an_unmutated_copy_passes(tmp_path, schemas):
    """The mutations above prove something only if the copy itself is clean."""
    copy = tmp_path / "infra"
    shutil.copytree(INFRA, copy, ignore=shutil.ignore_patterns(".terraform", ".build", "*.tfplan"))
    assert Configuration(copy).check(environments(copy)) == []
