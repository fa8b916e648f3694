"""Firestore storage of the monthly evaluation.

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
from typing import Any, Iterable

from common.domain.findings import Finding, FindingStatus
from common.domain.scoring import AsnResult, UnitResult
from common.domain.training import Training
from common.services.ports import AuditEntry, ScoringRun, UnitStatus

from .firestore import _Repository, count, from_doc, rpc, to_doc, valid_id


def _filter(field: str, op: str, value: Any):
    from google.cloud.firestore_v1.base_query import FieldFilter

    return FieldFilter(field, op, value)


class FirestoreResults(_Repository):
    collection = "results"

    def get_many(self, ids: Iterable[str]) -> dict[str, AsnResult]:
        return {k: AsnResult.model_validate(v) for k, v in self._read_many(ids).items()}

    def _where(self, field: str, value: str, period: str) -> list[AsnResult]:
        query = self.client.collection(self.collection).where(filter=_filter(field, "==", value)).where(filter=_filter("period", "==", period))
        return sorted((AsnResult.model_validate(d) for d in self._stream(query)), key=lambda r: r.name)

    def for_unit(self, unit_id: str, period: str) -> list[AsnResult]:
        return self._where("unit_id", unit_id, period)

    def for_supervisor(self, supervisor_nip: str, period: str) -> list[AsnResult]:
        return self._where("supervisor_nip", supervisor_nip, period)

    def put_many(self, results: list[AsnResult], run_id: str) -> None:
        self._write_many([(self._ref(f"{r.nip}_{r.period}"), {**to_doc(r), "run_id": run_id}) for r in results])

    def get_unit(self, unit_id: str, period: str) -> UnitResult | None:
        if not valid_id(f"{unit_id}_{period}"):
            return None
        count(reads=1)
        snapshot = self.client.collection("unit_results").document(f"{unit_id}_{period}").get(transaction=self.tx, **rpc())
        return UnitResult.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def put_unit(self, result: UnitResult, run_id: str) -> None:
        ref = self.client.collection("unit_results").document(f"{result.unit_id}_{result.period}")
        self._write_many([(ref, {**to_doc(result), "run_id": run_id})])


class FirestoreFindings(_Repository):
    collection = "findings"

    def get(self, finding_id: str) -> Finding | None:
        return from_doc(Finding, self._read(finding_id))

    def get_many(self, ids: Iterable[str]) -> dict[str, Finding]:
        return {k: Finding.model_validate(v) for k, v in self._read_many(ids).items()}

    def unresolved_in_unit(self, unit_id: str) -> list[Finding]:
        query = (
            self.client.collection(self.collection)
            .where(filter=_filter("unit_id", "==", unit_id))
            .where(filter=_filter("status", "in", [FindingStatus.OPEN.value, FindingStatus.IN_PROGRESS.value]))
        )
        return [Finding.model_validate(d) for d in self._stream(query)]

    def for_owner(self, owner: str, statuses: list[str], limit: int, after: tuple[date, str] | None = None) -> list[Finding]:
        """An owner's findings with one of the statuses, by due date then id, after a (due, id)."""
        query = self.client.collection(self.collection).where(filter=_filter("owners", "array_contains", owner))
        query = query.where(filter=_filter("status", "in", statuses) if len(statuses) > 1 else _filter("status", "==", statuses[0]))
        query = query.order_by("due").order_by("id")
        if after is not None:
            query = query.start_after({"due": after[0].isoformat(), "id": after[1]})
        return [Finding.model_validate(d) for d in self._stream(query.limit(limit))]

    def opened_by_run(self, run_id: str) -> list[Finding]:
        return [Finding.model_validate(d) for d in self._query("run_id", run_id)]

    def put(self, finding: Finding) -> None:
        self._write(finding.id, to_doc(finding))


class FirestoreRuns(_Repository):
    collection = "scoring_runs"

    def get(self, run_id: str) -> ScoringRun | None:
        return from_doc(ScoringRun, self._read(run_id))

    def put(self, run: ScoringRun) -> None:
        self._write(run.id, to_doc(run))

    def _units(self, run_id: str):
        return self._ref(run_id).collection("units")

    def unit_status(self, run_id: str, unit_id: str) -> UnitStatus | None:
        if not (valid_id(run_id) and valid_id(unit_id)):
            return None
        count(reads=1)
        snapshot = self._units(run_id).document(unit_id).get(transaction=self.tx, **rpc())
        return UnitStatus.model_validate(snapshot.to_dict()) if snapshot.exists else None

    def put_unit_status(self, run_id: str, status: UnitStatus) -> None:
        self._write_many([(self._units(run_id).document(status.unit_id), to_doc(status))])

    def unit_statuses(self, run_id: str) -> list[UnitStatus]:
        return sorted((UnitStatus.model_validate(d) for d in self._stream(self._units(run_id))), key=lambda s: s.unit_id)

    def for_period(self, period: str, limit: int, after: tuple[datetime, str] | None = None) -> list[ScoringRun]:
        query = (self.client.collection(self.collection).where(filter=_filter("period", "==", period))
                 .order_by("requested_at", direction="DESCENDING").order_by("id", direction="DESCENDING"))
        if after is not None:
            query = query.start_after({"requested_at": after[0], "id": after[1]})
        return [ScoringRun.model_validate(d) for d in self._stream(query.limit(limit))]

    def count_units(self, run_id: str) -> dict[str, int]:
        counts = {}
        for status in ("done", "failed"):
            count(reads=1)
            result = self._units(run_id).where(filter=_filter("status", "==", status)).count(alias="n").get(**rpc())
            counts[status] = int(result[0][0].value)
        return counts


class FirestoreTrainings(_Repository):
    collection = "trainings"

    def add(self, training: Training) -> None:
        self._write(training.id, to_doc(training))

    def _where(self, field: str, value: str, year: int) -> list[Training]:
        query = self.client.collection(self.collection).where(filter=_filter(field, "==", value)).where(filter=_filter("year", "==", year))
        return sorted((Training.model_validate(d) for d in self._stream(query)), key=lambda t: (t.end_date, t.id))

    def for_nips(self, nips: list[str], year: int) -> list[Training]:
        found: list[Training] = []
        for start in range(0, len(nips), 30):  # an "in" filter takes at most 30 values
            query = (
                self.client.collection(self.collection)
                .where(filter=_filter("nip", "in", nips[start : start + 30]))
                .where(filter=_filter("year", "==", year))
            )
            found += [Training.model_validate(d) for d in self._stream(query)]
        return sorted(found, key=lambda t: (t.nip, t.end_date, t.id))

    def for_nip(self, nip: str, year: int) -> list[Training]:
        return self._where("nip", nip, year)


class FirestoreAudit(_Repository):
    collection = "audit"

    def append(self, entry: AuditEntry) -> None:
        self._write(entry.id, to_doc(entry))

    def append_many(self, entries: list[AuditEntry]) -> None:
        self._write_many([(self._ref(e.id), to_doc(e)) for e in entries])

    def find(self, nip: str | None, since: datetime | None, limit: int, before: tuple[datetime, str] | None) -> list[AuditEntry]:
        query = self.client.collection(self.collection)
        if nip is not None:
            query = query.where(filter=_filter("nip", "==", nip))
        if since is not None:
            query = query.where(filter=_filter("at", ">=", since))
        query = query.order_by("at", direction="DESCENDING").order_by("id", direction="DESCENDING")
        if before is not None:
            query = query.start_after({"at": before[0], "id": before[1]})
        return [AuditEntry.model_validate(d) for d in self._stream(query.limit(limit))]
