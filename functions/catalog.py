"""Every Cloud Function: its module, its trigger, what it publishes.

The single list that main.py, the local stack, the OpenAPI generator and the
infrastructure checks read, so a function cannot exist in one and not the others.
Plain data: importing it costs next to nothing (the event table it names is plain data too).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from common.domain.events import EVENT_TOPICS


@dataclass(frozen=True)
class Function:
    name: str
    module: str
    trigger: str  # "http"; "topic" for Pub/Sub-triggered; "storage" for a Cloud Storage event (Eventarc)
    topic: str | None = None  # the topic that triggers it
    schedule: str | None = None  # Cloud Scheduler cron (Asia/Jakarta) publishing to ``topic``
    publishes: tuple[str, ...] = field(default_factory=tuple)
    description: str = ""
    dead_letter: str | None = None  # where a message goes after max_attempts failed deliveries
    max_attempts: int = 5
    also_topics: tuple[str, ...] = ()  # further topics pushed to the same function
    event_type: str | None = None  # a storage trigger's CloudEvent type, on the evidence bucket

    @property
    def topics(self) -> tuple[str, ...]:
        return ((self.topic,) if self.topic else ()) + self.also_topics

    @property
    def publishes_to(self) -> tuple[str, ...]:
        """Every topic it publishes to: its events, and its dead-letter topic, where a
        topic-triggered function forwards a message that is not its command (common/api/push.py)."""
        forwards = (self.dead_letter,) if self.trigger == "topic" and self.dead_letter else ()
        return tuple(dict.fromkeys(self.publishes + forwards))

    @property
    def function_id(self) -> str:
        """The deployed function's id (``api-reports``): hyphens, never underscores, which the
        Cloud Run service under a 2nd-gen function refuses. ``name`` stays the Python entry point."""
        return self.name.replace("_", "-")


FUNCTIONS: tuple[Function, ...] = (
    Function(
        "api_reports",
        "functions.api_reports",
        "http",
        publishes=("report-submitted", "report-reviewed"),
        description="ASN submit monthly reports; supervisors list their team's reports and review them",
    ),
    Function(
        "evidence_check",
        "functions.evidence_check",
        "storage",
        event_type="google.cloud.storage.object.v1.finalized",
        description="checks each uploaded evidence file (real type, size, a photo's location removed) and records the verdict",
    ),
    Function(
        "evidence_sweep",
        "functions.evidence_sweep",
        "topic",
        topic="evidence-sweep",
        schedule="0 3 * * *",
        description="deletes evidence files never uploaded or never attached to a report (daily, 03:00 WIB)",
        dead_letter="evidence-sweep-dead",
    ),
    Function("api_me", "functions.api_me", "http", description="the e-performance view of the signed-in ASN"),
    Function(
        "api_admin",
        "functions.api_admin",
        "http",
        publishes=("account-invited",),
        description="BKPSDM loads units, employees (and their accounts), supervisor links and SKP plans; the audit log",
    ),
    Function(
        "send_invitations",
        "functions.send_invitations",
        "topic",
        topic="account-invited",
        description="e-mails a new account's owner the one-time link to set their password",
        dead_letter="account-invited-dead",
        max_attempts=8,
    ),
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
        dead_letter="survey-submitted-dead",
    ),
    Function(
        "api_scoring",
        "functions.api_scoring",
        "http",
        publishes=("scoring-unit",),
        description="BKPSDM starts and follows scoring runs; results for supervisors, unit heads and BKPSDM",
    ),
    Function(
        "api_objections",
        "functions.api_objections",
        "http",
        publishes=("objection-filed", "objection-decided"),
        description="keberatan: an ASN objects to a predikat, the rater responds, the supervisor's supervisor decides",
    ),
    Function("api_findings", "functions.api_findings", "http", description="findings for their owners; training records"),
    Function("api_dashboard", "functions.api_dashboard", "http", description="the dashboard's data per role"),
    Function("api_exports", "functions.api_exports", "http", description="the SKM report (JSON, PDF), the QR posters (PDF, SVG) and results as XLSX and CSV"),
    Function(
        "scoring_start",
        "functions.scoring_start",
        "topic",
        topic="scoring-requested",
        schedule="0 2 6 * *",
        publishes=("scoring-unit",),
        description="starts the monthly run for the previous period (the 6th, 02:00 WIB)",
        dead_letter="scoring-requested-dead",
    ),
    Function(
        "score_unit",
        "functions.score_unit",
        "topic",
        topic="scoring-unit",
        publishes=("finding-opened", "scoring-completed"),
        description="scores one unit of a run, atomically",
        dead_letter="scoring-unit-dead",
    ),
    Function(
        "scoring_dead_letter",
        "functions.scoring_dead_letter",
        "topic",
        topic="scoring-unit-dead",
        publishes=("scoring-completed",),
        description="records a unit whose scoring kept failing, so the run finishes and shows it",
        dead_letter="scoring-unit-dead-dead",
    ),
    Function(
        "notify_events",
        "functions.notify_events",
        "topic",
        topic="report-reviewed",
        also_topics=("report-submitted", "investigation-opened", "finding-opened", "scoring-completed",
                     "objection-filed", "objection-decided", "objection-overdue"),
        publishes=("notifications",),
        description="decides who must be told about an event, now or in their daily digest; queues notifications",
        dead_letter="notify-events-dead",
    ),
    Function(
        "deliver_notifications",
        "functions.deliver_notifications",
        "topic",
        topic="notifications",
        description="delivers a notification to the inbox, by push (FCM) and by e-mail (SMTP), at most once per channel",
        dead_letter="notifications-dead",
        max_attempts=8,
    ),
    Function(
        "notifications_dead_letter",
        "functions.notifications_dead_letter",
        "topic",
        topic="notifications-dead",
        description="records why a notification could not be delivered",
        dead_letter="notifications-dead-dead",
    ),
    Function(
        "send_reminders",
        "functions.send_reminders",
        "topic",
        topic="reminders-tick",
        schedule="0 8 * * *",
        publishes=("notifications", "finding-opened", "objection-overdue"),
        description="reminds ASN who have not reported: before the deadline and the day after; flags objections past their due date",
        dead_letter="reminders-tick-dead",
    ),
    Function(
        "send_digests",
        "functions.send_digests",
        "topic",
        topic="digest-tick",
        schedule="0 16 * * *",
        publishes=("notifications",),
        description="each person's daily digest: what they chose to hear about once a day",
        dead_letter="digest-tick-dead",
    ),
    Function(
        "outbox_relay",
        "functions.outbox_relay",
        "topic",
        topic="outbox-sweep",
        schedule="* * * * *",
        publishes=EVENT_TOPICS,
        description="publishes events whose publish failed after their write",
        dead_letter="outbox-sweep-dead",
    ),
)

BY_NAME = {f.name: f for f in FUNCTIONS}
BY_ID = {f.function_id: f for f in FUNCTIONS}

# The topics that trigger functions.
TRIGGER_TOPICS = tuple(t for f in FUNCTIONS for t in f.topics)
STORAGE_FUNCTIONS = tuple(f for f in FUNCTIONS if f.trigger == "storage")
DEAD_LETTER_TOPICS = tuple(f.dead_letter for f in FUNCTIONS if f.dead_letter)
