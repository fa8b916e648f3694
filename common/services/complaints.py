"""Complaint pictures, the spike rule, and investigations.

``on_survey_submitted`` runs for every survey-submitted event. It never
counts by incrementing: it asks the database how many responses and
complaints the unit had in the window, so a redelivered or out-of-order event
computes the same picture, and no counter document is written by every intake.
An investigation is opened inside a transaction on the unit's guard document,
so one spike opens one investigation however often the event arrives.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Container
from datetime import date, datetime, timedelta

from pydantic import Field

from common.domain.clock import WIB
from common.domain.complaints import (
    ComplaintPicture,
    ComplaintRef,
    Investigation,
    InvestigationStatus,
    SpikeRule,
    due_dates,
    evaluate,
    transition,
)
from common.domain.errors import Forbidden, NotFound
from common.domain.events import Event
from common.domain.model import Model
from common.domain.organisation import Role
from common.domain.survey import UNSUR_CODES

from .paging import NEXT_CURSOR, Keyset
from .ports import Caller, Repositories, UnitOfWork

log = logging.getLogger(__name__)
MAX_LISTED_COMPLAINTS = 50


def complaint_picture(uow: UnitOfWork, unit_id: str, rule: SpikeRule, now: datetime, since: datetime | None) -> ComplaintPicture:
    """Responses, complaints and the people who complained in the window, the same in the
    window before it, and what the rule counts: the part of the window after ``since``, when
    the last investigation was opened."""
    window = timedelta(days=rule.window_days)
    start = now - window
    end = now + timedelta(microseconds=1)  # the current window includes a response stored at this very instant
    count = uow.surveys.count_since
    responses, complaints = count(unit_id, start, end), count(unit_id, start, end, "complaint")
    counted_from = max(start, since) if since else start
    if counted_from > start:
        counted_responses, counted_complaints = count(unit_id, counted_from, end), count(unit_id, counted_from, end, "complaint")
    else:
        counted_responses, counted_complaints = responses, complaints
    # Complainers are kept by the hour: after an investigation, only the hours after the one it
    # opened in count, so nobody it covered counts again.
    people = uow.complainers.distinct
    counted_first = counted_from + timedelta(hours=1) if counted_from > start else start
    picture = ComplaintPicture(
        unit_id=unit_id,
        as_of=now,
        window_start=start,
        responses=responses,
        complaints=complaints,
        dissatisfied=count(unit_id, start, end, "dissatisfied"),
        senders=people(unit_id, start, now),
        previous_complaints=count(unit_id, now - 2 * window, start, "complaint"),
        previous_senders=people(unit_id, now - 2 * window, start - timedelta(hours=1)),
        counted_from=counted_from,
        counted_responses=counted_responses,
        counted_complaints=counted_complaints,
        counted_senders=people(unit_id, counted_first, now) if counted_first <= now else 0,
    )
    return evaluate(rule, picture)


def on_survey_submitted(uow: UnitOfWork, rule: SpikeRule, holidays: Container[date], unit_id: str, now: datetime) -> Investigation | None:
    guard = uow.investigations.guard(unit_id) or {}
    since = guard.get("last_opened_at")
    picture = complaint_picture(uow, unit_id, rule, now, since)
    uow.investigations.save_picture(picture)
    if not picture.spike:
        return None
    complaints = [_ref(r) for r in uow.surveys.complaints(unit_id, picture.counted_from, now + timedelta(microseconds=1), MAX_LISTED_COMPLAINTS)]

    def work(tx: Repositories) -> Investigation | None:
        current = tx.investigations.guard(unit_id) or {}
        open_id = current.get("open_id")
        if open_id:
            existing = tx.investigations.get(open_id)
            if existing is not None and existing.status is not InvestigationStatus.CLOSED:
                return None  # already under investigation: this event adds nothing new
        if current.get("last_opened_at") != since:
            return None  # another delivery opened one since we looked; its picture wins
        investigation = Investigation(
            id=f"INV-{now.astimezone(WIB):%Y%m%d}-{uuid.uuid4().hex[:6].upper()}",
            unit_id=unit_id,
            status=InvestigationStatus.OPEN,
            opened_at=now,
            reason=picture.reason or "spike",
            picture=picture,
            complaints=complaints,
            due=due_dates(now.astimezone(WIB).date(), holidays),
        )
        tx.investigations.put(investigation)
        tx.investigations.set_guard(unit_id, {"open_id": investigation.id, "last_opened_at": now})
        event = Event.of(
            "investigation.opened",
            key=investigation.id,
            occurred_at=now,
            data={
                "investigation_id": investigation.id,
                "unit_id": unit_id,
                "reason": investigation.reason,
                "complaints": picture.counted_complaints,
                "senders": picture.counted_senders,
                "responses": picture.counted_responses,
                "verify_by": investigation.due.verify_by.isoformat(),
            },
        )
        tx.emit([event])
        return investigation

    opened = uow.transaction(work)
    if opened:
        log.warning("investigation opened", extra={"unit_id": unit_id, "investigation_id": opened.id, "reason": opened.reason})
    return opened


def _ref(response) -> ComplaintRef:
    scores = response.answers.scores()
    return ComplaintRef(
        receipt=response.receipt,
        submitted_at=response.submitted_at,
        service_id=response.service_id,
        lowest_score=response.lowest_score,
        low_unsur=[code for code in UNSUR_CODES if scores[code] == 1],
        text=response.feedback.text if response.feedback else None,
    )


# -- the inspectorate's work ---------------------------------------------------

class InvestigationUpdate(Model):
    status: InvestigationStatus
    note: str | None = Field(default=None, max_length=5000)
    findings: str | None = Field(default=None, max_length=20000, description="required to close")


INVESTIGATIONS = Keyset("investigations", tuple[datetime, str])  # newest first: (opened_at, id) descending


class InvestigationList(Model):
    investigations: list[Investigation] = Field(description="newest first")
    next_cursor: str | None = Field(default=None, description=NEXT_CURSOR)


READERS = {Role.INSPEKTORAT, Role.ADMIN}


def _may_read(caller: Caller) -> None:
    if caller.role not in READERS:
        raise Forbidden("role_required", roles="inspektorat, admin")


def list_investigations(uow: UnitOfWork, caller: Caller, status: str | None, unit_id: str | None, limit: int,
                        cursor: str | None = None) -> InvestigationList:
    _may_read(caller)
    filters = {"status": status, "unit_id": unit_id}
    rows = uow.investigations.list(status, unit_id, limit + 1, INVESTIGATIONS.decode(cursor, filters))
    page, next_cursor = INVESTIGATIONS.page(rows, limit, lambda i: (i.opened_at, i.id), filters)
    return InvestigationList(investigations=page, next_cursor=next_cursor)


def read_investigation(uow: UnitOfWork, caller: Caller, investigation_id: str) -> Investigation:
    _may_read(caller)
    investigation = uow.investigations.get(investigation_id)
    if investigation is None:
        raise NotFound("investigation_not_found")
    return investigation


def update_investigation(uow: UnitOfWork, caller: Caller, investigation_id: str, update: InvestigationUpdate, now: datetime) -> Investigation:
    """Only the inspectorate moves an investigation along: open -> in progress -> closed with findings."""
    if caller.role is not Role.INSPEKTORAT:
        raise Forbidden("role_required", roles="inspektorat")

    def work(tx: Repositories) -> Investigation:
        investigation = tx.investigations.get(investigation_id)
        if investigation is None:
            raise NotFound("investigation_not_found")
        updated = transition(investigation, update.status, caller.nip or caller.uid, now, update.note, update.findings)
        tx.investigations.put(updated)
        return updated

    return uow.transaction(work)
