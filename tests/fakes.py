"""In-memory fakes of our own ports, for unit tests of the services.

The fake unit of work keeps Firestore's transaction rules that matter to the
services: all reads before the first write, and nothing visible unless the
whole transaction succeeds.
"""

from __future__ import annotations

import copy
from datetime import datetime
from typing import Any, Callable, Iterable, TypeVar

from common.domain.events import Event
from common.domain.organisation import Employee, Unit
from common.domain.reports import Report
from common.domain.skp import SkpPlan, plan_id
from common.services.ports import IdempotencyRecord, OutboxEntry, PublishError

T = TypeVar("T")


class ReadAfterWrite(AssertionError):
    """Firestore refuses a read after a write in one transaction; so do we."""


class _State:
    def __init__(self) -> None:
        self.units: dict[str, Unit] = {}
        self.employees: dict[str, Employee] = {}
        self.plans: dict[str, SkpPlan] = {}
        self.reports: dict[str, Report] = {}
        self.revisions: dict[str, Report] = {}
        self.idempotency: dict[str, IdempotencyRecord] = {}
        self.outbox: dict[str, OutboxEntry] = {}


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
        self.state, self.guard = state, guard


class FakeUnits(_Repo):
    def get(self, unit_id: str) -> Unit | None:
        self.guard.read()
        return self.state.units.get(unit_id)

    def get_many(self, unit_ids: Iterable[str]) -> dict[str, Unit]:
        self.guard.read()
        return {i: self.state.units[i] for i in unit_ids if i in self.state.units}

    def all(self) -> list[Unit]:
        self.guard.read()
        return sorted(self.state.units.values(), key=lambda u: u.id)

    def put_many(self, units: list[Unit]) -> None:
        self.guard.write()
        self.state.units.update({u.id: u for u in units})


class FakeEmployees(_Repo):
    def get(self, nip: str) -> Employee | None:
        self.guard.read()
        return self.state.employees.get(nip)

    def get_many(self, nips: Iterable[str]) -> dict[str, Employee]:
        self.guard.read()
        return {n: self.state.employees[n] for n in nips if n in self.state.employees}

    def subordinates(self, supervisor_nip: str) -> list[Employee]:
        self.guard.read()
        return [e for e in self.state.employees.values() if e.supervisor_nip == supervisor_nip]

    def in_unit(self, unit_id: str) -> list[Employee]:
        self.guard.read()
        return [e for e in self.state.employees.values() if e.unit_id == unit_id]

    def put_many(self, employees: list[Employee]) -> None:
        self.guard.write()
        self.state.employees.update({e.nip: e for e in employees})


class FakePlans(_Repo):
    def get(self, nip: str, year: int) -> SkpPlan | None:
        self.guard.read()
        return self.state.plans.get(plan_id(nip, year))

    def put_many(self, plans: list[SkpPlan]) -> None:
        self.guard.write()
        self.state.plans.update({p.id: p for p in plans})


class FakeReports(_Repo):
    def get(self, report_id: str) -> Report | None:
        self.guard.read()
        return self.state.reports.get(report_id)

    def get_many(self, report_ids: Iterable[str]) -> dict[str, Report]:
        self.guard.read()
        return {i: self.state.reports[i] for i in report_ids if i in self.state.reports}

    def put(self, report: Report) -> None:
        self.guard.write()
        self.state.reports[report.id] = report
        self.state.revisions[f"{report.id}/{report.revision}"] = report

    def put_many(self, reports: list[Report]) -> None:
        for report in reports:
            self.put(report)


class FakeIdempotency(_Repo):
    def get(self, record_id: str) -> IdempotencyRecord | None:
        self.guard.read()
        return self.state.idempotency.get(record_id)

    def put(self, record: IdempotencyRecord) -> None:
        self.guard.write()
        self.state.idempotency[record.id] = record


class FakeOutbox(_Repo):
    def add(self, events: list[Event], now: datetime) -> None:
        self.guard.write()
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


class _Repositories:
    def __init__(self, state: _State, transactional: bool) -> None:
        guard = _Guard(transactional)
        self.units = FakeUnits(state, guard)
        self.employees = FakeEmployees(state, guard)
        self.plans = FakePlans(state, guard)
        self.reports = FakeReports(state, guard)
        self.idempotency = FakeIdempotency(state, guard)
        self.outbox = FakeOutbox(state, guard)


class FakeUnitOfWork(_Repositories):
    def __init__(self) -> None:
        self.state = _State()
        super().__init__(self.state, transactional=False)
        self.commits = 0

    def transaction(self, work: Callable[[Any], T]) -> T:
        staged = copy.deepcopy(self.state)
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
    def __init__(self) -> None:
        self.accounts: dict[str, dict[str, Any]] = {}

    def ensure_account(self, email: str, display_name: str, claims: dict[str, Any], password: str | None = None) -> tuple[str, bool]:
        created = email not in self.accounts
        account = self.accounts.setdefault(email, {"uid": f"uid-{len(self.accounts) + 1}"})
        account.update(display_name=display_name, claims=claims, password=password)
        return account["uid"], created
