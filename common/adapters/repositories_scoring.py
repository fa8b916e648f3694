"""Repositories of the monthly evaluation.

Collections:
  results/{nip}_{period}                 each ASN's result for a period
  unit_results/{unit_id}_{period}        each unit's result for a period
  findings/{kind}:{subject}:{period|year} findings and recommendations, with their lifecycle
  scoring_runs/{run_id}                  a run: period, units, status
  scoring_runs/{run_id}/units/{unit_id}  one unit's outcome in that run (done or failed)
  trainings/{id}                         training records (JP)
  audit/{id}                             append-only: who or what did what, when, from which inputs
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Iterable

from common.domain.findings import Finding, FindingStatus
from common.domain.scoring import AsnResult, UnitResult
from common.domain.training import Training
from common.services.ports import AuditEntry, ScoringRun, UnitStatus

from .repository import Repository
from .store import IN_LIMIT, valid_id


class UnitResults(Repository[UnitResult]):
    collection, model = "unit_results", UnitResult

    def id_of(self, item: UnitResult) -> str:
        return f"{item.unit_id}_{item.period}"


class Results(Repository[AsnResult]):
    """Results carry the id of the run that wrote them (for the audit; not part of the model)."""

    collection, model = "results", AsnResult

    def __init__(self, store, collection: str | None = None) -> None:
        super().__init__(store, collection)
        self.units = UnitResults(store)

    def id_of(self, item: AsnResult) -> str:
        return f"{item.nip}_{item.period}"

    def _for(self, field: str, value: str, period: str) -> list[AsnResult]:
        return sorted(self.find(self.where(field, "==", value).where("period", "==", period)), key=lambda r: r.name)

    def for_unit(self, unit_id: str, period: str) -> list[AsnResult]:
        return self._for("unit_id", unit_id, period)

    def for_supervisor(self, supervisor_nip: str, period: str) -> list[AsnResult]:
        return self._for("supervisor_nip", supervisor_nip, period)

    def put_many(self, results: Iterable[AsnResult], run_id: str) -> None:  # type: ignore[override]
        self.store.set_all([(self.doc(self.id_of(r)), {**self.encode(r), "run_id": run_id}) for r in results])

    def get_unit(self, unit_id: str, period: str) -> UnitResult | None:
        return self.units.get(f"{unit_id}_{period}")

    def put_unit(self, result: UnitResult, run_id: str) -> None:
        self.store.set(self.units.doc(self.units.id_of(result)), {**self.units.encode(result), "run_id": run_id})


class Findings(Repository[Finding]):
    collection, model = "findings", Finding

    def unresolved_in_unit(self, unit_id: str) -> list[Finding]:
        open_ = [FindingStatus.OPEN.value, FindingStatus.IN_PROGRESS.value]
        return self.find(self.where("unit_id", "==", unit_id).where("status", "in", open_))

    def for_owner(self, owner: str, statuses: list[str], limit: int, after: tuple[date, str] | None = None) -> list[Finding]:
        """An owner's findings with one of the statuses, by due date then id, after a (due, id)."""
        query = self.where("owners", "array_contains", owner)
        query = query.where("status", "in", statuses) if len(statuses) > 1 else query.where("status", "==", statuses[0])
        query = query.order_by("due").order_by("id")
        if after is not None:
            query = query.start_after(after[0].isoformat(), after[1])  # dates are stored as YYYY-MM-DD
        return self.find(query.take(limit))

    def opened_by_run(self, run_id: str) -> list[Finding]:
        return self.find(self.where("run_id", "==", run_id))


class UnitStatuses(Repository[UnitStatus]):
    """scoring_runs/{run_id}/units: one document per unit of the run."""

    model, key = UnitStatus, "unit_id"


class Runs(Repository[ScoringRun]):
    collection, model = "scoring_runs", ScoringRun

    def _units(self, run_id: str) -> UnitStatuses:
        return UnitStatuses(self.store, f"{self.doc(run_id)}/units")

    def unit_status(self, run_id: str, unit_id: str) -> UnitStatus | None:
        return self._units(run_id).get(unit_id) if valid_id(run_id) else None

    def put_unit_status(self, run_id: str, status: UnitStatus) -> None:
        self._units(run_id).put(status)

    def unit_statuses(self, run_id: str) -> list[UnitStatus]:
        units = self._units(run_id)
        return sorted(units.find(units.query()), key=lambda s: s.unit_id)

    def count_units(self, run_id: str) -> dict[str, int]:
        """Units per status (done, failed), counted by the database."""
        units = self._units(run_id)
        return {status: units.count_matching(units.where("status", "==", status)) for status in ("done", "failed")}

    def for_period(self, period: str, limit: int, after: tuple[datetime, str] | None = None) -> list[ScoringRun]:
        """Runs of a period, newest first, ties by id; after a (requested_at, id)."""
        query = self.where("period", "==", period).order_by("requested_at", descending=True).order_by("id", descending=True)
        return self.find((query.start_after(*after) if after is not None else query).take(limit))


class Trainings(Repository[Training]):
    collection, model = "trainings", Training

    def add(self, training: Training) -> None:
        self.put(training)

    def for_nips(self, nips: list[str], year: int) -> list[Training]:
        """Trainings of these people in a year: a query per 30 people, not one per person."""
        found: list[Training] = []
        for start in range(0, len(nips), IN_LIMIT):
            found += self.find(self.where("nip", "in", nips[start : start + IN_LIMIT]).where("year", "==", year))
        return sorted(found, key=lambda t: (t.nip, t.end_date, t.id))

    def for_nip(self, nip: str, year: int) -> list[Training]:
        return self.for_nips([nip], year)


class Audit(Repository[AuditEntry]):
    collection, model = "audit", AuditEntry

    def append(self, entry: AuditEntry) -> None:
        self.put(entry)

    def append_many(self, entries: list[AuditEntry]) -> None:
        self.put_many(entries)

    def find_entries(self, nip: str | None, since: datetime | None, limit: int, before: tuple[datetime, str] | None) -> list[AuditEntry]:
        """Newest first; about one person when ``nip`` is given; from ``since`` on; a page ending before ``before``."""
        query = self.query()
        if nip is not None:
            query = query.where("nip", "==", nip)
        if since is not None:
            query = query.where("at", ">=", since)
        query = query.order_by("at", descending=True).order_by("id", descending=True)
        if before is not None:
            query = query.start_after(*before)
        return self.find(query.take(limit))
