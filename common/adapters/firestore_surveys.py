"""Firestore storage of survey responses, rate limits, client keys and investigations.

Collections:
  surveys/{receipt}                 one response; never updated
  rate_limits/{random}              one per accepted response: sender fingerprint and window (TTL: expire_at)
  survey_keys/{sha256(client_key)}  first receipt of a client key (TTL: expire_at)
  investigations/{id}               complaint investigations
  investigation_guards/{unit_id}    the unit's open investigation, so one spike opens one
  complaint_pictures/{unit_id}      the latest complaint picture, written by the event handler
"""

from __future__ import annotations

from datetime import datetime
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

    def count_where(self, unit_id: str, months: list[str], field: str, value: Any) -> int:
        return sum(self._count(query.where(filter=_filter(field, "==", value))) for query in self._scopes(unit_id, months, None))

    def count_range(self, unit_id: str, months: list[str], field: str, low: int, high: int) -> int:
        return sum(self._count(query.where(filter=_filter(field, ">=", low)).where(filter=_filter(field, "<", high)))
                   for query in self._scopes(unit_id, months, None))

    @staticmethod
    def _count(query: Any) -> int:
        count(reads=1)
        return int(query.count(alias="n").get(**rpc())[0][0].value)

    def _window(self, unit_id: str, start: datetime, end: datetime, complaints_only: bool):
        query = self.client.collection(self.collection).where(filter=_filter("unit_id", "==", unit_id))
        if complaints_only:
            query = query.where(filter=_filter("complaint", "==", True))
        return query.where(filter=_filter("submitted_at", ">=", start)).where(filter=_filter("submitted_at", "<", end))

    def count_since(self, unit_id: str, start: datetime, end: datetime, complaints_only: bool) -> int:
        count(reads=1)
        result = self._window(unit_id, start, end, complaints_only).count(alias="n").get(**rpc())
        return int(result[0][0].value)

    def complaints(self, unit_id: str, start: datetime, end: datetime, limit: int) -> list[SurveyResponse]:
        query = self._window(unit_id, start, end, True).order_by("submitted_at", direction="DESCENDING").limit(limit)
        return [SurveyResponse.model_validate(d) for d in self._stream(query)]


class FirestoreRateLimits(_Repository):
    """rate_limits/{random}: one document per accepted response, keyed by sender and window."""

    collection = "rate_limits"

    def count(self, client: str, window: int) -> int:
        count(reads=1)
        query = self.client.collection(self.collection).where(filter=_filter("key", "==", f"{client}_{window}"))
        return int(query.count(alias="n").get(**rpc())[0][0].value)

    def hit(self, client: str, window: int, expire_at: datetime) -> None:
        import uuid

        self._write(uuid.uuid4().hex, {"key": f"{client}_{window}", "expire_at": expire_at})


class FirestoreSurveyKeys(_Repository):
    collection = "survey_keys"

    def get(self, key_id: str) -> Any:
        from common.services.surveys import Receipt

        data = self._read(key_id)
        return Receipt.model_validate(data["receipt"]) if data else None

    def put(self, key_id: str, receipt: Any, expire_at: datetime) -> None:
        self._write(key_id, {"receipt": to_doc(receipt), "expire_at": expire_at})


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
