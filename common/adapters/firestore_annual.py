"""Firestore storage of the annual evaluation.

Collection:
  annual_results/{nip}_{year}   each ASN's year: the months, the proposal, the decisions (history), angka kredit
"""

from __future__ import annotations

from typing import Iterable

from common.domain.annual import AnnualResult

from .firestore import _Repository, to_doc


def _filter(field: str, op: str, value):
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, op, value)


class FirestoreAnnual(_Repository):
    collection = "annual_results"

    def get(self, record_id: str) -> AnnualResult | None:
        data = self._read(record_id)
        return AnnualResult.model_validate(data) if data else None

    def get_many(self, ids: Iterable[str]) -> dict[str, AnnualResult]:
        return {k: AnnualResult.model_validate(v) for k, v in self._read_many(ids).items()}

    def put_many(self, records: list[AnnualResult]) -> None:
        self._write_many([(self._ref(r.id), to_doc(r)) for r in records])

    def _where(self, field: str, value: str, year: int) -> list[AnnualResult]:
        query = self.client.collection(self.collection).where(filter=_filter(field, "==", value)).where(filter=_filter("year", "==", year))
        return sorted((AnnualResult.model_validate(d) for d in self._stream(query)), key=lambda r: (r.name, r.nip))

    def for_unit(self, unit_id: str, year: int) -> list[AnnualResult]:
        return self._where("unit_id", unit_id, year)

    def for_supervisor(self, supervisor_nip: str, year: int) -> list[AnnualResult]:
        return self._where("supervisor_nip", supervisor_nip, year)
