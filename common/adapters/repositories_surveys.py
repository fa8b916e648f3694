"""Repositories of survey responses, rate limits, client keys and investigations.

Collections:
  surveys/{receipt}                 one response; never updated; its time kept to the hour
  rate_limits/{key}                 a counter per key: an address hash and window, or and unit and day (TTL: expire_at)
  complainers/{unit}:{hash}:{hour}  who complained about a unit in that hour, by a salted per-unit hash (TTL: two spike windows)
  survey_keys/{sha256(client_key)}  first receipt of a client key and its body's fingerprint (TTL: expire_at)
  investigations/{id}               complaint investigations
  investigation_guards/{unit_id}    the unit's open investigation, so one spike opens one
  complaint_pictures/{unit_id}      the latest complaint picture, written by the event handler
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timezone
from typing import Any

from common.domain.complaints import ComplaintPicture, Investigation
from common.domain.organisation import Unit
from common.domain.survey import UNSUR_CODES, SurveyResponse

from .repository import Repository
from .store import IN_LIMIT, Increment, Query, to_doc, valid_id


class Surveys(Repository[SurveyResponse]):
    collection, model, key = "surveys", SurveyResponse, "receipt"

    def create(self, response: SurveyResponse) -> None:
        """A new response; fails if the receipt exists."""
        self.store.create(self.doc(response.receipt), self.encode(response))

    def _scopes(self, unit_id: str, months: list[str], service_id: str | None = None) -> list[Query]:
        """One query per 30 months: an "in" filter takes at most 30 values, and a year of months
        or ten years (120) must still work. Counts and sums add up across them."""
        queries = []
        for start in range(0, len(months), IN_LIMIT):
            query = self.where("unit_id", "==", unit_id).where("period", "in", months[start : start + IN_LIMIT])
            queries.append(query.where("service_id", "==", service_id) if service_id is not None else query)
        return queries

    def totals(self, unit_id: str, months: list[str], service_id: str | None = None) -> tuple[int, dict[str, int]]:
        """Count and per-unsur sums by aggregation queries: the database adds, we read no responses."""
        values = dict.fromkeys(["n", *UNSUR_CODES], 0)
        wanted: dict[str, Any] = {"n": ("count", None), **{code: ("sum", f"answers.{code}") for code in UNSUR_CODES}}
        for query in self._scopes(unit_id, months, service_id):
            for alias, value in self.store.aggregate(query, wanted).items():
                values[alias] += int(value or 0)
        n = values.pop("n")
        return n, values

    def blanks(self, unit_id: str, months: list[str], service_id: str | None = None) -> dict[str, int]:
        """Blank unsur per code (what a paper form left empty), summed by the database. Every
        response since blanks were allowed carries all nine marks (0 or 1), so each aggregation
        query sees it; older responses have none and no blanks."""
        values = dict.fromkeys(UNSUR_CODES, 0)
        wanted: dict[str, Any] = {code: ("sum", f"blank.{code}") for code in UNSUR_CODES}
        for query in self._scopes(unit_id, months, service_id):
            for alias, value in self.store.aggregate(query, wanted).items():
                values[alias] += int(value or 0)
        return {code: v for code, v in values.items() if v}

    def count(self, unit_id: str, months: list[str], service_id: str | None = None) -> int:
        return sum(self.count_matching(q) for q in self._scopes(unit_id, months, service_id))

    def count_where(self, unit_id: str, months: list[str], field: str, value: Any) -> int:
        return sum(self.count_matching(q.where(field, "==", value)) for q in self._scopes(unit_id, months))

    def count_range(self, unit_id: str, months: list[str], field: str, low: int, high: int) -> int:
        return sum(self.count_matching(q.where(field, ">=", low).where(field, "<", high)) for q in self._scopes(unit_id, months))

    def _window(self, unit_id: str, start: datetime, end: datetime, which: str | None) -> Query:
        query = self.where("unit_id", "==", unit_id)
        if which == "complaint":
            query = query.where("complaint", "==", True)
        elif which == "dissatisfied":
            query = query.where("lowest_score", "==", 1)
        return query.where("submitted_at", ">=", start).where("submitted_at", "<", end)

    def count_since(self, unit_id: str, start: datetime, end: datetime, which: str | None = None) -> int:
        return self.count_matching(self._window(unit_id, start, end, which))

    def complaints(self, unit_id: str, start: datetime, end: datetime, limit: int) -> list[SurveyResponse]:
        return self.find(self._window(unit_id, start, end, "complaint").order_by("submitted_at", descending=True).take(limit))


class RateLimits:
    """rate_limits/{key}: the accepted responses of one key, a counter. Read by id, in the
    batched read that begins intake's transaction (no query, no round trip of its own); counted
    up blind after it, with the database's increment (no read, nothing to contend for but one
    sender's own requests in one window)."""

    collection = "rate_limits"

    def __init__(self, store) -> None:
        self.store = store

    def paths(self, keys: list[str]) -> list[str]:
        return [f"{self.collection}/{key}" for key in keys]

    def counts_in(self, found: dict[str, dict[str, Any]], keys: list[str]) -> list[int]:
        """Each key's count in documents read by ``paths`` (0 for a key never hit)."""
        return [int((found.get(path) or {}).get("count", 0)) for path in self.paths(keys)]

    def counts(self, keys: list[str]) -> list[int]:
        return self.counts_in(self.store.get_all(self.paths(keys)), keys)

    def hit(self, keys: list[str], expire_at: datetime) -> None:
        self.store.write_all([("merge", path, {"count": Increment(1), "expire_at": expire_at}) for path in self.paths(keys)])


def _hour(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H")


class Complainers:
    """complainers/{unit}:{sender}:{hour}: a sender's complaints about a unit in an hour, once."""

    collection = "complainers"

    def __init__(self, store) -> None:
        self.store = store

    def mark(self, unit_id: str, sender: str, hour: datetime, expire_at: datetime) -> None:
        data = {"unit_id": unit_id, "sender": sender, "hour": _hour(hour), "expire_at": expire_at}
        self.store.set(f"{self.collection}/{unit_id}:{sender}:{_hour(hour)}", data)

    def distinct(self, unit_id: str, first: datetime, last: datetime) -> int:
        query = (Query(self.collection).where("unit_id", "==", unit_id)
                 .where("hour", ">=", _hour(first)).where("hour", "<=", _hour(last)).select("sender"))
        return len({data.get("sender") for _, data in self.store.query(query)})


class SurveyKeys:
    """survey_keys/{key}: the first receipt of a client key, with its body's fingerprint."""

    collection = "survey_keys"

    def __init__(self, store) -> None:
        self.store = store

    def get(self, key_id: str) -> tuple[Any, str] | None:
        return self._decode(self.store.get(f"{self.collection}/{key_id}"))

    def get_with_unit(self, key_id: str | None, unit_id: str, also: Sequence[str] = ()) -> tuple[tuple[Any, str] | None, Unit | None, dict[str, Any]]:
        """The key's first receipt (if a key is given), the unit, and the documents at ``also``
        (the sender's rate-limit counters) that exist, in one batched read."""
        key_path, unit_path = f"{self.collection}/{key_id}", f"units/{unit_id}"
        found = self.store.get_all([*([key_path] if key_id else []), unit_path, *also]) if valid_id(unit_id) else {}
        unit = Unit.model_validate(found[unit_path]) if unit_path in found else None
        return self._decode(found.get(key_path) if key_id else None), unit, {path: found[path] for path in also if path in found}

    @staticmethod
    def _decode(data: dict[str, Any] | None) -> tuple[Any, str] | None:
        from common.services.surveys import Receipt

        return (Receipt.model_validate(data["receipt"]), data.get("fingerprint", "")) if data else None

    def put(self, key_id: str, receipt: Any, fingerprint: str, expire_at: datetime) -> None:
        self.store.set(f"{self.collection}/{key_id}", {"receipt": to_doc(receipt), "fingerprint": fingerprint, "expire_at": expire_at})


class Pictures(Repository[ComplaintPicture]):
    collection, model, key = "complaint_pictures", ComplaintPicture, "unit_id"


class Investigations(Repository[Investigation]):
    collection, model = "investigations", Investigation
    guards = "investigation_guards"

    def __init__(self, store, collection: str | None = None) -> None:
        super().__init__(store, collection)
        self.pictures = Pictures(store)

    def list(self, status: str | None, unit_id: str | None, limit: int, after: tuple[datetime, str] | None = None) -> list[Investigation]:
        """Newest first, ties by id; after an (opened_at, id)."""
        query = self.query()
        if status:
            query = query.where("status", "==", status)
        if unit_id:
            query = query.where("unit_id", "==", unit_id)
        query = query.order_by("opened_at", descending=True).order_by("id", descending=True)
        return self.find((query.start_after(*after) if after is not None else query).take(limit))

    def guard(self, unit_id: str) -> dict[str, Any] | None:
        """The unit's investigation guard: the open investigation and when it was opened."""
        return self.store.get(f"{self.guards}/{unit_id}")

    def set_guard(self, unit_id: str, guard: dict[str, Any]) -> None:
        self.store.set(f"{self.guards}/{unit_id}", guard)

    def save_picture(self, picture: ComplaintPicture) -> None:
        self.pictures.put(picture)
