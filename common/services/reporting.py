"""Use cases of the monthly report: submit, review, read one, the team's list."""

from __future__ import annotations

from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import Field

from common.domain import reports as domain
from common.domain.errors import Forbidden, NotFound
from common.domain.evidence import attach, attached_to
from common.domain.model import Model
from common.domain.organisation import Employee, Role
from common.domain.period import report_deadline
from common.domain.reports import Report, ReportContent, ReportStatus, ReviewInput, SubmitOutcome
from common.domain.skp import plan_id
from common.settings import Settings

from .idempotency import IdempotencyKey, run_once
from .ports import Caller, Repositories, UnitOfWork
from .positions import is_supervisor_of, team_of


class SubmitResult(Model):
    outcome: SubmitOutcome
    report: Report
    replayed: bool = False


class ReviewResult(Model):
    report: Report
    replayed: bool = False


def submit_report(
    uow: UnitOfWork,
    settings: Settings,
    caller: Caller,
    period: str,
    content: ReportContent,
    now: datetime,
    idempotency_key: IdempotencyKey | None = None,
) -> SubmitResult:
    def work(tx: Repositories) -> tuple[dict, bool]:
        # Everything the submission depends on, in the one batched read that begins the
        # transaction's work: who submits, the year's SKP, the month's report, the key's record
        # and the evidence files named (one round trip, not one per document).
        nip = caller.nip or ""
        employee, plan, existing, record, *files = tx.employees.get_with(
            nip, (tx.plans, plan_id(nip, int(period[:4]))), (tx.reports, domain.report_id(nip, period)),
            (tx.idempotency, idempotency_key.record_id if idempotency_key else ""), *((tx.evidence, f) for f in content.files),
        )

        def change() -> dict:
            if employee is None or not employee.active:
                raise Forbidden("not_an_employee")
            uploads = {f: upload for f, upload in zip(content.files, files) if upload is not None}
            files_attached = attach(content.files, uploads, employee.nip, period)
            report, outcome, new_events = domain.submit(
                existing, employee, plan, period, content, now, settings.report_deadline_day, files_attached
            )
            if outcome is not SubmitOutcome.UNCHANGED:
                tx.reports.put(report)
                for upload in uploads.values():
                    if upload.report_id is None:  # kept from now on as long as the report
                        tx.evidence.put(attached_to(upload, report.id))
                tx.emit(new_events)
            return SubmitResult(outcome=outcome, report=report).model_dump(mode="json")

        return run_once(tx, idempotency_key, now, timedelta(hours=settings.idempotency_ttl_hours), change, record)

    result, replayed = uow.transaction(work)
    return SubmitResult.model_validate({**result, "replayed": replayed})


def review_report(
    uow: UnitOfWork,
    settings: Settings,
    caller: Caller,
    report_id: str,
    given: ReviewInput,
    now: datetime,
    idempotency_key: IdempotencyKey | None = None,
) -> ReviewResult:
    def work(tx: Repositories) -> tuple[dict, bool]:
        def change() -> dict:
            report = tx.reports.get(report_id)
            employee = tx.employees.get(report.nip) if report else None
            # 404, as for reading it: nobody learns whether a NIP reported in a month.
            if report is None or employee is None or not is_supervisor_of(tx, caller, employee):
                raise NotFound("report_not_found")
            updated, new_events = domain.review(report, employee, caller.nip or "", given, now)
            tx.reports.put(updated)
            tx.emit(new_events)
            return ReviewResult(report=updated).model_dump(mode="json")

        return run_once(tx, idempotency_key, now, timedelta(hours=settings.idempotency_ttl_hours), change)

    result, replayed = uow.transaction(work)
    return ReviewResult.model_validate({**result, "replayed": replayed})


def read_report(uow: UnitOfWork, caller: Caller, report_id: str) -> Report:
    """The report's owner, their supervisor and BKPSDM may read it; others get 404."""
    report = uow.reports.get(report_id)
    if report is None:
        raise NotFound("report_not_found")
    if caller.role is Role.ADMIN or caller.nip == report.nip:
        return report
    employee = uow.employees.get(report.nip)
    if employee is not None and is_supervisor_of(uow, caller, employee):
        return report
    # 404 rather than 403: a report id names a person and a month; don't confirm it exists.
    raise NotFound("report_not_found")


class TeamState(StrEnum):
    WAITING_REVIEW = "waiting_review"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    MISSING = "missing"
    NOT_YET = "not_yet"  # no report, deadline not passed


class TeamMember(Model):
    nip: str
    name: str
    jabatan: str
    state: TeamState
    report_id: str | None = None
    revision: int | None = None
    submitted_at: datetime | None = None
    late: bool | None = None
    realisasi_count: int | None = None
    evidence_file_count: int | None = Field(default=None, description="verified evidence files attached to the report")


class TeamReports(Model):
    period: str
    deadline: datetime
    supervisor_nip: str
    counts: dict[TeamState, int]
    members: list[TeamMember] = Field(description="waiting for review first, then missing, then the rest; by name")
    not_reported: list[str] = Field(description="NIPs of subordinates without a report for the period")


_ORDER = [TeamState.WAITING_REVIEW, TeamState.MISSING, TeamState.NOT_YET, TeamState.RETURNED, TeamState.ACCEPTED]


def team_reports(uow: UnitOfWork, settings: Settings, caller: Caller, period: str, now: datetime) -> TeamReports:
    team = team_of(uow, caller)
    if not team:
        raise Forbidden("not_supervisor")
    deadline = report_deadline(period, settings.report_deadline_day)
    reports = uow.reports.get_many(domain.report_id(e.nip, period) for e in team)
    members = []
    for employee in team:
        report = reports.get(domain.report_id(employee.nip, period))
        members.append(_member(employee, report, now >= deadline))
    members.sort(key=lambda m: (_ORDER.index(m.state), m.name))
    counts = {state: sum(m.state is state for m in members) for state in TeamState}
    return TeamReports(
        period=period,
        deadline=deadline,
        supervisor_nip=caller.nip,
        counts=counts,
        members=members,
        not_reported=[m.nip for m in members if m.report_id is None],
    )


def _member(employee: Employee, report: Report | None, past_deadline: bool) -> TeamMember:
    base = {"nip": employee.nip, "name": employee.name, "jabatan": employee.jabatan}
    if report is None:
        return TeamMember(**base, state=TeamState.MISSING if past_deadline else TeamState.NOT_YET)
    state = {
        ReportStatus.SUBMITTED: TeamState.WAITING_REVIEW,
        ReportStatus.RETURNED: TeamState.RETURNED,
        ReportStatus.ACCEPTED: TeamState.ACCEPTED,
    }[report.status]
    return TeamMember(
        **base,
        state=state,
        report_id=report.id,
        revision=report.revision,
        submitted_at=report.submitted_at,
        late=report.late,
        realisasi_count=len(report.content.realisasi),
        evidence_file_count=len(report.evidence_files),
    )
