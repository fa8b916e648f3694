"""In-memory fakes of our own ports, for unit tests of the services.

The fake unit of work keeps Firestore's transaction rules that matter to the
services: all reads before the first write, and nothing visible unless the
whole transaction succeeds.
"""

from __future__ import annotations

import copy
from datetime import date, datetime, timezone
from typing import Any, Callable, Iterable, TypeVar

from pydantic import BaseModel

from common.domain.accounts import Account, AuthRecord
from common.domain.annual import AnnualResult
from common.domain.complaints import ComplaintPicture, Investigation
from common.domain.events import Event
from common.domain.evidence import Evidence
from common.domain.organisation import Employee, Unit
from common.domain.reports import Report
from common.domain.skp import SkpPlan, plan_id
from common.domain.survey import UNSUR_CODES, SurveyResponse
from common.domain.findings import Finding
from common.domain.notifications import Delivery, Digest, digest_id
from common.domain.scoring import AsnResult, UnitResult
from common.domain.training import Training
from common.services.ports import AccountError, AuditEntry, IdempotencyRecord, OutboxEntry, PublishError, ScoringRun, UnitStatus

T = TypeVar("T")


class ReadAfterWrite(AssertionError):
    """Firestore refuses a read after a write in one transaction; so do we."""


class _State:
    def __init__(self) -> None:
        self.accounts: dict[str, Account] = {}
        self.units: dict[str, Unit] = {}
        self.employees: dict[str, Employee] = {}
        self.plans: dict[str, SkpPlan] = {}
        self.reports: dict[str, Report] = {}
        self.revisions: dict[str, Report] = {}
        self.idempotency: dict[str, IdempotencyRecord] = {}
        self.outbox: dict[str, OutboxEntry] = {}
        self.surveys: dict[str, SurveyResponse] = {}
        self.rate_limits: dict[str, int] = {}
        self.complainers: dict[str, dict[str, Any]] = {}
        self.survey_keys: dict[str, Any] = {}
        self.investigations: dict[str, Investigation] = {}
        self.guards: dict[str, dict[str, Any]] = {}
        self.pictures: dict[str, ComplaintPicture] = {}
        self.results: dict[str, AsnResult] = {}
        self.unit_results: dict[str, UnitResult] = {}
        self.findings: dict[str, Finding] = {}
        self.runs: dict[str, ScoringRun] = {}
        self.unit_statuses: dict[str, dict[str, UnitStatus]] = {}
        self.trainings: dict[str, Training] = {}
        self.audit: dict[str, AuditEntry] = {}
        self.deliveries: dict[str, Delivery] = {}
        self.inbox: dict[str, dict[str, dict[str, Any]]] = {}
        self.devices: dict[str, dict[str, dict[str, Any]]] = {}
        self.prefs: dict[str, dict[str, Any]] = {}
        self.digests: dict[str, Digest] = {}
        self.evidence: dict[str, Evidence] = {}
        self.annual: dict[str, AnnualResult] = {}


class _Guard:
    def __init__(self, transactional: bool) -> None:
        self.transactional = transactional
        self.wrote = False

    def read(self) -> None:
        if self.transactional and self.wrote:
            raise ReadAfterWrite("read after write inside a transaction")

    def write(self) -> None:
        self.wrote = True


class _Repo:
    def __init__(self, state: _State, guard: _Guard) -> None:
        self.state, self.rules = state, guard


class FakeAccountRecords(_Repo):
    def get_many(self, nips: Iterable[str]) -> dict[str, Account]:
        self.rules.read()
        return {n: self.state.accounts[n] for n in nips if n in self.state.accounts}

    def put_many(self, accounts: list[Account]) -> None:
        self.rules.write()
        self.state.accounts.update({a.nip: a for a in accounts})

    def delete(self, nip: str) -> None:
        self.rules.write()
        self.state.accounts.pop(nip, None)

    def with_employee(self, nip: str) -> tuple[Employee | None, Account | None]:
        self.rules.read()
        return self.state.employees.get(nip), self.state.accounts.get(nip)


class FakeUnits(_Repo):
    def get(self, unit_id: str) -> Unit | None:
        self.rules.read()
        return self.state.units.get(unit_id)

    def get_many(self, unit_ids: Iterable[str]) -> dict[str, Unit]:
        self.rules.read()
        return {i: self.state.units[i] for i in unit_ids if i in self.state.units}

    def all(self) -> list[Unit]:
        self.rules.read()
        return sorted(self.state.units.values(), key=lambda u: u.id)

    def put_many(self, units: list[Unit]) -> None:
        self.rules.write()
        self.state.units.update({u.id: u for u in units})


class FakeEmployees(_Repo):
    def get(self, nip: str) -> Employee | None:
        self.rules.read()
        return self.state.employees.get(nip)

    def get_many(self, nips: Iterable[str]) -> dict[str, Employee]:
        self.rules.read()
        return {n: self.state.employees[n] for n in nips if n in self.state.employees}

    def subordinates(self, supervisor_nip: str) -> list[Employee]:
        self.rules.read()
        return [e for e in self.state.employees.values() if e.supervisor_nip == supervisor_nip]

    def in_unit(self, unit_id: str) -> list[Employee]:
        self.rules.read()
        return [e for e in self.state.employees.values() if e.unit_id == unit_id]

    def with_role(self, role) -> list[Employee]:
        return [e for e in self.state.employees.values() if e.role == role and e.active]

    def all_active(self) -> list[Employee]:
        return [e for e in self.state.employees.values() if e.active]

    def put_many(self, employees: list[Employee]) -> None:
        self.rules.write()
        self.state.employees.update({e.nip: e for e in employees})


class FakePlans(_Repo):
    def get(self, nip: str, year: int) -> SkpPlan | None:
        self.rules.read()
        return self.state.plans.get(plan_id(nip, year))

    def get_many(self, ids: Iterable[str]) -> dict[str, SkpPlan]:
        self.rules.read()
        return {i: self.state.plans[i] for i in ids if i in self.state.plans}

    def put_many(self, plans: list[SkpPlan]) -> None:
        self.rules.write()
        self.state.plans.update({p.id: p for p in plans})


class FakeReports(_Repo):
    def get(self, report_id: str) -> Report | None:
        self.rules.read()
        return self.state.reports.get(report_id)

    def get_many(self, report_ids: Iterable[str]) -> dict[str, Report]:
        self.rules.read()
        return {i: self.state.reports[i] for i in report_ids if i in self.state.reports}

    def put(self, report: Report) -> None:
        self.rules.write()
        self.state.reports[report.id] = report
        self.state.revisions[f"{report.id}/{report.revision}"] = report

    def put_many(self, reports: list[Report]) -> None:
        for report in reports:
            self.put(report)


class FakeIdempotency(_Repo):
    def get(self, record_id: str) -> IdempotencyRecord | None:
        self.rules.read()
        return self.state.idempotency.get(record_id)

    def put(self, record: IdempotencyRecord) -> None:
        self.rules.write()
        self.state.idempotency[record.id] = record


class FakeOutbox(_Repo):
    def add(self, events: list[Event], now: datetime) -> None:
        self.rules.write()
        for event in events:
            self.state.outbox.setdefault(event.id, OutboxEntry(event=event, created_at=now))

    def pending(self, created_before: datetime, limit: int) -> list[OutboxEntry]:
        entries = [e for e in self.state.outbox.values() if e.published_at is None and e.created_at <= created_before]
        return sorted(entries, key=lambda e: e.created_at)[:limit]

    def mark_published(self, event_ids: list[str], now: datetime) -> None:
        for event_id in event_ids:
            self.state.outbox[event_id] = self.state.outbox[event_id].model_copy(update={"published_at": now})

    def mark_failed(self, event_ids: list[str], error: str) -> None:
        for event_id in event_ids:
            entry = self.state.outbox[event_id]
            self.state.outbox[event_id] = entry.model_copy(update={"attempts": entry.attempts + 1, "last_error": error})


class FakeSurveys(_Repo):
    def create(self, response: SurveyResponse) -> None:
        self.rules.write()
        if response.receipt in self.state.surveys:
            raise AssertionError("receipt exists")
        self.state.surveys[response.receipt] = response

    def create_many(self, responses: list[SurveyResponse], event: Event, now: datetime) -> None:
        for response in responses:
            self.create(response)
        self.state.outbox[event.id] = OutboxEntry(event=event, created_at=now)

    def get(self, receipt: str) -> SurveyResponse | None:
        self.rules.read()
        return self.state.surveys.get(receipt)

    def _rows(self, unit_id: str, months: list[str], service_id: str | None) -> list[SurveyResponse]:
        return [r for r in self.state.surveys.values() if r.unit_id == unit_id and r.period in months and (service_id is None or r.service_id == service_id)]

    def totals(self, unit_id: str, months: list[str], service_id: str | None = None) -> tuple[int, dict[str, int]]:
        rows = self._rows(unit_id, months, service_id)
        return len(rows), {c: sum(r.answers.scores().get(c, 0) for r in rows) for c in UNSUR_CODES}

    def blanks(self, unit_id: str, months: list[str], service_id: str | None = None) -> dict[str, int]:
        rows = self._rows(unit_id, months, service_id)
        counted = {c: sum(r.blank.get(c, 0) for r in rows) for c in UNSUR_CODES}
        return {c: v for c, v in counted.items() if v}

    def count_where(self, unit_id: str, months: list[str], field: str, value: Any) -> int:
        def lookup(response: SurveyResponse) -> Any:
            current: Any = response.model_dump(mode="json")
            for part in field.split("."):
                current = (current or {}).get(part)
            return current

        return sum(1 for r in self.state.surveys.values() if r.unit_id == unit_id and r.period in months and lookup(r) == value)

    def count_range(self, unit_id: str, months: list[str], field: str, low: int, high: int) -> int:
        return sum(
            1 for r in self.state.surveys.values()
            if r.unit_id == unit_id and r.period in months and r.profile and r.profile.age is not None and low <= r.profile.age < high
        )

    def count(self, unit_id: str, months: list[str], service_id: str | None = None) -> int:
        return self.totals(unit_id, months, service_id)[0]

    def _window(self, unit_id: str, start: datetime, end: datetime, which: str | None) -> list[SurveyResponse]:
        keep = {None: lambda r: True, "complaint": lambda r: r.complaint, "dissatisfied": lambda r: r.lowest_score == 1}[which]
        return [r for r in self.state.surveys.values() if r.unit_id == unit_id and start <= r.submitted_at < end and keep(r)]

    def count_since(self, unit_id: str, start: datetime, end: datetime, which: str | None = None) -> int:
        return len(self._window(unit_id, start, end, which))

    def complaints(self, unit_id: str, start: datetime, end: datetime, limit: int) -> list[SurveyResponse]:
        return sorted(self._window(unit_id, start, end, "complaint"), key=lambda r: r.submitted_at, reverse=True)[:limit]


class FakeRateLimits(_Repo):
    def counts(self, keys: list[str]) -> list[int]:
        self.rules.read()
        return [self.state.rate_limits.get(key, 0) for key in keys]

    def hit(self, keys: list[str], expire_at: datetime) -> None:
        self.rules.write()
        for key in keys:
            self.state.rate_limits[key] = self.state.rate_limits.get(key, 0) + 1


class FakeComplainers(_Repo):
    @staticmethod
    def _hour(moment: datetime) -> datetime:
        return moment.astimezone(timezone.utc).replace(minute=0, second=0, microsecond=0)

    def mark(self, unit_id: str, sender: str, hour: datetime, expire_at: datetime) -> None:
        self.rules.write()
        self.state.complainers[f"{unit_id}:{sender}:{self._hour(hour).isoformat()}"] = {"unit_id": unit_id, "sender": sender, "hour": self._hour(hour)}

    def distinct(self, unit_id: str, first: datetime, last: datetime) -> int:
        self.rules.read()
        low, high = self._hour(first), self._hour(last)
        return len({m["sender"] for m in self.state.complainers.values() if m["unit_id"] == unit_id and low <= m["hour"] <= high})


class FakeSurveyKeys(_Repo):
    def get(self, key_id: str) -> tuple[Any, str] | None:
        self.rules.read()
        return self.state.survey_keys.get(key_id)

    def put(self, key_id: str, receipt: Any, fingerprint: str, expire_at: datetime) -> None:
        self.rules.write()
        self.state.survey_keys[key_id] = (receipt, fingerprint)


class FakeInvestigations(_Repo):
    def get(self, investigation_id: str) -> Investigation | None:
        self.rules.read()
        return self.state.investigations.get(investigation_id)

    def put(self, investigation: Investigation) -> None:
        self.rules.write()
        self.state.investigations[investigation.id] = investigation

    def list(self, status: str | None, unit_id: str | None, limit: int) -> list[Investigation]:
        items = [i for i in self.state.investigations.values() if (not status or i.status == status) and (not unit_id or i.unit_id == unit_id)]
        return sorted(items, key=lambda i: i.opened_at, reverse=True)[:limit]

    def guard(self, unit_id: str) -> dict[str, Any] | None:
        self.rules.read()
        return self.state.guards.get(unit_id)

    def set_guard(self, unit_id: str, guard: dict[str, Any]) -> None:
        self.rules.write()
        self.state.guards[unit_id] = guard

    def save_picture(self, picture: ComplaintPicture) -> None:
        self.state.pictures[picture.unit_id] = picture


class FakeResults(_Repo):
    def get_many(self, ids: Iterable[str]) -> dict[str, AsnResult]:
        self.rules.read()
        return {i: self.state.results[i] for i in ids if i in self.state.results}

    def for_unit(self, unit_id: str, period: str) -> list[AsnResult]:
        return sorted((r for r in self.state.results.values() if r.unit_id == unit_id and r.period == period), key=lambda r: r.name)

    def for_supervisor(self, supervisor_nip: str, period: str) -> list[AsnResult]:
        return sorted((r for r in self.state.results.values() if r.supervisor_nip == supervisor_nip and r.period == period), key=lambda r: r.name)

    def put_many(self, results: list[AsnResult], run_id: str) -> None:
        self.rules.write()
        self.state.results.update({f"{r.nip}_{r.period}": r for r in results})

    def get_unit(self, unit_id: str, period: str) -> UnitResult | None:
        self.rules.read()
        return self.state.unit_results.get(f"{unit_id}_{period}")

    def put_unit(self, result: UnitResult, run_id: str) -> None:
        self.rules.write()
        self.state.unit_results[f"{result.unit_id}_{result.period}"] = result


class FakeFindings(_Repo):
    def get(self, finding_id: str) -> Finding | None:
        self.rules.read()
        return self.state.findings.get(finding_id)

    def get_many(self, ids: Iterable[str]) -> dict[str, Finding]:
        self.rules.read()
        return {i: self.state.findings[i] for i in ids if i in self.state.findings}

    def unresolved_in_unit(self, unit_id: str) -> list[Finding]:
        return [f for f in self.state.findings.values() if f.unit_id == unit_id and f.status != "resolved"]

    def for_owner(self, owner: str, status: str | None, limit: int) -> list[Finding]:
        found = [f for f in self.state.findings.values() if owner in f.owners and (not status or f.status == status)]
        return sorted(found, key=lambda f: f.opened_at, reverse=True)[:limit]

    def opened_by_run(self, run_id: str) -> list[Finding]:
        return [f for f in self.state.findings.values() if f.run_id == run_id]

    def put(self, finding: Finding) -> None:
        self.rules.write()
        self.state.findings[finding.id] = finding


class FakeRuns(_Repo):
    def get(self, run_id: str) -> ScoringRun | None:
        self.rules.read()
        return self.state.runs.get(run_id)

    def put(self, run: ScoringRun) -> None:
        self.rules.write()
        self.state.runs[run.id] = run

    def unit_status(self, run_id: str, unit_id: str) -> UnitStatus | None:
        self.rules.read()
        return self.state.unit_statuses.get(run_id, {}).get(unit_id)

    def put_unit_status(self, run_id: str, status: UnitStatus) -> None:
        self.rules.write()
        self.state.unit_statuses.setdefault(run_id, {})[status.unit_id] = status

    def unit_statuses(self, run_id: str) -> list[UnitStatus]:
        return sorted(self.state.unit_statuses.get(run_id, {}).values(), key=lambda s: s.unit_id)

    def count_units(self, run_id: str) -> dict[str, int]:
        statuses = self.state.unit_statuses.get(run_id, {}).values()
        return {k: sum(s.status == k for s in statuses) for k in ("done", "failed")}

    def for_period(self, period: str, limit: int) -> list[ScoringRun]:
        runs = [r for r in self.state.runs.values() if r.period == period]
        return sorted(runs, key=lambda r: (r.requested_at, r.id), reverse=True)[:limit]


class FakeAnnual(_Repo):
    def get(self, record_id: str) -> AnnualResult | None:
        self.rules.read()
        return self.state.annual.get(record_id)

    def get_many(self, ids: Iterable[str]) -> dict[str, AnnualResult]:
        self.rules.read()
        return {i: self.state.annual[i] for i in ids if i in self.state.annual}

    def put_many(self, records: list[AnnualResult]) -> None:
        self.rules.write()
        for record in records:
            self.state.annual[record.id] = record

    def for_unit(self, unit_id: str, year: int) -> list[AnnualResult]:
        return sorted((r for r in self.state.annual.values() if r.unit_id == unit_id and r.year == year), key=lambda r: (r.name, r.nip))

    def for_supervisor(self, supervisor_nip: str, year: int) -> list[AnnualResult]:
        return sorted((r for r in self.state.annual.values() if r.supervisor_nip == supervisor_nip and r.year == year),
                      key=lambda r: (r.name, r.nip))


class FakeTrainings(_Repo):
    def add(self, training: Training) -> None:
        self.rules.write()
        self.state.trainings[training.id] = training

    def for_nips(self, nips: list[str], year: int) -> list[Training]:
        return [t for t in self.state.trainings.values() if t.nip in nips and t.year == year]

    def for_nip(self, nip: str, year: int) -> list[Training]:
        return self.for_nips([nip], year)


class FakeAudit(_Repo):
    def append_many(self, entries: list[AuditEntry]) -> None:
        for entry in entries:
            self.append(entry)

    def find(self, nip: str | None, since: datetime | None, limit: int, before: tuple[datetime, str] | None) -> list[AuditEntry]:
        self.rules.read()
        found = [e for e in self.state.audit.values() if (nip is None or e.nip == nip) and (since is None or e.at >= since)]
        found.sort(key=lambda e: (e.at, e.id), reverse=True)
        if before is not None:
            found = [e for e in found if (e.at, e.id) < before]
        return found[:limit]

    def append(self, entry: AuditEntry) -> None:
        self.rules.write()
        self.state.audit[entry.id] = entry


class FakeNotifications(_Repo):
    def delivery(self, delivery_id: str) -> Delivery | None:
        self.rules.read()
        return self.state.deliveries.get(delivery_id)

    def put_delivery(self, delivery: Delivery) -> None:
        self.rules.write()
        self.state.deliveries[delivery.id] = delivery

    def deliveries(self, *, notification_id: str | None = None, nip: str | None = None, limit: int = 100) -> list[Delivery]:
        found = [d for d in self.state.deliveries.values() if (not notification_id or d.notification_id == notification_id) and (not nip or d.nip == nip)]
        return sorted(found, key=lambda d: d.id)[:limit]

    def put_inbox(self, nip: str, item: dict[str, Any]) -> None:
        self.state.inbox.setdefault(nip, {})[item["id"]] = dict(item)

    def inbox(self, nip: str, limit: int, before: tuple[datetime, str] | None) -> list[dict[str, Any]]:
        items = sorted(self.state.inbox.get(nip, {}).values(), key=lambda i: (i["created_at"], i["id"]), reverse=True)
        if before:
            items = [i for i in items if (i["created_at"], i["id"]) < before]
        return items[:limit]

    def has_inbox_item(self, nip: str, item_id: str) -> bool:
        return item_id in self.state.inbox.get(nip, {})

    def unread(self, nip: str) -> int:
        return sum(i["read_at"] is None for i in self.state.inbox.get(nip, {}).values())

    def mark_read(self, nip: str, ids: list[str] | None, now: datetime) -> int:
        changed = 0
        for item in self.state.inbox.get(nip, {}).values():
            if item["read_at"] is None and (ids is None or item["id"] in ids):
                item["read_at"] = now
                changed += 1
        return changed

    def devices(self, nip: str) -> list[dict[str, Any]]:
        return list(self.state.devices.get(nip, {}).values())

    def put_device(self, nip: str, device: dict[str, Any]) -> None:
        self.state.devices.setdefault(nip, {})[device["id"]] = device

    def remove_device(self, nip: str, device_id: str) -> bool:
        return self.state.devices.get(nip, {}).pop(device_id, None) is not None

    def preferences(self, nip: str) -> dict[str, Any]:
        return dict(self.state.prefs.get(nip, {}))

    def preferences_many(self, nips) -> dict[str, dict[str, Any]]:
        return {n: dict(self.state.prefs[n]) for n in nips if n in self.state.prefs}

    def put_preferences(self, nip: str, prefs: dict[str, Any]) -> None:
        self.state.prefs[nip] = dict(prefs)

    def digests_of(self, nip: str, days: list[date]) -> dict[date, Digest]:
        self.rules.read()
        found = (self.state.digests.get(digest_id(nip, d)) for d in days)
        return {d.day: d.model_copy(deep=True) for d in found if d is not None}

    def put_digest(self, digest: Digest) -> None:
        self.rules.write()
        self.state.digests[digest.id] = digest.model_copy(deep=True)

    def open_digests(self, until: date) -> list[Digest]:
        return sorted((d for d in self.state.digests.values() if not d.closed and d.day <= until), key=lambda d: d.id)

    def _of_run(self, run_id: str) -> list[Delivery]:
        return [d for d in self.state.deliveries.values() if d.run_id == run_id]

    def count_deliveries(self, run_id: str, *, channel=None, status=None, reason=None) -> int:
        return sum(1 for d in self._of_run(run_id) if (channel is None or d.channel == channel) and (status is None or d.status == status)
                   and (reason is None or d.reason == reason))

    def run_deliveries(self, run_id: str, status, limit: int) -> list[Delivery]:
        return sorted((d for d in self._of_run(run_id) if d.status == status), key=lambda d: d.id)[:limit]


class FakeEvidence(_Repo):
    def get(self, upload_id: str) -> Evidence | None:
        self.rules.read()
        return self.state.evidence.get(upload_id)

    def get_many(self, upload_ids: Iterable[str]) -> dict[str, Evidence]:
        self.rules.read()
        return {i: self.state.evidence[i] for i in upload_ids if i in self.state.evidence}

    def put(self, evidence: Evidence) -> None:
        self.rules.write()
        self.state.evidence[evidence.id] = evidence

    def for_period(self, nip: str, period: str) -> list[Evidence]:
        self.rules.read()
        return [e for e in self.state.evidence.values() if e.nip == nip and e.period == period]

    def open_until(self, moment: datetime, limit: int) -> list[Evidence]:
        found = [e for e in self.state.evidence.values() if e.open and e.open_until is not None and e.open_until <= moment]
        return sorted(found, key=lambda e: e.open_until)[:limit]


class FakeEvidenceStore:
    """A bucket in memory: objects with generations, and the URLs it was asked to sign."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[int, bytes, str]] = {}
        self.signed: list[tuple[str, str]] = []
        self.deleted: list[str] = []
        self._generation = 1000
        self.fail_delete = False

    def put_object(self, name: str, data: bytes, content_type: str = "application/octet-stream") -> int:
        """What the phone's PUT to the signed URL does."""
        self._generation += 1
        self.objects[name] = (self._generation, data, content_type)
        return self._generation

    def upload_target(self, object_name: str, content_type: str, max_size: int, expires_at: datetime):
        from common.services.ports import UploadTarget

        self.signed.append(("PUT", object_name))
        return UploadTarget(url=f"https://storage.example/{object_name}?sig=put&exp={expires_at.isoformat()}",
                            headers={"Content-Type": content_type, "x-goog-content-length-range": f"0,{max_size}"})

    def download_url(self, object_name: str, filename: str, content_type: str, expires_at: datetime) -> str:
        self.signed.append(("GET", object_name))
        return f"https://storage.example/{object_name}?sig=get&name={filename}"

    def read(self, object_name: str, generation: int, limit: int) -> bytes | None:
        found = self.objects.get(object_name)
        return found[1][:limit] if found and found[0] == generation else None

    def replace(self, object_name: str, data: bytes, content_type: str, if_generation: int) -> int | None:
        found = self.objects.get(object_name)
        if found is None or found[0] != if_generation:
            return None
        return self.put_object(object_name, data, content_type)

    def delete(self, object_name: str, generation: int | None = None) -> None:
        if self.fail_delete:
            raise ConnectionError("storage unavailable (fake)")
        found = self.objects.get(object_name)
        if found and (generation is None or found[0] == generation):
            del self.objects[object_name]
            self.deleted.append(object_name)


class _Repositories:
    def __init__(self, state: _State, transactional: bool) -> None:
        guard = _Guard(transactional)
        self.accounts = FakeAccountRecords(state, guard)
        self.units = FakeUnits(state, guard)
        self.employees = FakeEmployees(state, guard)
        self.plans = FakePlans(state, guard)
        self.reports = FakeReports(state, guard)
        self.idempotency = FakeIdempotency(state, guard)
        self.outbox = FakeOutbox(state, guard)
        self.surveys = FakeSurveys(state, guard)
        self.rate_limits = FakeRateLimits(state, guard)
        self.complainers = FakeComplainers(state, guard)
        self.survey_keys = FakeSurveyKeys(state, guard)
        self.investigations = FakeInvestigations(state, guard)
        self.results = FakeResults(state, guard)
        self.findings = FakeFindings(state, guard)
        self.runs = FakeRuns(state, guard)
        self.trainings = FakeTrainings(state, guard)
        self.audit = FakeAudit(state, guard)
        self.notifications = FakeNotifications(state, guard)
        self.evidence = FakeEvidence(state, guard)
        self.annual = FakeAnnual(state, guard)


def _stage(state: _State) -> _State:
    """A copy to run a transaction on. The models are values (services replace them, never
    change them in place), so their collections are copied shallowly; plain nested dicts deeply."""
    staged = _State.__new__(_State)
    for name, collection in state.__dict__.items():
        values = collection.values()
        shallow = all(isinstance(v, BaseModel) for v in values)
        staged.__dict__[name] = dict(collection) if shallow else copy.deepcopy(collection)
    return staged


class FakeUnitOfWork(_Repositories):
    def __init__(self) -> None:
        self.state = _State()
        super().__init__(self.state, transactional=False)
        self.commits = 0

    def meter(self):
        import contextlib
        from types import SimpleNamespace

        return contextlib.nullcontext(SimpleNamespace(reads=0, writes=0))

    def transaction(self, work: Callable[[Any], T]) -> T:
        staged = _stage(self.state)
        result = work(_Repositories(staged, transactional=True))
        # Commit: swap the staged state in, so a failure above leaves no trace.
        self.state.__dict__.update(staged.__dict__)
        self.commits += 1
        return result


class FakePublisher:
    def __init__(self) -> None:
        self.published: list[Event] = []
        self.fail = False

    def publish(self, events: list[Event]) -> None:
        if self.fail:
            raise PublishError("Pub/Sub unavailable (fake)")
        self.published.extend(events)


class FakeAccounts:
    """Firebase Auth in memory: accounts by uid, with the calls the services make."""

    def __init__(self) -> None:
        self.users: dict[str, AuthRecord] = {}
        self.revoked: list[str] = []
        self.links: list[str] = []
        self.calls: list[str] = []

    def sign_up(self, email: str) -> AuthRecord:
        """An account somebody made for themselves from a client, before BKPSDM loaded them."""
        user = AuthRecord(uid=f"self-{len(self.users) + 1}", email=email.lower(), disabled=False, has_password=True)
        self.users[user.uid] = user
        return user

    def lookup(self, uids: Iterable[str], emails: Iterable[str]) -> tuple[dict[str, AuthRecord], dict[str, AuthRecord]]:
        self.calls.append("lookup")
        wanted = {e.lower() for e in emails}
        by_uid = {u: self.users[u] for u in uids if u in self.users}
        by_email = {user.email: user for user in self.users.values() if user.email in wanted}
        return by_uid, by_email

    def create(self, uid: str, email: str, display_name: str, disabled: bool) -> None:
        self.calls.append("create")
        if any(u.email == email.lower() for u in self.users.values() if u.uid != uid):
            raise AccountError(f"the e-mail {email} was taken meanwhile")
        self.users.setdefault(uid, AuthRecord(uid=uid, email=email.lower(), disabled=disabled))

    def update(self, uid: str, *, email: str | None = None, display_name: str | None = None, disabled: bool | None = None) -> None:
        self.calls.append("update")
        changes = {k: v for k, v in {"email": email.lower() if email else None, "disabled": disabled}.items() if v is not None}
        self.users[uid] = self.users[uid].model_copy(update=changes)

    def set_claims(self, uid: str, claims: dict[str, Any]) -> None:
        self.calls.append("set_claims")
        self.users[uid] = self.users[uid].model_copy(update={"claims": dict(claims)})

    def revoke_sessions(self, uid: str) -> None:
        self.calls.append("revoke")
        self.revoked.append(uid)

    def invitation_link(self, email: str, continue_url: str | None) -> str:
        link = f"https://auth.example/action?mode=resetPassword&oobCode=code-{len(self.links) + 1}&email={email}"
        self.links.append(link)
        return link
