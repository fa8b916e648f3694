"""Keberatan: an ASN objects to their own predikat of a period (a month or a year), and the
rater's own supervisor (atasan dari atasan) decides, never the rater. Every step is kept.

The rules (docs/rules.md, "Keberatan"):
- filed within a window after the predikat was published (default 14 calendar days, WIB days);
- one objection per person and period: a decided objection is final;
- the decider is fixed at filing: the supervisor of the ASN's supervisor, else BKPSDM;
- the rater may respond once, before the decision; the decider decides by a due date (default
  14 days after filing), with a reason; upheld or partly upheld changes the ratings and the
  matrix gives the predikat; rejected keeps them.

Codes and numbers only: the words are in common/api/messages.py.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import Field, WithJsonSchema

from .clock import WIB
from .errors import Conflict, Invalid
from .model import Model
from .ratings import Predikat, Rating, predikat

BKPSDM = "role:admin"  # the decider when the rater has no supervisor (the same key findings use)
_PERIOD_RE = re.compile(r"^(20\d\d|2100)(-(0[1-9]|1[0-2]))?$")

ObjectionPeriod = Annotated[
    str,
    Field(pattern=_PERIOD_RE.pattern),
    WithJsonSchema({"type": "string", "pattern": _PERIOD_RE.pattern, "examples": ["2026-10", "2026"],
                    "description": "a month (YYYY-MM) or a year (YYYY)"}),
]


class ObjectionStatus(StrEnum):
    SUBMITTED = "submitted"  # filed, waiting for the rater's response and the decision
    RESPONDED = "responded"  # the rater added their response
    DECIDED = "decided"


class Verdict(StrEnum):
    UPHELD = "upheld"
    PARTLY_UPHELD = "partly_upheld"
    REJECTED = "rejected"


class Ratings(Model):
    hasil_kerja: Rating
    perilaku_kerja: Rating
    predikat: Predikat


class Response(Model):
    text: str
    by: str
    at: datetime


class ObjectionDecision(Model):
    decision: Verdict
    hasil_kerja: Rating
    perilaku_kerja: Rating
    predikat: Predikat = Field(description="from the matrix on the ratings that hold after the decision")
    reason: str
    by: str = Field(description="the decider's NIP")
    at: datetime

    @property
    def changes_ratings(self) -> bool:
        return self.decision is not Verdict.REJECTED


class Step(Model):
    action: str = Field(description="filed, responded, decided or overdue")
    by: str
    at: datetime


class ObjectionSummary(Model):
    """What a result (monthly or annual) carries of its objection: the history beside the ratings."""

    id: str
    status: ObjectionStatus
    filed_at: datetime
    due: date
    original: Ratings = Field(description="the ratings and predikat objected to")
    decision: ObjectionDecision | None = None


class Objection(Model):
    id: str = Field(description="{nip}_{period}: one per person and period")
    nip: str
    name: str
    unit_id: str
    period: str = Field(description="YYYY-MM (a month) or YYYY (the annual evaluation)")
    annual: bool
    reason: str
    evidence: list[str] = Field(default_factory=list, description="links to the ASN's evidence")
    rater_nip: str | None = Field(description="who gave the ratings objected to: may respond, never decides")
    decider: str = Field(description="the decider's NIP, or role:admin for BKPSDM")
    decider_nip: str | None = Field(description="the supervisor of the ASN's supervisor at filing; null when BKPSDM decides")
    original: Ratings
    status: ObjectionStatus = ObjectionStatus.SUBMITTED
    open: bool = Field(default=True, description="not decided yet")
    filed_at: datetime
    window_closed_on: date = Field(description="the last day the objection could be filed")
    due: date = Field(description="the last day (WIB) the decider has")
    response: Response | None = None
    decision: ObjectionDecision | None = None
    overdue_finding_id: str | None = Field(default=None, description="the finding BKPSDM got when the due date passed")
    history: list[Step] = Field(default_factory=list, description="every step, oldest first")

    def is_overdue(self, now: datetime) -> bool:
        return self.open and now.astimezone(WIB).date() > self.due

    def summary(self) -> ObjectionSummary:
        return ObjectionSummary(id=self.id, status=self.status, filed_at=self.filed_at, due=self.due, original=self.original,
                                decision=self.decision)


def objection_id(nip: str, period: str) -> str:
    return f"{nip}_{period}"


def is_annual(period: str) -> bool:
    return len(period) == 4


def window_closes(published_at: datetime, days: int) -> date:
    """The last day an objection may be filed: ``days`` calendar days after publication (WIB)."""
    return published_at.astimezone(WIB).date() + timedelta(days=days)


def file(*, nip: str, name: str, unit_id: str, period: str, reason: str, evidence: list[str], rater_nip: str | None,
         decider_nip: str | None, original: Ratings, published_at: datetime, now: datetime, window_days: int,
         due_days: int) -> Objection:
    closes = window_closes(published_at, window_days)
    today = now.astimezone(WIB).date()
    if today > closes:
        raise Invalid("objection_window_closed", closed_on=closes.isoformat())
    if decider_nip is not None and decider_nip in (nip, rater_nip):
        decider_nip = None  # nobody decides on their own rating or objection: BKPSDM does
    return Objection(
        id=objection_id(nip, period), nip=nip, name=name, unit_id=unit_id, period=period, annual=is_annual(period), reason=reason,
        evidence=evidence, rater_nip=rater_nip, decider=decider_nip or BKPSDM, decider_nip=decider_nip, original=original,
        filed_at=now, window_closed_on=closes, due=today + timedelta(days=due_days), history=[Step(action="filed", by=nip, at=now)],
    )


def respond(objection: Objection, by: str, text: str, at: datetime) -> Objection:
    if objection.decision is not None:
        raise Conflict("objection_decided")
    if objection.response is not None:
        raise Conflict("objection_already_responded")
    return objection.model_copy(update={
        "response": Response(text=text, by=by, at=at), "status": ObjectionStatus.RESPONDED,
        "history": [*objection.history, Step(action="responded", by=by, at=at)],
    })


def decide(objection: Objection, verdict: Verdict, hasil_kerja: Rating | None, perilaku_kerja: Rating | None, reason: str,
           by: str, at: datetime) -> Objection:
    """Upheld or partly upheld: the ratings given replace the original ones (a rating left out stays) and
    the matrix gives the predikat; rejected: the original ratings stay, and none may be given."""
    if objection.decision is not None:
        raise Conflict("objection_decided")
    original = objection.original
    if verdict is Verdict.REJECTED:
        if hasil_kerja is not None or perilaku_kerja is not None:
            given = [f for f, v in (("hasil_kerja", hasil_kerja), ("perilaku_kerja", perilaku_kerja)) if v is not None]
            raise Invalid("objection_rejected_keeps_ratings", details=[{"field": f, "code": "rejected_no_rating"} for f in given])
        hk, pk = original.hasil_kerja, original.perilaku_kerja
    else:
        if hasil_kerja is None and perilaku_kerja is None:
            raise Invalid("objection_ratings_required", details=[{"field": "hasil_kerja", "code": "required_upheld"},
                                                               {"field": "perilaku_kerja", "code": "required_upheld"}])
        hk, pk = hasil_kerja or original.hasil_kerja, perilaku_kerja or original.perilaku_kerja
        if (hk, pk) == (original.hasil_kerja, original.perilaku_kerja):
            raise Invalid("objection_ratings_unchanged")
    decision = ObjectionDecision(decision=verdict, hasil_kerja=hk, perilaku_kerja=pk, predikat=predikat(hk, pk), reason=reason, by=by, at=at)
    return objection.model_copy(update={
        "decision": decision, "status": ObjectionStatus.DECIDED, "open": False,
        "history": [*objection.history, Step(action="decided", by=by, at=at)],
    })


def flagged_overdue(objection: Objection, finding_id: str, at: datetime) -> Objection:
    return objection.model_copy(update={"overdue_finding_id": finding_id,
                                        "history": [*objection.history, Step(action="overdue", by="system", at=at)]})
