"""Keberatan: file an objection to one's own predikat, the rater responds, the supervisor's
supervisor (or BKPSDM) decides; the lists; the daily check of objections past their due date.

Each step is one transaction that writes the objection, the result it is about (which carries
the objection's summary, so the results, e-performance and later scoring runs see it without
another read), the audit entry and the event that notifies people.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from common.domain import annual as annual_domain
from common.domain import objections as domain
from common.domain.annual import AnnualResult, annual_id
from common.domain.clock import WIB
from common.domain.errors import Conflict, Forbidden, Invalid, NotFound
from common.domain.events import Event
from common.domain.findings import BKPSDM, Finding, FindingKind
from common.domain.model import Model
from common.domain.objections import Objection, ObjectionPeriod, ObjectionStatus, Ratings, Verdict
from common.domain.organisation import OVERSIGHT, Role, heads
from common.domain.ratings import Rating
from common.domain.reports import EvidenceLink, Report, Review, report_id
from common.domain.scoring import AsnResult, Outcome, with_curve, with_objection
from common.settings import Settings

from .paging import NEXT_CURSOR, Keyset
from .ports import AuditEntry, Caller, Repositories, UnitOfWork
from .positions import unit_for

Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=20, max_length=2000)]
DecisionReason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=2000)]


class ObjectionInput(Model):
    model_config = ConfigDict(extra="forbid")

    period: ObjectionPeriod
    reason: Reason = Field(description="why the predikat is not right, 20 to 2,000 characters")
    evidence: list[EvidenceLink] = Field(default_factory=list, max_length=20, description="links to evidence (bukti dukung)")


class ResponseInput(Model):
    model_config = ConfigDict(extra="forbid")

    response: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=2000)] = Field(
        description="the rater's side: why the ratings were given")


class DecisionInput(Model):
    model_config = ConfigDict(extra="forbid")

    decision: Verdict
    hasil_kerja: Rating | None = Field(default=None, description="upheld or partly upheld: the new Hasil Kerja (left out: unchanged)")
    perilaku_kerja: Rating | None = Field(default=None, description="upheld or partly upheld: the new Perilaku Kerja (left out: unchanged)")
    reason: DecisionReason = Field(description="why: required, kept in the audit log and shown to the ASN")


class Scope(StrEnum):
    MINE = "mine"
    TO_DECIDE = "to_decide"
    UNIT = "unit"


class ObjectionItem(Objection):
    overdue: bool = Field(description="not decided and past its due date")


class ObjectionList(Model):
    objections: list[ObjectionItem] = Field(description="newest first")
    next_cursor: str | None = Field(default=None, description=NEXT_CURSOR)


class ObjectionView(Model):
    """Both sides, for the decider: the objection, the report, the review and ratings, the rater's response."""

    objection: ObjectionItem
    report: Report | None = Field(default=None, description="the month's report (monthly objections)")
    review: Review | None = Field(default=None, description="the review the ratings came from (monthly objections)")
    result: AsnResult | None = Field(default=None, description="the month's result (monthly objections)")
    annual: AnnualResult | None = Field(default=None, description="the year's record (annual objections)")


LIST = Keyset("objections", tuple[datetime, str])  # newest first: (filed_at, id) descending


def _item(objection: Objection, now: datetime) -> ObjectionItem:
    return ObjectionItem(**objection.model_dump(), overdue=objection.is_overdue(now))


# -- filing ---------------------------------------------------------------------------------------

def file_objection(uow: UnitOfWork, settings: Settings, caller: Caller, given: ObjectionInput, now: datetime) -> ObjectionItem:
    nip = caller.nip or ""
    annual = domain.is_annual(given.period)
    oid = domain.objection_id(nip, given.period)

    def work(tx: Repositories) -> ObjectionItem:
        if annual:
            employee, existing, record = tx.employees.get_with(nip, (tx.objections, oid), (tx.annual, annual_id(nip, int(given.period))))
            report = result = None
        else:
            employee, existing, result, report = tx.employees.get_with(
                nip, (tx.objections, oid), (tx.results, f"{nip}_{given.period}"), (tx.reports, report_id(nip, given.period)))
            record = None
        if employee is None:
            raise Forbidden("not_an_employee")
        if existing is not None:
            raise Conflict("objection_exists", id=existing.id, status=existing.status.value)
        original, published_at, rater = _objected(given.period, result, report, record)
        supervisor = tx.employees.get(employee.supervisor_nip) if employee.supervisor_nip else None
        objection = domain.file(
            nip=nip, name=employee.name, unit_id=employee.unit_id, period=given.period, reason=given.reason, evidence=list(given.evidence),
            rater_nip=rater, decider_nip=supervisor.supervisor_nip if supervisor and supervisor.active else None, original=original,
            published_at=published_at, now=now, window_days=settings.objection_window_days, due_days=settings.objection_decision_days)
        tx.objections.put(objection)
        _carry(tx, objection, result, record)
        tx.audit.append(_audit(objection, "objection.filed", nip, now, given.reason,
                               outputs={"decider": objection.decider, "rater": rater, "due": objection.due.isoformat(),
                                        "original": original.model_dump(mode="json"), "evidence": len(objection.evidence)}))
        tx.emit([Event.of("objection.filed", key=objection.id, occurred_at=now, data=_event_data(objection))])
        return _item(objection, now)

    return uow.transaction(work)


def _objected(period: str, result: AsnResult | None, report: Report | None,
              record: AnnualResult | None) -> tuple[Ratings, datetime, str | None]:
    """The ratings objected to, when they were published and who gave them; 422 when there is no predikat."""
    if record is not None:
        given = [d for d in record.decisions if d.kind == "supervisor"]
        if record.predikat is None or not given or record.hasil_kerja is None or record.perilaku_kerja is None:
            raise Invalid("objection_no_result", period=period)
        return Ratings(hasil_kerja=record.hasil_kerja, perilaku_kerja=record.perilaku_kerja, predikat=record.predikat), given[-1].at, given[-1].by
    if result is None or result.outcome is not Outcome.SCORED or result.predikat is None or result.hasil_kerja is None \
            or result.perilaku_kerja is None or result.published_at is None:
        raise Invalid("objection_no_result", period=period)
    review = report.latest_review if report is not None else None
    rater = review.reviewer_nip if review is not None else result.supervisor_nip
    return Ratings(hasil_kerja=result.hasil_kerja, perilaku_kerja=result.perilaku_kerja, predikat=result.predikat), result.published_at, rater


def _carry(tx: Repositories, objection: Objection, result: AsnResult | None, record: AnnualResult | None) -> AsnResult | None:
    """Write the objection's summary onto the result it is about (and, once decided, its ratings)."""
    if record is not None:
        tx.annual.put(annual_domain.with_objection(record, objection.summary()))
        return None
    if result is None:
        return None
    updated = with_objection(result, objection.summary())
    tx.results.put_many([updated], "objection")
    return updated


def _event_data(objection: Objection) -> dict:
    return {"objection_id": objection.id, "nip": objection.nip, "name": objection.name, "unit_id": objection.unit_id,
            "period": objection.period, "rater_nip": objection.rater_nip, "decider": objection.decider, "due": objection.due.isoformat(),
            "status": objection.status.value}


def _audit(objection: Objection, action: str, actor: str, now: datetime, reason: str | None, **extra) -> AuditEntry:
    return AuditEntry(id=f"{action}:{objection.id}", at=now, actor=actor, action=action, subject=f"objection/{objection.id}",
                      nip=objection.nip, reason=reason, **extra)


# -- who may see and do what ---------------------------------------------------------------------

def _visible(uow_or_tx: Repositories, caller: Caller, objection: Objection) -> bool:
    if caller.role in OVERSIGHT or caller.nip in (objection.nip, objection.rater_nip, objection.decider_nip):
        return True
    unit = uow_or_tx.units.get(objection.unit_id)
    return unit is not None and heads(unit, caller.nip, caller.unit_id)


def may_decide(caller: Caller, objection: Objection) -> bool:
    """The decider named at filing; for BKPSDM, any of its staff who is neither the ASN nor the rater."""
    if caller.nip is not None and caller.nip in (objection.nip, objection.rater_nip):
        return False
    if objection.decider == BKPSDM:
        return caller.role is Role.ADMIN
    return caller.nip is not None and caller.nip == objection.decider_nip


def _found(tx: Repositories, caller: Caller, objection_id: str) -> Objection:
    objection = tx.objections.get(objection_id)
    if objection is None or not _visible(tx, caller, objection):
        raise NotFound("objection_not_found")
    return objection


# -- the rater's response and the decision ---------------------------------------------------------

def respond(uow: UnitOfWork, caller: Caller, objection_id: str, given: ResponseInput, now: datetime) -> ObjectionItem:
    def work(tx: Repositories) -> ObjectionItem:
        objection = _found(tx, caller, objection_id)
        if caller.nip is None or caller.nip != objection.rater_nip:
            raise Forbidden("not_rater")
        updated = domain.respond(objection, caller.nip, given.response, now)
        result, record = _subject(tx, objection)
        tx.objections.put(updated)
        _carry(tx, updated, result, record)
        tx.audit.append(_audit(updated, "objection.responded", caller.nip, now, None, outputs={"response": given.response}))
        return _item(updated, now)

    return uow.transaction(work)


def decide(uow: UnitOfWork, caller: Caller, objection_id: str, given: DecisionInput, now: datetime) -> ObjectionItem:
    def work(tx: Repositories) -> ObjectionItem:
        objection = _found(tx, caller, objection_id)
        if not may_decide(caller, objection):
            raise Forbidden("not_decider")
        actor = caller.nip or caller.uid
        updated = domain.decide(objection, given.decision, given.hasil_kerja, given.perilaku_kerja, given.reason, actor, now)
        if objection.annual:
            _, record = _subject(tx, objection)
            unit, people = None, []
        else:
            unit = tx.results.get_unit(objection.unit_id, objection.period)
            people = tx.results.for_unit(objection.unit_id, objection.period)
            record = None
        tx.objections.put(updated)
        curve_ok = None
        if objection.annual:
            _carry(tx, updated, None, record)
        else:
            changed = [with_objection(r, updated.summary()) if r.nip == objection.nip else r for r in people]
            tx.results.put_many([r for r in changed if r.nip == objection.nip], "objection")
            if unit is not None:  # the unit's curve is checked again on the predikat that now hold
                rechecked = with_curve(unit, changed)
                tx.results.put_unit(rechecked, "objection")
                curve_ok = rechecked.curve.ok if rechecked.curve else None
        decision = updated.decision
        assert decision is not None, "domain.decide returns the objection with its decision"
        tx.audit.append(_audit(updated, "objection.decided", actor, now, given.reason,
                               inputs={"original": objection.original.model_dump(mode="json"), "rater": objection.rater_nip,
                                       "response": objection.response.text if objection.response else None},
                               outputs={"decision": decision.decision.value, "hasil_kerja": decision.hasil_kerja.value,
                                        "perilaku_kerja": decision.perilaku_kerja.value, "predikat": decision.predikat.value,
                                        "curve_ok": curve_ok}))
        tx.emit([Event.of("objection.decided", key=updated.id, occurred_at=now,
                          data={**_event_data(updated), "decision": decision.decision.value, "predikat": decision.predikat.value})])
        return _item(updated, now)

    return uow.transaction(work)


def _subject(tx: Repositories, objection: Objection) -> tuple[AsnResult | None, AnnualResult | None]:
    if objection.annual:
        return None, tx.annual.get(annual_id(objection.nip, int(objection.period)))
    return tx.results.get(f"{objection.nip}_{objection.period}"), None


# -- reading --------------------------------------------------------------------------------------

def read(uow: UnitOfWork, caller: Caller, objection_id: str, now: datetime) -> ObjectionView:
    objection = _found(uow, caller, objection_id)
    if objection.annual:
        return ObjectionView(objection=_item(objection, now), annual=uow.annual.get(annual_id(objection.nip, int(objection.period))))
    result, report = uow.results.get_with(f"{objection.nip}_{objection.period}", (uow.reports, report_id(objection.nip, objection.period)))
    return ObjectionView(objection=_item(objection, now), report=report, review=report.latest_review if report else None, result=result)


def list_objections(uow: UnitOfWork, caller: Caller, scope: Scope, unit_id: str | None, status: ObjectionStatus | None, limit: int,
                    cursor: str | None, now: datetime) -> ObjectionList:
    """mine: the caller's own; to_decide: the ones the caller decides (BKPSDM's staff: BKPSDM's);
    unit: a unit's, for its head, BKPSDM and the inspectorate."""
    if scope is Scope.MINE:
        field, value = "nip", caller.nip or ""
    elif scope is Scope.TO_DECIDE:
        field, value = "decider", BKPSDM if caller.role is Role.ADMIN else caller.nip or ""
    else:
        if not unit_id:
            raise Invalid("objection_unit_required", details=[{"field": "unit_id", "code": "missing"}])
        unit_for(uow, caller, unit_id)
        field, value = "unit_id", unit_id
    filters = {"scope": scope, "unit_id": unit_id, "status": status}
    rows = uow.objections.listed(field, value, status.value if status else None, limit + 1, LIST.decode(cursor, filters))
    page, next_cursor = LIST.page(rows, limit, lambda o: (o.filed_at, o.id), filters)
    return ObjectionList(objections=[_item(o, now) for o in page], next_cursor=next_cursor)


# -- past the due date ------------------------------------------------------------------------------

FindingWords = Callable[[str, dict, str], tuple[str, str]]


def _codes(kind: str, params: dict, lang: str) -> tuple[str, str]:
    return kind, ""


def flag_overdue(uow: UnitOfWork, settings: Settings, now: datetime, words: FindingWords = _codes, limit: int = 200) -> list[str]:
    """Each open objection past its due date, once: a finding for BKPSDM and an ``objection.overdue``
    event (BKPSDM and the decider are told). Run daily; a second run the same day finds nothing new."""
    today = now.astimezone(WIB).date()
    flagged = []
    for candidate in uow.objections.overdue(today, limit):
        if candidate.overdue_finding_id is not None:
            continue
        finding_id = f"{FindingKind.OBJECTION_OVERDUE.value}:{candidate.nip}:{candidate.period}"

        def work(tx: Repositories, oid: str = candidate.id, fid: str = finding_id) -> bool:
            objection, existing = tx.objections.get_with(oid, (tx.findings, fid))
            if objection is None or not objection.open or objection.overdue_finding_id is not None:
                return False
            params = {"name": objection.name, "period": objection.period, "due": objection.due.isoformat()}
            title, recommendation = words(FindingKind.OBJECTION_OVERDUE.value, params, "id")
            due = today + timedelta(days=settings.finding_rule.due_days)
            if existing is None:
                tx.findings.put(Finding(
                    id=fid, kind=FindingKind.OBJECTION_OVERDUE, subject_type="asn", subject_id=objection.nip, unit_id=objection.unit_id,
                    period=objection.period, title=title, recommendation=recommendation, params=params,
                    evidence={"objection_id": objection.id, "decider": objection.decider, "filed_at": objection.filed_at.isoformat(),
                              "due": objection.due.isoformat()},
                    owners=[BKPSDM], due=due, opened_at=now))
            updated = domain.flagged_overdue(objection, fid, now)
            tx.objections.put(updated)
            tx.audit.append(_audit(updated, "objection.overdue", "system", now, None, outputs={"finding_id": fid}))
            events = [Event.of("objection.overdue", key=objection.id, occurred_at=now, data=_event_data(updated))]
            if existing is None:
                events.append(Event.of("finding.opened", key=fid, occurred_at=now,
                                       data={"finding_id": fid, "run_id": None, "kind": FindingKind.OBJECTION_OVERDUE.value,
                                             "unit_id": objection.unit_id, "subject_id": objection.nip, "owners": [BKPSDM], "title": title,
                                             "due": due.isoformat()}))
            tx.emit(events)
            return True

        if uow.transaction(work):
            flagged.append(candidate.id)
    return flagged


def open_counts(objections: list[Objection], now: datetime) -> dict[str, int]:
    """For the dashboards: open and overdue among these objections."""
    open_ = [o for o in objections if o.open]
    return {"open": len(open_), "overdue": sum(1 for o in open_ if o.is_overdue(now))}

