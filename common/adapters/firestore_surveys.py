"""Firestore storage of survey responses, rate limits, client keys and investigations.

Collections:
  surveys/{receipt}                 one response; never updated; its time kept to the hour
  rate_limits/{random}              one per accepted response and key: an address hash and window or day (TTL: expire_at)
  complainers/{unit}:{hash}:{day}   who complained about a unit that day, by a salted per-unit hash (TTL: two spike windows)
  survey_keys/{sha256(client_key)}  first receipt of a client key and its body's fingerprint (TTL: expire_at)
  investigations/{id}               complaint investigations
  investigation_guards/{unit_id}    the unit's open investigation, so one spike opens one
  complaint_pictures/{unit_id}      the latest complaint picture, written by the event handler
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from common.domain.complaints import ComplaintPicture, Investigation
from common.domain.events import Event
from common.domain.survey import UNSUR_CODES, SurveyResponse
from common.services.ports import OutboxEntry

from .firestore import _Repository, count, from_doc, rpc, to_doc

IN_LIMIT = 30  # values an "in" filter may take


def _filter(field: str, op: str, value: Any):
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, op, value)


class FirestoreSurveys(_Repository):
    collection = "surveys"

    def create(self, response: SurveyResponse) -> None:
        ref = self._ref(response.receipt)
        if self.tx is not None:
            self.tx.create(ref, to_doc(response))
        else:
            ref.create(to_doc(response), **rpc())

    def create_many(self, responses: list[SurveyResponse], event: Event, now: datetime) -> None:
        batch = self.client.batch()
        for response in responses:
            batch.create(self._ref(response.receipt), to_doc(response))
        outbox = self.client.collection("outbox").document(event.id)
        batch.set(outbox, {**to_doc(OutboxEntry(event=event, created_at=now)), "pending": True, "topic": event.topic})
        batch.commit(**rpc())

    def get(self, receipt: str) -> SurveyResponse | None:
        return from_doc(SurveyResponse, self._read(receipt))

    def _scopes(self, unit_id: str, months: list[str], service_id: str | None) -> list[Any]:
        """One query per IN_LIMIT months: an "in" filter takes at most 30 values, and a year of
        months or ten years (120) must still work. Counts and sums add up across them."""
        queries = []
        for start in range(0, len(months), IN_LIMIT):
            query = self.client.collection(self.collection).where(filter=_filter("unit_id", "==", unit_id))
            query = query.where(filter=_filter("period", "in", months[start : start + IN_LIMIT]))
            if service_id is not None:
                query = query.where(filter=_filter("service_id", "==", service_id))
            queries.append(query)
        return queries

    def totals(self, unit_id: str, months: list[str], service_id: str | None = None) -> tuple[int, dict[str, int]]:
        """Count and per-unsur sums by aggregation queries: the database adds, we read no responses.

        Firestore allows five aggregations per query, so two queries cover n and U1..U9.
        """
        from google.cloud.firestore_v1 import aggregation

        values = dict.fromkeys(["n", *UNSUR_CODES], 0)
        groups = [["n", *UNSUR_CODES[:4]], list(UNSUR_CODES[4:])]
        for query in self._scopes(unit_id, months, service_id):
            for group in groups:
                agg = aggregation.AggregationQuery(query)
                for alias in group:
                    if alias == "n":
                        agg.count(alias="n")
                    else:
                        agg.sum(f"answers.{alias}", alias=alias)
                count(reads=1)
                for result in agg.get(**rpc()):
                    for item in result:
                        values[item.alias] += int(item.value or 0)
        n = values.pop("n")
        return n, values

    def blanks(self, unit_id: str, months: list[str], service_id: str | None = None) -> dict[str, int]:
        """Blank unsur per code (what a paper form left empty), summed by the database. Responses
        without blanks carry no marks, so most periods need one aggregation query per scope."""
        from google.cloud.firestore_v1 import aggregation

        values = dict.fromkeys(UNSUR_CODES, 0)
        for query in self._scopes(unit_id, months, service_id):
            first, rest = ["blank_count", *UNSUR_CODES[:4]], list(UNSUR_CODES[4:])
            found = self._sums(aggregation, query, first)
            for code in UNSUR_CODES[:4]:
                values[code] += found[code]
            if found["blank_count"] > sum(found[c] for c in UNSUR_CODES[:4]):
                for code, value in self._sums(aggregation, query, rest).items():
                    values[code] += value
        return {code: v for code, v in values.items() if v}

    @staticmethod
    def _sums(aggregation, query, fields: list[str]) -> dict[str, int]:
        agg = aggregation.AggregationQuery(query)
        for name in fields:
            agg.sum(name if name == "blank_count" else f"blank.{name}", alias=name)
        count(reads=1)
        found = dict.fromkeys(fields, 0)
        for result in agg.get(**rpc()):
            for item in result:
                found[item.alias] += int(item.value or 0)
        return found

    def count(self, unit_id: str, months: list[str], service_id: str | None = None) -> int:
        return sum(self._count(query) for query in self._scopes(unit_id, months, service_id))

    def count_where(self, unit_id: str, months: list[str], field: str, value: Any) -> int:
        return sum(self._count(query.where(filter=_filter(field, "==", value))) for query in self._scopes(unit_id, months, None))

    def count_range(self, unit_id: str, months: list[str], field: str, low: int, high: int) -> int:
        return sum(self._count(query.where(filter=_filter(field, ">=", low)).where(filter=_filter(field, "<", high)))
                   for query in self._scopes(unit_id, months, None))

    @staticmethod
    def _count(query: Any) -> int:
        count(reads=1)
        return int(query.count(alias="n").get(**rpc())[0][0].value)

    def _window(self, unit_id: str, start: datetime, end: datetime, which: str | None):
        query = self.client.collection(self.collection).where(filter=_filter("unit_id", "==", unit_id))
        if which == "complaint":
            query = query.where(filter=_filter("complaint", "==", True))
        elif which == "dissatisfied":
            query = query.where(filter=_filter("lowest_score", "==", 1))
        return query.where(filter=_filter("submitted_at", ">=", start)).where(filter=_filter("submitted_at", "<", end))

    def count_since(self, unit_id: str, start: datetime, end: datetime, which: str | None = None) -> int:
        count(reads=1)
        result = self._window(unit_id, start, end, which).count(alias="n").get(**rpc())
        return int(result[0][0].value)

    def complaints(self, unit_id: str, start: datetime, end: datetime, limit: int) -> list[SurveyResponse]:
        query = self._window(unit_id, start, end, "complaint").order_by("submitted_at", direction="DESCENDING").limit(limit)
        return [SurveyResponse.model_validate(d) for d in self._stream(query)]


class FirestoreRateLimits(_Repository):
    """rate_limits/{random}: one document per accepted response and key."""

    collection = "rate_limits"

    def counts(self, keys: list[str]) -> list[int]:
        out = []
        for key in keys:
            count(reads=1)
            query = self.client.collection(self.collection).where(filter=_filter("key", "==", key))
            out.append(int(query.count(alias="n").get(**rpc())[0][0].value))
        return out

    def hit(self, keys: list[str], expire_at: datetime) -> None:
        import uuid

        self._write_many([(self._ref(uuid.uuid4().hex), {"key": key, "expire_at": expire_at}) for key in keys])


def _hour(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H")


class FirestoreComplainers(_Repository):
    """complainers/{unit}:{sender}:{hour}: a sender's complaints about a unit in an hour, once."""

    collection = "complainers"

    def mark(self, unit_id: str, sender: str, hour: datetime, expire_at: datetime) -> None:
        self._write(f"{unit_id}:{sender}:{_hour(hour)}", {"unit_id": unit_id, "sender": sender, "hour": _hour(hour), "expire_at": expire_at})

    def distinct(self, unit_id: str, first: datetime, last: datetime) -> int:
        query = (
            self.client.collection(self.collection)
            .where(filter=_filter("unit_id", "==", unit_id))
            .where(filter=_filter("hour", ">=", _hour(first)))
            .where(filter=_filter("hour", "<=", _hour(last)))
            .select(["sender"])
        )
        return len({d.get("sender") for d in self._stream(query)})


class FirestoreSurveyKeys(_Repository):
    collection = "survey_keys"

    def get(self, key_id: str) -> tuple[Any, str] | None:
        from common.services.surveys import Receipt

        data = self._read(key_id)
        return (Receipt.model_validate(data["receipt"]), data.get("fingerprint", "")) if data else None

    def put(self, key_id: str, receipt: Any, fingerprint: str, expire_at: datetime) -> None:
        self._write(key_id, {"receipt": to_doc(receipt), "fingerprint": fingerprint, "expire_at": expire_at})


class FirestoreInvestigations(_Repository):
    collection = "investigations"

    def get(self, investigation_id: str) -> Investigation | None:
        return from_doc(Investigation, self._read(investigation_id))

    def put(self, investigation: Investigation) -> None:
        self._write(investigation.id, to_doc(investigation))

    def list(self, status: str | None, unit_id: str | None, limit: int) -> list[Investigation]:
        query = self.client.collection(self.collection)
        if status:
            query = query.where(filter=_filter("status", "==", status))
        if unit_id:
            query = query.where(filter=_filter("unit_id", "==", unit_id))
        query = query.order_by("opened_at", direction="DESCENDING").limit(limit)
        return [Investigation.model_validate(d) for d in self._stream(query)]

    def guard(self, unit_id: str) -> dict[str, Any] | None:
        snapshot = self.client.collection("investigation_guards").document(unit_id).get(transaction=self.tx, **rpc())
        return snapshot.to_dict() if snapshot.exists else None

    def set_guard(self, unit_id: str, guard: dict[str, Any]) -> None:
        ref = self.client.collection("investigation_guards").document(unit_id)
        if self.tx is not None:
            self.tx.set(ref, guard)
        else:
            ref.set(guard, **rpc())

    def save_picture(self, picture: ComplaintPicture) -> None:
        self.client.collection("complaint_pictures").document(picture.unit_id).set(to_doc(picture), **rpc())
