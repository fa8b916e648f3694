"""The one list of Firestore indexes, index exemptions and TTL policies.

Both deployments read what this writes, so they cannot drift apart:

- ``firestore.indexes.json``: the Firebase CLI's format (named by firebase.json);
- ``infra/generated/firestore.json``: what Terraform creates (``infra/firestore.tf``).

    .venv/bin/python -m tools.firestore_indexes --write   # after changing a query
    .venv/bin/python -m tools.firestore_indexes --check   # exit 1 when a file is stale

Each composite index names the query it serves (the adapters in
common/adapters/firestore*.py). Equality filters on one field, and a single
order by, run on Firestore's automatic single-field indexes and need nothing here.
"""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from pathlib import Path

from tools import generated

ROOT = Path(__file__).resolve().parent.parent
FIREBASE_FILE = ROOT / "firestore.indexes.json"
TERRAFORM_FILE = ROOT / "infra" / "generated" / "firestore.json"

ASC, DESC, CONTAINS = "ASCENDING", "DESCENDING", "CONTAINS"


@dataclass(frozen=True)
class Index:
    collection: str  # the collection id (a collection group id for subcollections)
    fields: tuple[tuple[str, str], ...]  # (field path, ASCENDING | DESCENDING | CONTAINS)
    serves: str  # the query, for the reader

    @property
    def key(self) -> str:
        """A stable id for Terraform's for_each: collection and fields, in order."""
        parts = "+".join(f"{path}:{order[:4].lower()}" for path, order in self.fields)
        return f"{self.collection}/{parts}"


@dataclass(frozen=True)
class FieldOverride:
    """A field with its automatic single-field indexes turned off, and maybe a TTL policy."""

    collection: str
    field: str
    why: str
    ttl: bool = False

    @property
    def key(self) -> str:
        return f"{self.collection}/{self.field}"


UNSUR = [f"U{i}" for i in range(1, 10)]

INDEXES: tuple[Index, ...] = (
    # -- kept from the first firestore.indexes.json, same order ---------------------------
    Index("outbox", (("pending", ASC), ("created_at", ASC)), "outbox relay: pending == true, created_at <= t, order by created_at"),
    Index("surveys", (("unit_id", ASC), ("period", ASC)), "IKM: count of a unit's responses, period in [months]"),
    Index("surveys", (("unit_id", ASC), ("service_id", ASC), ("period", ASC)), "IKM per service: count, period in [months]"),
    Index("surveys", (("unit_id", ASC), ("submitted_at", ASC)), "complaint picture: responses of a unit in a time window"),
    Index("surveys", (("unit_id", ASC), ("complaint", ASC), ("submitted_at", ASC)), "complaint picture: complaints in a window"),
    Index("surveys", (("unit_id", ASC), ("complaint", ASC), ("submitted_at", DESC)), "an investigation's complaints, newest first"),
    Index("surveys", (("unit_id", ASC), ("lowest_score", ASC), ("submitted_at", ASC)), "complaint picture: dissatisfied responses in a window"),
    Index("complainers", (("unit_id", ASC), ("hour", ASC)), "complaint picture: the people who complained about a unit, by the hour"),
    Index("investigations", (("opened_at", DESC), ("id", DESC)), "investigations, newest first, paged by (opened_at, id)"),
    Index("investigations", (("status", ASC), ("opened_at", DESC), ("id", DESC)), "investigations by status, newest first, paged"),
    Index("investigations", (("unit_id", ASC), ("opened_at", DESC), ("id", DESC)), "a unit's investigations, newest first, paged"),
    Index("investigations", (("status", ASC), ("unit_id", ASC), ("opened_at", DESC), ("id", DESC)), "a unit's investigations by status, paged"),
    # -- sum() of each unsur: the database adds from an index that holds the filter fields
    #    and the summed field, so the sums are read from the matching range only ------------
    *(
        Index("surveys", (("unit_id", ASC), ("period", ASC), (f"answers.{u}", ASC)), f"IKM: sum of {u} over a unit's months")
        for u in UNSUR
    ),
    *(
        Index("surveys", (("unit_id", ASC), ("service_id", ASC), ("period", ASC), (f"answers.{u}", ASC)), f"IKM per service: sum of {u}")
        for u in UNSUR
    ),
    # -- the SKM report's respondent profile: one count per value (age: a range) ---------------
    *(
        Index("surveys", (("unit_id", ASC), ("period", ASC), (f"profile.{field}", ASC)), f"SKM report: count by profile.{field}")
        for field in ("sex", "education", "occupation", "age")
    ),
    # -- the monthly evaluation ----------------------------------------------------------------
    Index("results", (("unit_id", ASC), ("period", ASC)), "a unit's results for a period"),
    Index("results", (("supervisor_nip", ASC), ("period", ASC)), "a supervisor's team results for a period"),
    Index("findings", (("unit_id", ASC), ("status", ASC)), "a unit's unresolved findings: status in [open, in_progress]"),
    Index("findings", (("owners", CONTAINS), ("status", ASC), ("due", ASC), ("id", ASC)),
          "my findings: owners array-contains me, status in [open, in_progress] (or one status), by due date, paged by (due, id)"),
    Index("trainings", (("nip", ASC), ("year", ASC)), "trainings of a person (or nip in [30 NIPs]) in a year"),
    # -- notifications ---------------------------------------------------------------------------
    Index("deliveries", (("notification_id", ASC), ("id", ASC)), "delivery records of one notification, paged by id"),
    Index("deliveries", (("nip", ASC), ("id", ASC)), "a person's delivery records, paged by id"),
    Index("deliveries", (("notification_id", ASC), ("nip", ASC), ("id", ASC)), "delivery records of one notification for one person, paged"),
    Index("deliveries", (("run_id", ASC), ("channel", ASC), ("status", ASC)), "a scoring run's deliveries: count per channel and status"),
    Index("deliveries", (("run_id", ASC), ("status", ASC), ("reason", ASC)), "a scoring run's deliveries: failed ones, skipped per reason"),
    Index("scoring_runs", (("period", ASC), ("requested_at", DESC), ("id", DESC)), "the runs of a period, newest first, paged by (requested_at, id)"),
    Index("items", (("created_at", DESC), ("id", DESC)), "inbox/{nip}/items: newest first, paged by (created_at, id)"),
    # -- evidence files --------------------------------------------------------------------------
    Index("evidence", (("nip", ASC), ("period", ASC)), "an ASN's uploads for a period (the 20-file limit)"),
    Index("evidence", (("open", ASC), ("open_until", ASC)), "the sweep: open == true, open_until <= now, order by open_until"),
    # -- keberatan (objections) --------------------------------------------------------------------
    *(
        Index("objections", ((field, ASC), *status, ("filed_at", DESC), ("id", DESC)),
              f"objections by {field}{' and status' if status else ''}, newest first, paged by (filed_at, id)")
        for field in ("nip", "decider", "unit_id") for status in ((), (("status", ASC),))
    ),
    Index("objections", (("unit_id", ASC), ("period", ASC)), "a unit's objections to a period: what a scoring run keeps"),
    Index("objections", (("open", ASC), ("due", ASC)), "the daily check: open == true, due < today, order by due"),
    # -- accounts ----------------------------------------------------------------------------------
    Index("employees", (("unit_id", ASC), ("name", ASC), ("nip", ASC)), "a unit's employees by name, paged by (name, nip)"),
    Index("audit", (("at", DESC), ("id", DESC)), "the audit log: newest first, paged by (at, id), from a time on"),
    Index("audit", (("nip", ASC), ("at", DESC), ("id", DESC)), "one person's audit entries: newest first, from a time on"),
)

TTL_COLLECTIONS = ("idempotency", "rate_limits", "survey_keys", "outbox", "complainers", "evidence")

FIELD_OVERRIDES: tuple[FieldOverride, ...] = (
    # TTL fields: Firestore deletes a document once expire_at has passed. A timestamp that
    # only grows, indexed, caps a collection's write rate, and nothing queries it.
    *(FieldOverride(c, "expire_at", "TTL: deleted after this time", ttl=True) for c in TTL_COLLECTIONS),
    # Large maps, arrays and texts that are only ever read with their document. Fields that
    # any query filters, orders or sums on (surveys.answers, findings.owners, ...) stay indexed.
    FieldOverride("reports", "content", "realisasi, narrative and evidence: read by id only"),
    FieldOverride("reports", "reviews", "every review with its feedback: read by id only"),
    FieldOverride("revisions", "content", "reports/{id}/revisions snapshots: read by id only"),
    FieldOverride("revisions", "reviews", "reports/{id}/revisions snapshots: read by id only"),
    FieldOverride("skp_plans", "indicators", "read by id only"),
    FieldOverride("units", "services", "the service catalogue: read with its unit"),
    FieldOverride("idempotency", "result", "a stored response: read by id only"),
    FieldOverride("outbox", "event", "the event payload: read with its entry"),
    FieldOverride("survey_keys", "receipt", "read by id only"),
    FieldOverride("surveys", "feedback", "free text: never queried"),
    FieldOverride("investigations", "picture", "read with its investigation"),
    FieldOverride("investigations", "complaints", "read with its investigation"),
    FieldOverride("investigations", "history", "read with its investigation"),
    FieldOverride("results", "indicators", "read with its result"),
    FieldOverride("results", "reasons", "read with its result"),
    FieldOverride("unit_results", "ikm", "read by id only"),
    FieldOverride("unit_results", "curve", "read by id only"),
    FieldOverride("findings", "evidence", "read with its finding"),
    FieldOverride("findings", "history", "read with its finding"),
    FieldOverride("scoring_runs", "units", "every unit id of a run: read by id only"),
    FieldOverride("audit", "inputs", "append-only, read with its entry"),
    FieldOverride("audit", "outputs", "append-only, read with its entry"),
    FieldOverride("deliveries", "attempts", "read with its delivery record"),
    FieldOverride("items", "body", "inbox text: read with its item"),
    FieldOverride("digests", "entries", "what waits for a person's digest: read with its digest"),
    FieldOverride("tokens", "token", "devices/{nip}/tokens: up to 4 KiB, listed per person only"),
)


def firebase_document() -> dict:
    """firestore.indexes.json, in the Firebase CLI's format."""
    return {
        "indexes": [
            {
                "collectionGroup": index.collection,
                "queryScope": "COLLECTION",
                "fields": [
                    {"fieldPath": path, "arrayConfig": order} if order == CONTAINS else {"fieldPath": path, "order": order}
                    for path, order in index.fields
                ],
            }
            for index in INDEXES
        ],
        "fieldOverrides": [
            {"collectionGroup": o.collection, "fieldPath": o.field, "ttl": o.ttl, "indexes": []} for o in FIELD_OVERRIDES
        ],
    }


def terraform_document() -> dict:
    """What infra/firestore.tf iterates over, keyed by stable ids."""
    return {
        "_generated_by": "python -m tools.firestore_indexes --write; do not edit",
        "indexes": {
            index.key: {
                "collection": index.collection,
                "fields": [
                    {"field_path": path, "order": None if order == CONTAINS else order, "array_config": order if order == CONTAINS else None}
                    for path, order in index.fields
                ],
            }
            for index in INDEXES
        },
        "fields": {o.key: {"collection": o.collection, "field": o.field, "ttl": o.ttl} for o in FIELD_OVERRIDES},
    }


def _check_unique() -> None:
    for name, keys in (("index", [i.key for i in INDEXES]), ("field override", [o.key for o in FIELD_OVERRIDES])):
        duplicates = sorted({k for k in keys if keys.count(k) > 1})
        if duplicates:
            raise SystemExit(f"duplicate {name}: {', '.join(duplicates)}")


def rendered() -> dict[Path, str]:
    _check_unique()
    return {
        FIREBASE_FILE: json.dumps(firebase_document(), indent=2) + "\n",
        TERRAFORM_FILE: json.dumps(terraform_document(), indent=2, sort_keys=True) + "\n",
    }


def stale() -> list[Path]:
    return generated.stale(rendered())


def main(argv: list[str] | None = None) -> int:
    return generated.main(__doc__.split("\n\n")[0], "python -m tools.firestore_indexes --write", rendered, argv)


if __name__ == "__main__":
    sys.exit(main())
