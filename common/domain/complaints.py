"""Complaints about an office and the investigations they open.

The seed's rule: when many people complain about one office, an investigation
of the cause follows. The spike rule below says when "many" is reached; the
inspectorate (Inspektorat) then runs the investigation within the SP4N-LAPOR!
time limits: verify and forward within 3 working days, follow up within 5
working days, close 10 working days after the follow-up if the reporter is silent.
"""

from __future__ import annotations

from collections.abc import Container
from datetime import date, datetime
from enum import StrEnum

from pydantic import Field

from .calendar import add_working_days
from .errors import Conflict, Invalid
from .model import Model

__all__ = ["add_working_days"]  # kept importable from here, where the deadlines use it


class SpikeRule(Model):
    """Documented and configurable (docs/rules.md). Complaints are counted by the people who
    made them: one sender's complaints count once per unit and window, however many they
    send. Defaults: complaints from at least 10 people in 30 days and at least twice as many
    people as in the 30 days before, or complainers making up at least 25% of at least 20
    responses; and in every case at least 5 different people."""

    window_days: int = Field(default=30, ge=1)
    min_complaints: int = Field(default=10, ge=1, description="people who complained, for a surge")
    growth_factor: float = Field(default=2.0, ge=1)
    min_share: float = Field(default=0.25, gt=0, le=1)
    min_responses_for_share: int = Field(default=20, ge=1)
    min_senders: int = Field(default=5, ge=1, description="different people who complained, for any investigation")


class ComplaintPicture(Model):
    """An office's complaints over the window and the window before it.

    The rule looks only at what no investigation has covered yet: from the
    later of the window's start and the last investigation's opening
    (``counted_from``), so closing an investigation does not let the same
    complaints open another one. ``senders`` are the different people who
    complained (by a salted hash of their address, kept only as long as two
    windows need it); ``complaints`` are the complaint responses they sent.
    ``dissatisfied`` (a response with some unsur answered 1) is shown beside
    them and does not drive the rule.
    """

    unit_id: str
    as_of: datetime
    window_start: datetime
    responses: int
    complaints: int
    dissatisfied: int = 0
    senders: int = 0
    previous_complaints: int
    previous_senders: int = 0
    counted_from: datetime
    counted_responses: int
    counted_complaints: int
    counted_senders: int = 0
    share: float | None = Field(default=None, description="people who complained / responses, in the counted part")
    spike: bool = False
    reason: str | None = None


def evaluate(rule: SpikeRule, picture: ComplaintPicture) -> ComplaintPicture:
    people, responses = picture.counted_senders, picture.counted_responses
    share = people / responses if responses else None
    reason = None
    if people < rule.min_senders:
        reason = None  # one person, or a few, cannot open an investigation however much they send
    elif people >= rule.min_complaints and people >= rule.growth_factor * picture.previous_senders:
        reason = "surge"
    elif share is not None and responses >= rule.min_responses_for_share and share >= rule.min_share:
        reason = "share"
    return picture.model_copy(update={"share": round(share, 4) if share is not None else None, "spike": reason is not None, "reason": reason})


class InvestigationStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    CLOSED = "closed"


_NEXT = {
    InvestigationStatus.OPEN: {InvestigationStatus.IN_PROGRESS, InvestigationStatus.CLOSED},
    InvestigationStatus.IN_PROGRESS: {InvestigationStatus.CLOSED},
    InvestigationStatus.CLOSED: set(),
}


class ComplaintRef(Model):
    receipt: str
    submitted_at: datetime
    service_id: str
    lowest_score: int
    low_unsur: list[str] = Field(description="unsur scored 1")
    text: str | None = None


class DueDates(Model):
    verify_by: date = Field(description="verified and forwarded: 3 working days after opening")
    follow_up_by: date = Field(description="followed up: 5 working days after forwarding")
    close_by: date = Field(description="closed: 10 working days after the follow-up, if the reporter is silent")


class HistoryEntry(Model):
    at: datetime
    by: str
    status: InvestigationStatus
    note: str | None = None


class Investigation(Model):
    id: str
    unit_id: str
    status: InvestigationStatus
    opened_at: datetime
    reason: str
    picture: ComplaintPicture
    complaints: list[ComplaintRef]
    due: DueDates
    assigned_to: str = "inspektorat"
    findings: str | None = None
    history: list[HistoryEntry] = Field(default_factory=list)


class InvestigationSummary(Model):
    """What the investigated unit's people see of an investigation: that it exists and its
    deadlines. Complaint texts, receipts, services and times, the inspectorate's notes and
    findings stay with the inspectorate and BKPSDM."""

    id: str
    unit_id: str
    status: InvestigationStatus
    opened_at: datetime
    due: DueDates

    @classmethod
    def of(cls, investigation: Investigation) -> "InvestigationSummary":
        return cls(id=investigation.id, unit_id=investigation.unit_id, status=investigation.status,
                   opened_at=investigation.opened_at, due=investigation.due)


def due_dates(opened: date, holidays: Container[date]) -> DueDates:
    """SP4N-LAPOR! deadlines in working days; ``holidays`` is a set of days off or a WorkingCalendar."""
    verify = add_working_days(opened, 3, holidays)
    follow = add_working_days(verify, 5, holidays)
    return DueDates(verify_by=verify, follow_up_by=follow, close_by=add_working_days(follow, 10, holidays))


def transition(investigation: Investigation, status: InvestigationStatus, by: str, now: datetime, note: str | None, findings: str | None) -> Investigation:
    if status is investigation.status and status is not InvestigationStatus.CLOSED:
        updated = investigation
    elif status not in _NEXT[investigation.status]:
        raise Conflict("investigation_transition", current=investigation.status.value, wanted=status.value)
    else:
        updated = investigation.model_copy(update={"status": status})
    if status is InvestigationStatus.CLOSED and not (findings or "").strip():
        raise Invalid("findings_required", details=[{"field": "findings", "code": "required_close"}])
    return updated.model_copy(
        update={
            "findings": findings if findings is not None else updated.findings,
            "history": [*updated.history, HistoryEntry(at=now, by=by, status=status, note=note)],
        }
    )
