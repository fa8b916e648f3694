"""Notifications in two steps.

1. ``plan_*`` turns a domain event (or a scheduled job) into notifications:
   who is told what, on which channels. They are published, a chunk of
   recipients per message, on the ``notifications`` topic.
2. ``deliver`` sends one such message: for each recipient and channel it
   claims a delivery record in a transaction, sends, and records the outcome.
   A record already sent, skipped or failed is never sent again, however often
   the message comes back; a record claimed by an attempt that never finished
   is not resent either (at most once). A transient failure makes ``deliver``
   raise, so Pub/Sub retries with backoff; after the last attempt the message
   reaches the dead-letter topic and ``give_up`` records why.
"""

from __future__ import annotations

import hashlib
import logging
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from common.domain.clock import WIB
from common.domain.events import Event
from common.domain.notifications import (
    Attempt,
    Channel,
    Delivery,
    DeliveryStatus,
    Kind,
    Notification,
    Recipient,
    delivery_id,
    render,
    skip_reason,
)
from common.domain.organisation import Role
from common.domain.period import period_of, previous_period, report_deadline
from common.domain.reports import report_id
from common.domain.skp import plan_id
from common.settings import Settings

from .ports import Publisher, Repositories, UnitOfWork

log = logging.getLogger(__name__)
INTERRUPTED_AFTER = timedelta(minutes=10)  # longer than a function may run: a claim this old never finished
ASN = [Channel.INBOX, Channel.PUSH]
STAFF = [Channel.INBOX, Channel.PUSH, Channel.EMAIL]  # supervisors, unit heads, BKPSDM, inspectorate


class EmailSender(Protocol):
    configured: bool

    def send(self, to: str, subject: str, body: str, message_id: str) -> None: ...


class PushSender(Protocol):
    configured: bool

    def send(self, tokens: list[str], title: str, link: str, notification_id: str) -> Any: ...


class RetryLater(Exception):
    """Some deliveries failed in a way worth retrying: let Pub/Sub deliver the message again."""


# -- step 1: who is told what --------------------------------------------------------

def plan_for_event(uow: UnitOfWork, event: Event) -> list[Notification]:
    data, now = event.data, event.occurred_at
    if event.type == "report.reviewed":
        return [Notification(
            id=f"report_reviewed:{data['report_id']}:{event.id.rsplit(':', 1)[-1]}", kind=Kind.REPORT_REVIEWED,
            params={"period": data["period"], "decision": data["decision"]}, link=f"/laporan/{data['report_id']}",
            recipients=[Recipient(nip=data["nip"], channels=ASN)], created_at=now,
        )]
    if event.type == "report.submitted":
        if data.get("supervisor_nip"):
            day = now.astimezone(WIB).date().isoformat()
            uow.notifications.add_to_digest(data["supervisor_nip"], day, {"report_id": data["report_id"], "nip": data["nip"], "revision": data["revision"]})
        return []  # supervisors hear about submissions once a day, in the digest
    if event.type == "investigation.opened":
        unit = uow.units.get(data["unit_id"])
        people = {e.nip for e in uow.employees.with_role(Role.INSPEKTORAT)} | ({unit.head_nip} if unit and unit.head_nip else set())
        return [Notification(
            id=f"investigation_opened:{data['investigation_id']}", kind=Kind.INVESTIGATION_OPENED,
            params={"unit_name": unit.name if unit else data["unit_id"], "complaints": data["complaints"], "responses": data["responses"],
                    "investigation_id": data["investigation_id"], "verify_by": data["verify_by"]},
            link=f"/investigasi/{data['investigation_id']}",
            recipients=[Recipient(nip=n, channels=[Channel.INBOX, Channel.EMAIL]) for n in sorted(people)], created_at=now,
        )]
    if event.type == "finding.opened":
        finding = uow.findings.get(data["finding_id"])
        if finding is None:
            return []
        people = {o for o in finding.owners if not o.startswith("role:")}
        # BKPSDM owns findings across the whole city: they see them in the inbox and the
        # dashboard, not as hundreds of e-mails a month.
        agency = {e.nip for e in uow.employees.with_role(Role.ADMIN)} - people if "role:admin" in finding.owners else set()
        recipients = [Recipient(nip=n, channels=STAFF) for n in sorted(people)] + [Recipient(nip=n, channels=[Channel.INBOX]) for n in sorted(agency)]
        return [Notification(
            id=f"finding_opened:{finding.id}", kind=Kind.FINDING_OPENED,
            params={"kind": finding.kind.value, "title": finding.title, "recommendation": finding.recommendation, "due": finding.due.isoformat()},
            link=f"/temuan/{finding.id}", recipients=recipients, created_at=now,
        )]
    if event.type == "scoring.completed":
        run = uow.runs.get(data["run_id"])
        period = data["period"]
        asn, supervisors = set(), set()
        for unit_id in run.units if run else []:
            for result in uow.results.for_unit(unit_id, period):
                if result.outcome.value in ("scored", "awaiting_review"):
                    asn.add(result.nip)
                    if result.supervisor_nip:
                        supervisors.add(result.supervisor_nip)
        # One announcement per period: re-running a period with the same results tells no one twice.
        return [
            Notification(id=f"scoring_published:{period}", kind=Kind.SCORING_PUBLISHED, params={"period": period},
                         link=f"/kinerja/{period}", recipients=[Recipient(nip=n, channels=ASN) for n in sorted(asn)], created_at=now),
            Notification(id=f"team_scoring_published:{period}", kind=Kind.TEAM_SCORING_PUBLISHED, params={"period": period},
                         link=f"/tim/{period}", recipients=[Recipient(nip=n, channels=STAFF) for n in sorted(supervisors)], created_at=now),
        ]
    return []


def plan_digests(uow: UnitOfWork, day: date, now: datetime) -> list[Notification]:
    """One message per supervisor for the reports their team submitted that day."""
    notifications = []
    for digest in uow.notifications.digests(day.isoformat()):
        entries = digest.get("entries", [])
        people = uow.employees.get_many({e["nip"] for e in entries})
        names = sorted({people[e["nip"]].name for e in entries if e["nip"] in people})
        notifications.append(Notification(
            id=f"reports_digest:{digest['supervisor_nip']}:{day.isoformat()}", kind=Kind.REPORTS_DIGEST,
            params={"count": len({e["report_id"] for e in entries}), "names": ", ".join(names)}, link="/tim/laporan",
            recipients=[Recipient(nip=digest["supervisor_nip"], channels=STAFF)], created_at=now,
        ))
    return notifications


def plan_reminders(uow: UnitOfWork, settings: Settings, now: datetime) -> list[Notification]:
    """A few days before the deadline, and the day after it, everyone who has not reported."""
    today = now.astimezone(WIB).date()
    period = previous_period(period_of(now))
    deadline = report_deadline(period, settings.report_deadline_day)
    last_day = (deadline - timedelta(days=1)).date()
    if today == last_day - timedelta(days=settings.reminder_days_before):
        kind = Kind.REPORT_DUE_SOON
    elif today == last_day + timedelta(days=1):
        kind = Kind.REPORT_MISSING
    else:
        return []
    employees = [e for e in uow.employees.all_active()]
    year = int(period[:4])
    plans = uow.plans.get_many(plan_id(e.nip, year) for e in employees)
    reports = uow.reports.get_many(report_id(e.nip, period) for e in employees)
    silent = [e.nip for e in employees if plan_id(e.nip, year) in plans and report_id(e.nip, period) not in reports]
    if not silent:
        return []
    return [Notification(
        id=f"{kind.value}:{period}", kind=kind, params={"period": period, "deadline": f"{last_day:%d-%m-%Y}"},
        link="/laporan/baru", recipients=[Recipient(nip=n, channels=ASN) for n in sorted(silent)], created_at=now,
    )]


def publish_notifications(publisher: Publisher, notifications: list[Notification], chunk: int) -> int:
    """A message per chunk of recipients, so a notification for thousands is delivered in parallel."""
    events = []
    for notification in notifications:
        for start in range(0, len(notification.recipients), chunk):
            part = notification.model_copy(update={"recipients": notification.recipients[start : start + chunk]})
            events.append(Event.of("notification.requested", key=f"{notification.id}:{start // chunk}", occurred_at=notification.created_at,
                                   data=part.model_dump(mode="json")))
    if events:
        publisher.publish(events)
    return len(events)


# -- step 2: delivering ---------------------------------------------------------------

def deliver(uow: UnitOfWork, email: EmailSender, push: PushSender, notification: Notification, now: datetime) -> dict[str, int]:
    nips = [r.nip for r in notification.recipients]
    people = uow.employees.get_many(nips)
    prefs = uow.notifications.preferences_many(nips)  # one batched read, not one per person
    tally: dict[str, int] = {}
    retry: list[str] = []
    for recipient in notification.recipients:
        person = people.get(recipient.nip)
        mine = prefs.get(recipient.nip, {})
        lang = mine.get("language") or (person.language.value if person else "id")
        opted_out = {Channel(c) for c in mine.get("opt_out", [])}
        message = render(notification, lang)
        # Read once: the claim decides from them whether push can reach anyone, the send uses them.
        devices = uow.notifications.devices(recipient.nip) if Channel.PUSH in recipient.channels and push.configured else []
        for channel in recipient.channels:
            outcome = _deliver_one(uow, email, push, notification, recipient.nip, person, channel, message, opted_out, devices, now)
            tally[outcome.value] = tally.get(outcome.value, 0) + 1
            if outcome is DeliveryStatus.RETRYING:
                retry.append(delivery_id(notification.id, recipient.nip, channel))
    if retry:
        raise RetryLater(f"{len(retry)} deliveries to retry, e.g. {retry[0]}")
    return tally


def _deliver_one(uow, email, push, notification, nip, person, channel, message, opted_out, devices, now) -> DeliveryStatus:
    did = delivery_id(notification.id, nip, channel)

    def claim(tx: Repositories) -> tuple[Delivery, bool]:
        record = tx.notifications.delivery(did)
        attempts = record.attempts if record else []
        if record is not None and record.status in (DeliveryStatus.SENT, DeliveryStatus.SKIPPED, DeliveryStatus.FAILED):
            return record, False
        if record is not None and record.status is DeliveryStatus.SENDING:
            if now - record.updated_at < INTERRUPTED_AFTER:
                return record, False  # another delivery is sending it right now
            failed = record.model_copy(update={"status": DeliveryStatus.FAILED, "reason": "interrupted: outcome unknown, not resent", "updated_at": now})
            tx.notifications.put_delivery(failed)
            return failed, False
        reason = skip_reason(channel, notification.mandatory, opted_out) or _unreachable(channel, person, email, push, devices)
        base = dict(id=did, notification_id=notification.id, kind=notification.kind, nip=nip, channel=channel, updated_at=now)
        if reason:
            skipped = Delivery(**base, status=DeliveryStatus.SKIPPED, reason=reason, attempts=attempts)
            tx.notifications.put_delivery(skipped)
            return skipped, False
        claimed = Delivery(**base, status=DeliveryStatus.SENDING, attempts=[*attempts, Attempt(at=now, outcome="claimed")])
        tx.notifications.put_delivery(claimed)
        return claimed, True

    record, mine = uow.transaction(claim)
    if not mine:
        return record.status
    try:
        _send(uow, email, push, notification, nip, person, channel, message, devices)
    except _Permanent as error:
        return _record(uow, record, DeliveryStatus.FAILED, now, str(error))
    except Exception as error:  # anything else may pass: retry
        log.warning("delivery failed, will retry", extra={"delivery": did, "error": str(error)})
        return _record(uow, record, DeliveryStatus.RETRYING, now, f"{type(error).__name__}: {error}")
    return _record(uow, record, DeliveryStatus.SENT, now, None)


class _Permanent(Exception):
    pass


def _unreachable(channel: Channel, person, email: EmailSender, push: PushSender, devices: list[dict]) -> str | None:
    if person is None:
        return "no_employee_record"
    if channel is Channel.EMAIL:
        if not email.configured:
            return "email_not_configured"
        if not person.email:
            return "no_email_address"
    if channel is Channel.PUSH:
        if not push.configured:
            return "push_not_configured"
        if not devices:
            return "no_device"
    return None


def _send(uow, email, push, notification: Notification, nip, person, channel: Channel, message, devices: list[dict]) -> None:
    if channel is Channel.INBOX:
        uow.notifications.put_inbox(nip, {
            "id": notification.id, "kind": notification.kind.value, "title": message.title, "body": message.body,
            "link": notification.link, "created_at": notification.created_at, "read_at": None,
        })
    elif channel is Channel.EMAIL:
        from common.adapters.smtp import PermanentSendError

        try:
            email.send(person.email, message.title, f"{message.body}\n\n{notification.link}\n", delivery_id(notification.id, nip, channel))
        except PermanentSendError as error:
            raise _Permanent(str(error)) from error
    else:
        outcome = push.send([d["token"] for d in devices], message.title, notification.link, notification.id)
        for device in devices:
            if device["token"] in outcome.invalid_tokens:
                uow.notifications.remove_device(nip, device["id"])  # FCM says it no longer exists
        if outcome.errors and not outcome.sent:
            raise RuntimeError("; ".join(outcome.errors[:3]))
        if not outcome.sent:
            raise _Permanent("no valid device token")


def _record(uow: UnitOfWork, record: Delivery, status: DeliveryStatus, now: datetime, error: str | None) -> DeliveryStatus:
    outcome = {DeliveryStatus.SENT: "sent", DeliveryStatus.FAILED: "failed", DeliveryStatus.RETRYING: "error"}[status]
    uow.notifications.put_delivery(record.model_copy(update={
        "status": status, "reason": error, "updated_at": now,
        "attempts": [*record.attempts, Attempt(at=now, outcome=outcome, error=error)],
    }))
    return status


def give_up(uow: UnitOfWork, notification: Notification, attempts: str, now: datetime) -> int:
    """The message reached the dead-letter topic: record why for every delivery not done."""
    closed = 0
    for recipient in notification.recipients:
        for channel in recipient.channels:
            record = uow.notifications.delivery(delivery_id(notification.id, recipient.nip, channel))
            if record is None or record.status in (DeliveryStatus.RETRYING, DeliveryStatus.SENDING):
                last = record.reason if record else "never attempted"
                base = record or Delivery(id=delivery_id(notification.id, recipient.nip, channel), notification_id=notification.id,
                                          kind=notification.kind, nip=recipient.nip, channel=channel, status=DeliveryStatus.FAILED, updated_at=now)
                uow.notifications.put_delivery(base.model_copy(update={
                    "status": DeliveryStatus.FAILED, "updated_at": now,
                    "reason": f"gave up after {attempts} delivery attempts; last error: {last}",
                    "attempts": [*base.attempts, Attempt(at=now, outcome="gave_up", error=last)],
                }))
                closed += 1
    return closed


def device_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]
