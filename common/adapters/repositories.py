"""Repositories of the organisation, the reports and the outbox.

Collections (document id in brackets):
  units/{unit_id}                 employees/{nip}
  skp_plans/{nip}_{year}          reports/{nip}_{period}
  reports/{id}/revisions/{n}      immutable snapshot of each revision and its review
  accounts/{nip}                  the sign-in account the system created for the employee
  idempotency/{sha256}            first results of keyed requests (TTL: expire_at)
  outbox/{event_id}               events written with the change that caused them
  evidence/{upload_id}            evidence uploads and their verdicts
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from common.domain.accounts import Account
from common.domain.events import Event
from common.domain.evidence import Evidence
from common.domain.organisation import Employee, Role, Unit
from common.domain.reports import Report
from common.domain.skp import SkpPlan, plan_id
from common.services.ports import IdempotencyRecord, OutboxEntry

from .repository import Repository
from .store import Increment, Query, to_doc, valid_id

PUBLISHED_OUTBOX_TTL = timedelta(days=7)


class Units(Repository[Unit]):
    collection, model = "units", Unit

    def all(self) -> list[Unit]:
        return sorted(self.find(self.query()), key=lambda u: u.id)

    def page(self, limit: int, after: str | None) -> list[Unit]:
        """By id, after an id."""
        query = self.query().order_by("id")
        return self.find((query.start_after(after) if after is not None else query).take(limit))


class Employees(Repository[Employee]):
    collection, model, key = "employees", Employee, "nip"

    def subordinates(self, supervisor_nip: str) -> list[Employee]:
        return self.find(self.where("supervisor_nip", "==", supervisor_nip))

    def in_unit(self, unit_id: str) -> list[Employee]:
        return self.find(self.where("unit_id", "==", unit_id))

    def in_unit_by_name(self, unit_id: str, limit: int, after: tuple[str, str] | None) -> list[Employee]:
        """A unit's employees by name then NIP, after a (name, nip)."""
        query = self.where("unit_id", "==", unit_id).order_by("name").order_by("nip")
        return self.find((query.start_after(*after) if after is not None else query).take(limit))

    def with_role(self, role: Role) -> list[Employee]:
        return [e for e in self.find(self.where("role", "==", role.value)) if e.active]

    def all_active(self) -> list[Employee]:
        return self.find(self.where("active", "==", True))


class AccountRecords(Repository[Account]):
    """``accounts/{nip}``: the accounts the system created, and their last invitation."""

    collection, model, key = "accounts", Account, "nip"

    def with_employee(self, nip: str) -> tuple[Employee | None, Account | None]:
        """The employee record and its account record, in one batched read."""
        if not valid_id(nip):
            return None, None
        employee, account = f"{Employees.collection}/{nip}", self.doc(nip)
        found = self.store.get_all([employee, account])
        return (
            Employee.model_validate(found[employee]) if employee in found else None,
            Account.model_validate(found[account]) if account in found else None,
        )


class Plans(Repository[SkpPlan]):
    collection, model = "skp_plans", SkpPlan

    def for_year(self, nip: str, year: int) -> SkpPlan | None:
        return self.get(plan_id(nip, year))


class Reports(Repository[Report]):
    collection, model = "reports", Report

    def put(self, report: Report) -> None:
        self.store.set_all(self._with_revision(report))

    def put_many(self, reports) -> None:
        self.store.set_all([item for r in reports for item in self._with_revision(r)])

    def _with_revision(self, report: Report) -> list[tuple[str, dict[str, Any]]]:
        """The report and the immutable snapshot of this revision, written together."""
        data = self.encode(report)
        return [(self.doc(report.id), data), (f"{self.doc(report.id)}/revisions/{report.revision}", data)]

    def revisions(self, report_id: str) -> list[Report]:
        """Every revision's snapshot, oldest first."""
        snapshots = [Report.model_validate(d) for _, d in self.store.query(Query(f"{self.doc(report_id)}/revisions"))]
        return sorted(snapshots, key=lambda r: r.revision)


class Idempotency(Repository[IdempotencyRecord]):
    collection, model = "idempotency", IdempotencyRecord


class Outbox(Repository[OutboxEntry]):
    """Events waiting to be published. ``pending`` is a plain boolean so the relay's query is
    one equality filter and an order on created_at."""

    collection, model = "outbox", OutboxEntry

    def id_of(self, item: OutboxEntry) -> str:
        return item.event.id

    def encode(self, item: OutboxEntry) -> dict[str, Any]:
        return {**to_doc(item), "pending": item.published_at is None, "topic": item.event.topic}

    def add(self, events: list[Event]) -> None:
        """Each written when its change is: created at the time the event occurred."""
        self.put_many([OutboxEntry(event=e, created_at=e.occurred_at) for e in events])

    def pending(self, created_before: datetime, limit: int) -> list[OutboxEntry]:
        query = self.where("pending", "==", True).where("created_at", "<=", created_before).order_by("created_at").take(limit)
        return self.find(query)

    def mark_published(self, event_ids: list[str], now: datetime) -> None:
        self.store.update_all([self.doc(i) for i in event_ids], {"pending": False, "published_at": now, "expire_at": now + PUBLISHED_OUTBOX_TTL})

    def mark_failed(self, event_ids: list[str], error: str) -> None:
        self.store.update_all([self.doc(i) for i in event_ids], {"attempts": Increment(1), "last_error": error[:500]})


class EvidenceRecords(Repository[Evidence]):
    collection, model = "evidence", Evidence

    def for_period(self, nip: str, period: str) -> list[Evidence]:
        return self.find(self.where("nip", "==", nip).where("period", "==", period))

    def open_until(self, moment: datetime, limit: int) -> list[Evidence]:
        return self.find(self.where("open", "==", True).where("open_until", "<=", moment).order_by("open_until").take(limit))
