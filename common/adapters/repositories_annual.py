"""Repository of the annual evaluation.

Collection:
  annual_results/{nip}_{year}   each ASN's year: the months, the proposal, the decisions (history), angka kredit
"""

from __future__ import annotations

from common.domain.annual import AnnualResult

from .repository import Repository


class Annual(Repository[AnnualResult]):
    collection, model = "annual_results", AnnualResult

    def _for(self, field: str, value: str, year: int) -> list[AnnualResult]:
        return sorted(self.find(self.where(field, "==", value).where("year", "==", year)), key=lambda r: (r.name, r.nip))

    def for_unit(self, unit_id: str, year: int) -> list[AnnualResult]:
        return self._for("unit_id", unit_id, year)

    def for_supervisor(self, supervisor_nip: str, year: int) -> list[AnnualResult]:
        return self._for("supervisor_nip", supervisor_nip, year)
