"""What each Pub/Sub-triggered function accepts: one pydantic model per message shape.

A message is a command to its function. It is validated before any work starts; one that does
not fit is not retried (it never will fit) but forwarded to the function's dead-letter topic
with the reason (common/api/push.py). Our own events arrive in the envelope the publisher
writes (common.domain.events.Event); Cloud Scheduler's ticks carry a small JSON object.
"""

from __future__ import annotations

from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, model_validator

from common.domain.events import Event
from common.domain.model import Model
from common.domain.nip import Nip
from common.domain.notifications import Notification
from common.domain.organisation import UnitId
from common.domain.period import Period

D = TypeVar("D", bound=BaseModel)
_ID = Field(min_length=1, max_length=200, pattern=r"^[^/]+$")


class _Data(Model):
    model_config = ConfigDict(extra="ignore", frozen=True)  # newer publishers may add fields


class SurveySubmittedData(_Data):
    unit_id: UnitId


class UnitRequestedData(_Data):
    run_id: str = _ID
    period: Period
    unit_id: UnitId


class InvitedData(_Data):
    nip: Nip
    invitation: str = _ID


class Envelope(Model, Generic[D]):
    """One of our events, as published: its id (the handler's idempotency key), type and data."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    id: str = _ID
    type: str
    data: D


class SurveySubmitted(Envelope[SurveySubmittedData]):
    type: Literal["survey.submitted"]


class UnitRequested(Envelope[UnitRequestedData]):
    type: Literal["scoring.unit_requested"]


class AccountInvited(Envelope[InvitedData]):
    type: Literal["account.invited"]


class NotificationRequested(Envelope[Notification]):
    type: Literal["notification.requested"]


class NotifiableEvent(Event):
    """The events notify_events decides about (its topics' types)."""

    @model_validator(mode="after")
    def _known(self) -> "NotifiableEvent":
        if self.type not in NOTIFIABLE:
            raise ValueError(f"event type {self.type} is not one notify_events reads")
        return self


NOTIFIABLE = ("report.submitted", "report.reviewed", "investigation.opened", "finding.opened", "scoring.completed",
              "objection.filed", "objection.decided", "objection.overdue")


class Tick(Model):
    """Cloud Scheduler's message: ``{"source": "cloud-scheduler", "job": ...}``; only its arrival matters."""

    model_config = ConfigDict(extra="ignore", frozen=True)
    source: str | None = Field(default=None, max_length=100)
    job: str | None = Field(default=None, max_length=200)


class ScoringRequested(Tick):
    """The monthly tick, or a request for one period (an operator's ``{"period": "2026-10"}``)."""

    period: Period | None = None
    requested_by: str = Field(default="scheduler", min_length=1, max_length=100)
