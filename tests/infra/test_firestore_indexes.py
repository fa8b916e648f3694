"""Firestore's indexes, exemptions and TTL policies: one list (tools/firestore_indexes.py),
deployed the same by Terraform and by firestore.indexes.json."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.infra.conftest import ROOT
from tools import firestore_indexes
from tools.terraform import Terraform


def test_both_generated_files_are_current():
    assert firestore_indexes.stale() == [], "run .venv/bin/python -m tools.firestore_indexes --write"


def _firebase_indexes() -> set[tuple]:
    document = json.loads((ROOT / "firestore.indexes.json").read_text())
    return {
        (i["collectionGroup"], i["queryScope"], tuple((f["fieldPath"], f.get("order") or f.get("arrayConfig")) for f in i["fields"]))
        for i in document["indexes"]
    }


def test_terraform_creates_exactly_the_indexes_of_firestore_indexes_json(prod: Terraform):
    created = {
        (i["collection"], i["query_scope"], tuple((f["field_path"], f["order"] or f["array_config"]) for f in i["fields"]))
        for i in prod.instances("google_firestore_index", "index").values()
    }
    assert created == _firebase_indexes()
    for index in prod.instances("google_firestore_index", "index").values():
        assert index["database"].resource == "google_firestore_database.main"


def test_terraform_sets_exactly_the_field_overrides_of_firestore_indexes_json(prod: Terraform):
    document = json.loads((ROOT / "firestore.indexes.json").read_text())
    expected = {(o["collectionGroup"], o["fieldPath"], o["ttl"]) for o in document["fieldOverrides"]}
    fields = prod.instances("google_firestore_field", "field").values()
    assert {(f["collection"], f["field"], bool(f.get("ttl_config"))) for f in fields} == expected
    assert all(f["index_config"] == [{}] for f in fields), "an empty index_config turns the field's indexes off"
    assert all(o["indexes"] == [] for o in document["fieldOverrides"])


@pytest.mark.parametrize("collection", ["idempotency", "rate_limits", "survey_keys", "outbox", "complainers"])
def test_ttl_policies_expire_documents(prod: Terraform, collection):
    fields = prod.instances("google_firestore_field", "field").values()
    ttl = [f for f in fields if f["collection"] == collection and f.get("ttl_config")]
    assert [f["field"] for f in ttl] == ["expire_at"]


def _adapter_files() -> list[Path]:
    """The modules that say which fields are written and queried: the repositories and the store."""
    adapters = ROOT / "common" / "adapters"
    return sorted({*adapters.glob("repositor*.py"), *adapters.glob("firestore*.py"), adapters / "store.py"})


def test_the_code_writes_expire_at_where_ttl_is_set():
    adapters = "\n".join(p.read_text() for p in _adapter_files())
    services = (ROOT / "common" / "services" / "ports.py").read_text()
    assert '"expire_at": expire_at' in adapters and '"expire_at": now + PUBLISHED_OUTBOX_TTL' in adapters
    assert "expire_at: datetime" in services  # the idempotency record


def _queried_fields() -> set[str]:
    """Field paths the code filters, orders, counts or sums on (string literals at those calls)."""
    fields: set[str] = set()
    for path in _adapter_files():
        text = path.read_text()
        fields |= set(re.findall(r'(?:where|order_by)\(\s*f?"([\w.{}]+)"', text))
        fields |= set(re.findall(r'\("sum", f?"([\w.{}]+)"\)', text))
    for path in (ROOT / "common" / "services").glob("*.py"):
        fields |= set(re.findall(r'"((?:profile|answers)\.\w+)"', path.read_text()))
    return fields


def test_no_queried_field_is_exempted_from_indexing():
    queried = _queried_fields()
    assert {"unit_id", "period", "owners", "opened_at", "submitted_at", "created_at", "profile.sex"} <= queried
    assert any(f.startswith("answers.") for f in queried)
    for override in firestore_indexes.FIELD_OVERRIDES:
        clashes = [f for f in queried if f == override.field or f.startswith(override.field + ".")]
        assert not clashes, f"{override.key} is exempted but queried as {clashes}"


@pytest.mark.parametrize(
    "collection, fields",
    [
        ("outbox", [("pending", "ASCENDING"), ("created_at", "ASCENDING")]),
        ("findings", [("owners", "CONTAINS"), ("status", "ASCENDING"), ("due", "ASCENDING"), ("id", "ASCENDING")]),
        ("results", [("unit_id", "ASCENDING"), ("period", "ASCENDING")]),
        ("results", [("supervisor_nip", "ASCENDING"), ("period", "ASCENDING")]),
        ("trainings", [("nip", "ASCENDING"), ("year", "ASCENDING")]),
        ("deliveries", [("notification_id", "ASCENDING"), ("id", "ASCENDING")]),
        ("deliveries", [("nip", "ASCENDING"), ("id", "ASCENDING")]),
        ("deliveries", [("notification_id", "ASCENDING"), ("nip", "ASCENDING"), ("id", "ASCENDING")]),
        ("employees", [("unit_id", "ASCENDING"), ("name", "ASCENDING"), ("nip", "ASCENDING")]),
        ("scoring_runs", [("period", "ASCENDING"), ("requested_at", "DESCENDING"), ("id", "DESCENDING")]),
        ("investigations", [("opened_at", "DESCENDING"), ("id", "DESCENDING")]),
        ("items", [("created_at", "DESCENDING"), ("id", "DESCENDING")]),
        ("surveys", [("unit_id", "ASCENDING"), ("complaint", "ASCENDING"), ("submitted_at", "DESCENDING")]),
        ("surveys", [("unit_id", "ASCENDING"), ("period", "ASCENDING"), ("answers.U9", "ASCENDING")]),
        ("surveys", [("unit_id", "ASCENDING"), ("period", "ASCENDING"), ("profile.age", "ASCENDING")]),
        ("investigations", [("status", "ASCENDING"), ("unit_id", "ASCENDING"), ("opened_at", "DESCENDING"), ("id", "DESCENDING")]),
    ],
)
def test_the_queries_that_need_a_composite_index_have_one(collection, fields):
    assert (collection, "COLLECTION", tuple(map(tuple, fields))) in _firebase_indexes()
