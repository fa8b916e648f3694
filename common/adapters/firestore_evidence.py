"""``evidence/{upload_id}``: every upload target given, and the verdict on what arrived."""

from __future__ import annotations

from datetime import datetime
from typing import Iterable

from common.domain.evidence import Evidence

from .firestore import _Repository, from_doc, to_doc


class FirestoreEvidence(_Repository):
    collection = "evidence"

    def get(self, upload_id: str) -> Evidence | None:
        return from_doc(Evidence, self._read(upload_id))

    def get_many(self, upload_ids: Iterable[str]) -> dict[str, Evidence]:
        return {k: Evidence.model_validate(v) for k, v in self._read_many(upload_ids).items()}

    def put(self, evidence: Evidence) -> None:
        self._write(evidence.id, to_doc(evidence))

    def for_period(self, nip: str, period: str) -> list[Evidence]:
        from google.cloud.firestore_v1.base_query import FieldFilter

        query = (
            self.client.collection(self.collection)
            .where(filter=FieldFilter("nip", "==", nip))
            .where(filter=FieldFilter("period", "==", period))
        )
        return [Evidence.model_validate(d) for d in self._stream(query)]

    def open_until(self, moment: datetime, limit: int) -> list[Evidence]:
        from google.cloud.firestore_v1.base_query import FieldFilter

        query = (
            self.client.collection(self.collection)
            .where(filter=FieldFilter("open", "==", True))
            .where(filter=FieldFilter("open_until", "<=", moment))
            .order_by("open_until")
            .limit(limit)
        )
        return [Evidence.model_validate(d) for d in self._stream(query)]
