"""Domain events: facts that other functions react to, published on Pub/Sub.

An event's id is derived from what happened (``type`` and a natural key), so
a fact recorded twice is still one event and consumers can drop repeats by id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import Field

from .model import Model

# Each event type has its own topic so that each consumer subscribes only to what it needs.
TOPICS: dict[str, str] = {
    "report.submitted": "report-submitted",
    "report.reviewed": "report-reviewed",
    "survey.submitted": "survey-submitted",
    "investigation.opened": "investigation-opened",
    "scoring.unit_requested": "scoring-unit",
    "scoring.completed": "scoring-completed",
    "finding.opened": "finding-opened",
    "notification.requested": "notifications",
    "account.invited": "account-invited",
    "objection.filed": "objection-filed",
    "objection.decided": "objection-decided",
    "objection.overdue": "objection-overdue",
}
EVENT_TOPICS: tuple[str, ...] = tuple(dict.fromkeys(TOPICS.values()))  # the topics that carry our events, in the table's order


def receipts_subscription(topic: str) -> str:
    """The pull subscription on each event topic that keeps a copy of every message Pub/Sub has
    stored: the outbox relay marks those events published from it, so the request that published
    an event answers without waiting for the mark."""
    return f"{topic}-published"


class Event(Model):
    id: str
    type: str
    occurred_at: datetime
    data: dict[str, Any] = Field(default_factory=dict)

    @classmethod
    def of(cls, type_: str, key: str, occurred_at: datetime, data: dict[str, Any]) -> "Event":
        if type_ not in TOPICS:
            raise ValueError(f"unknown event type {type_}")
        return cls(id=f"{type_}:{key}", type=type_, occurred_at=occurred_at, data=data)

    @property
    def topic(self) -> str:
        return TOPICS[self.type]
