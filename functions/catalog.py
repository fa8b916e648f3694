"""Every Cloud Function: its module, its trigger, what it publishes.

The single list that main.py, the local stack, the OpenAPI generator and the
infrastructure checks read, so a function cannot exist in one and not the others.
Plain data: importing this costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Function:
    name: str
    module: str
    trigger: str  # "http", or "topic" for Pub/Sub-triggered
    topic: str | None = None  # the topic that triggers it
    schedule: str | None = None  # Cloud Scheduler cron (Asia/Jakarta) publishing to ``topic``
    publishes: tuple[str, ...] = field(default_factory=tuple)
    description: str = ""


FUNCTIONS: tuple[Function, ...] = (
    Function(
        "api_reports",
        "functions.api_reports",
        "http",
        publishes=("report-submitted", "report-reviewed"),
        description="ASN submit monthly reports; supervisors list their team's reports and review them",
    ),
    Function("api_me", "functions.api_me", "http", description="the e-performance view of the signed-in ASN"),
    Function("api_admin", "functions.api_admin", "http", description="BKPSDM loads units, employees, supervisor links and SKP plans"),
    Function("api_docs", "functions.api_docs", "http", description="serves the OpenAPI document"),
    Function(
        "api_surveys",
        "functions.api_surveys",
        "http",
        publishes=("survey-submitted",),
        description="the public survey form's data and anonymous survey intake",
    ),
    Function("api_ikm", "functions.api_ikm", "http", description="IKM of a unit, for staff and published"),
    Function("api_investigations", "functions.api_investigations", "http", description="the inspectorate's investigations"),
    Function(
        "survey_events",
        "functions.survey_events",
        "topic",
        topic="survey-submitted",
        publishes=("investigation-opened",),
        description="complaint picture per unit; opens an investigation when complaints spike",
    ),
    Function(
        "outbox_relay",
        "functions.outbox_relay",
        "topic",
        topic="outbox-sweep",
        schedule="* * * * *",
        publishes=("report-submitted", "report-reviewed", "survey-submitted", "investigation-opened"),
        description="publishes events whose publish failed after their write",
    ),
)

BY_NAME = {f.name: f for f in FUNCTIONS}

# Topics that carry domain events, and the topics that trigger functions.
EVENT_TOPICS = ("report-submitted", "report-reviewed", "survey-submitted", "investigation-opened")
TRIGGER_TOPICS = tuple(f.topic for f in FUNCTIONS if f.topic)
