"""Notifications in two steps.

1. ``plan_*`` turns a domain event (or a scheduled job) into notifications:
   who is told what, on which channels, now or in their daily digest. The
   notifications are published, a chunk of recipients per message, on the
   ``notifications`` topic; what waits for a digest is added to the person's
   digest of the day (once per fact, however often the event comes back).
2. ``deliver`` sends one such message: for each recipient and channel it
   claims a delivery record in a transaction, sends, and records the outcome.
   A record already sent, skipped or failed is never sent again, however often
   the message comes back; a record claimed by an attempt that never finished
   is not resent either (at most once). A transient failure makes ``deliver``
   raise, so Pub/Sub retries with backoff; after the last attempt the message
   reaches the dead-letter topic and ``give_up`` records why.

The findings of a scoring run reach each person as one message per channel,
planned when the run completes (``scoring.completed``) from the findings the run
stored; each finding also gets its own inbox item when it opens. The daily
digest job closes each person's digest in the same transaction that writes the
digest's notification to the outbox: a digest is sent once, and an entry that
arrives after its day's digest closed joins the next day's.
"""

from __future__ import annotations

import hashlib
import logging
from collections import Counter
from collections.abc import Callable
from concurrent.futures import Executor, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from common.domain.clock import WIB
from common.domain.events import Event
from common.domain.findings import BKPSDM, Finding
from common.domain.notifications import (
    ALERTS,
    GROUP_ORDER,
    PREFERENCES_LINK,
    SKIP_REASONS,
    Attempt,
    Channel,
    ChannelTotals,
    Delivery,
    DeliveryStatus,
    DeliveryTotals,
    Digest,
    DigestEntry,
    Email,
    Item,
    Kind,
    Mode,
    Notification,
    ReasonCount,
    Recipient,
    absolute,
    dashboard_link,
    delivery_id,
    digest_notification,
    group_items,
    mode_for,
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
DIGEST_DAYS_AHEAD = 8  # an entry whose day's digest is closed looks this many days on for an open one


class EmailSender(Protocol):
    configured: bool

    def send(self, message: Email) -> None: ...


class PushSender(Protocol):
    configured: bool

    def send(self, tokens: list[str], title: str, link: str, notification_id: str) -> Any: ...


class RetryLater(Exception):
    """Some deliveries failed in a way worth retrying: let Pub/Sub deliver the message again."""


@dataclass
class Planned:
    """What an event leads to: notifications to send now, and entries for people's daily digests."""

    notifications: list[Notification] = field(default_factory=list)
    digests: list[tuple[str, DigestEntry]] = field(default_factory=list)


# -- step 1: who is told what, and when ----------------------------------------------------------

def plan_for_event(uow: UnitOfWork, event: Event) -> Planned:
    data, now = event.data, event.occurred_at
    if event.type == "report.reviewed":
        report = data["report_id"]
        notification = Notification(
            id=f"report_reviewed:{report}:{event.id.rsplit(':', 1)[-1]}", kind=Kind.REPORT_REVIEWED,
            params={"period": data["period"], "decision": data["decision"]}, link=f"/laporan/{report}",
            recipients=[Recipient(nip=data["nip"], channels=ASN)], created_at=now,
        )
        return _when_chosen(uow, notification)
    if event.type == "report.submitted":
        supervisor = data.get("supervisor_nip")
        if not supervisor:
            return Planned()
        report = data["report_id"]
        period = data.get("period") or report.rsplit("_", 1)[-1]
        person = uow.employees.get(data["nip"])
        notification = Notification(
            id=f"report_submitted:{report}:{data.get('revision', 1)}", kind=Kind.REPORT_SUBMITTED,
            params={"name": person.name if person else data["nip"], "period": period, "revision": data.get("revision", 1)},
            link=f"/laporan/{report}", web_link=dashboard_link(view="team", period=period, report=report),
            recipients=[Recipient(nip=supervisor, channels=STAFF)], created_at=now,
        )
        return _when_chosen(uow, notification)
    if event.type == "investigation.opened":
        unit = uow.units.get(data["unit_id"])
        people = {e.nip for e in uow.employees.with_role(Role.INSPEKTORAT)} | ({unit.head_nip} if unit and unit.head_nip else set())
        return Planned([Notification(
            id=f"investigation_opened:{data['investigation_id']}", kind=Kind.INVESTIGATION_OPENED,
            params={"unit_name": unit.name if unit else data["unit_id"], "complaints": data["complaints"], "responses": data["responses"],
                    "senders": data.get("senders", data["complaints"]),
                    "investigation_id": data["investigation_id"], "verify_by": data["verify_by"]},
            link=f"/investigasi/{data['investigation_id']}",
            web_link=dashboard_link(investigation=data["investigation_id"], unit=data["unit_id"]),
            recipients=[Recipient(nip=n, channels=[Channel.INBOX, Channel.EMAIL]) for n in sorted(people)], created_at=now,
        )])
    if event.type == "finding.opened":
        finding = uow.findings.get(data["finding_id"])
        if finding is None:
            return Planned()
        # The inbox keeps one item per finding; push and e-mail come once for the whole run (below).
        owners = finding_recipients(finding, _admins(uow, [finding]))
        return Planned([Notification(
            id=f"finding_opened:{finding.id}", kind=Kind.FINDING_OPENED,
            params={"kind": finding.kind.value, "title": finding.title, "recommendation": finding.recommendation, "due": finding.due.isoformat()},
            link=f"/temuan/{finding.id}", web_link=finding_link(finding),
            recipients=[Recipient(nip=n, channels=[Channel.INBOX]) for n in owners], created_at=now, run_id=finding.run_id,
        )])
    if event.type in ("objection.filed", "objection.decided", "objection.overdue"):
        return Planned(_objection_notifications(uow, event))
    if event.type == "scoring.completed":
        run_id, period = data["run_id"], data["period"]
        run = uow.runs.get(run_id)
        asn, supervisors = set(), set()
        for unit_id in run.units if run else []:
            for result in uow.results.for_unit(unit_id, period):
                if result.outcome.value in ("scored", "awaiting_review"):
                    asn.add(result.nip)
                    if result.supervisor_nip:
                        supervisors.add(result.supervisor_nip)
        # One announcement per period: re-running a period with the same results tells no one twice.
        planned = _run_findings(uow, run_id, period, now)
        planned.notifications[:0] = [
            Notification(id=f"scoring_published:{period}", kind=Kind.SCORING_PUBLISHED, params={"period": period},
                         link=f"/kinerja/{period}", recipients=[Recipient(nip=n, channels=ASN) for n in sorted(asn)], created_at=now, run_id=run_id),
            Notification(id=f"team_scoring_published:{period}", kind=Kind.TEAM_SCORING_PUBLISHED, params={"period": period},
                         link=f"/tim/{period}", web_link=dashboard_link(view="team", period=period),
                         recipients=[Recipient(nip=n, channels=STAFF) for n in sorted(supervisors)], created_at=now, run_id=run_id),
        ]
        return planned
    return Planned()


def _objection_notifications(uow: UnitOfWork, event: Event) -> list[Notification]:
    """Filed: the decider (BKPSDM's staff when BKPSDM decides) and the rater. Decided: the ASN.
    Overdue: BKPSDM's staff (their inbox has the finding already) and the decider. Always at once."""
    data, now = event.data, event.occurred_at
    oid, decider = data["objection_id"], data["decider"]
    admins = {e.nip for e in uow.employees.with_role(Role.ADMIN)} if decider == BKPSDM or event.type == "objection.overdue" else set()
    deciders = admins if decider == BKPSDM else {decider}
    params = {"name": data["name"], "period": data["period"], "due": data["due"]}
    link, web = f"/keberatan/{oid}", dashboard_link(objection=oid)
    if event.type == "objection.filed":
        people = {n: STAFF for n in deciders | ({data["rater_nip"]} if data.get("rater_nip") else set())}
        kind = Kind.OBJECTION_FILED
    elif event.type == "objection.decided":
        people = {data["nip"]: ASN}
        kind, params = Kind.OBJECTION_DECIDED, {**params, "verdict": data["decision"], "predikat": data["predikat"]}
    else:
        people = {n: [Channel.PUSH, Channel.EMAIL] for n in admins} | {n: STAFF for n in deciders - admins}
        kind = Kind.OBJECTION_OVERDUE
    if kind is not Kind.OBJECTION_DECIDED:
        people.pop(data["nip"], None)  # the ASN hears only of the decision
    return [Notification(id=f"{kind.value}:{oid}", kind=kind, params=params, link=link, web_link=web,
                         recipients=[Recipient(nip=n, channels=c) for n, c in sorted(people.items())], created_at=now)]


def finding_link(finding: Finding) -> str:
    return dashboard_link(period=finding.period, unit=finding.unit_id, finding=finding.id)


def finding_recipients(finding: Finding, admins: set[str]) -> list[str]:
    """The finding's personal owners, and BKPSDM's staff for a finding BKPSDM owns."""
    people = {o for o in finding.owners if not o.startswith("role:")}
    agency = admins - people if BKPSDM in finding.owners else set()
    return sorted(people | agency)


def _admins(uow: UnitOfWork, findings: list[Finding]) -> set[str]:
    if not any(BKPSDM in f.owners for f in findings):
        return set()
    return {e.nip for e in uow.employees.with_role(Role.ADMIN)}


def _choices(uow: UnitOfWork, nips: list[str]) -> dict[str, tuple[Role | None, dict]]:
    """Each person's role and chosen modes, in two batched reads."""
    people = uow.employees.get_many(nips)
    prefs = uow.notifications.preferences_many(nips)
    return {n: (people[n].role if n in people else None, prefs.get(n, {}).get("modes") or {}) for n in nips}


def _when_chosen(uow: UnitOfWork, notification: Notification) -> Planned:
    """Each recipient's push and e-mail now, or in their daily digest (the inbox item comes now either way)."""
    choices = _choices(uow, [r.nip for r in notification.recipients])
    recipients, digests = [], []
    item = Item(kind=notification.kind, group=notification.kind.value, params=notification.params, web_link=notification.web_link)
    for recipient in notification.recipients:
        role, chosen = choices[recipient.nip]
        if mode_for(notification.kind, role, chosen) is Mode.DAILY:
            alerts = [c for c in recipient.channels if c in ALERTS]
            digests.append((recipient.nip, DigestEntry(id=notification.id, items=[item], counts={item.group: 1}, channels=alerts)))
            recipient = recipient.model_copy(update={"channels": [c for c in recipient.channels if c not in ALERTS]})
        if recipient.channels:
            recipients.append(recipient)
    notifications = [notification.model_copy(update={"recipients": recipients})] if recipients else []
    return Planned(notifications, digests)


def _run_findings(uow: UnitOfWork, run_id: str, period: str, now: datetime) -> Planned:
    """Every finding the run opened, per person, grouped by kind: one message each (or one digest entry)."""
    findings = sorted(uow.findings.opened_by_run(run_id),
                      key=lambda f: (GROUP_ORDER.index(f.kind.value) if f.kind.value in GROUP_ORDER else len(GROUP_ORDER), f.due, f.id))
    admins = _admins(uow, findings)
    mine: dict[str, list[Finding]] = {}
    for finding in findings:
        for nip in finding_recipients(finding, admins):
            mine.setdefault(nip, []).append(finding)
    choices = _choices(uow, sorted(mine))
    planned = Planned()
    for nip, theirs in sorted(mine.items()):
        items, counts = group_items([
            Item(kind=Kind.FINDING_OPENED, group=f.kind.value, params={"title": f.title, "due": f.due.isoformat()}, web_link=finding_link(f))
            for f in theirs
        ])
        role, chosen = choices[nip]
        if mode_for(Kind.FINDING_OPENED, role, chosen) is Mode.DAILY:
            planned.digests.append((nip, DigestEntry(id=f"findings_opened:{run_id}", items=items, counts=counts, channels=ALERTS)))
        else:
            planned.notifications.append(Notification(
                id=f"findings_opened:{run_id}:{nip}", kind=Kind.FINDINGS_OPENED, params={"period": period, "count": len(theirs)},
                link="/temuan", web_link=dashboard_link(period=period), items=items, counts=counts,
                recipients=[Recipient(nip=nip, channels=ALERTS)], created_at=now, run_id=run_id,
            ))
    return planned


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
        id=f"{kind.value}:{period}", kind=kind, params={"period": period, "deadline": last_day.isoformat()},
        link="/laporan/baru", recipients=[Recipient(nip=n, channels=ASN) for n in sorted(silent)], created_at=now,
    )]


def notification_events(notifications: list[Notification], chunk: int) -> list[Event]:
    """A message per chunk of recipients, so a notification for thousands is delivered in parallel."""
    events = []
    for notification in notifications:
        for start in range(0, len(notification.recipients), chunk):
            part = notification.model_copy(update={"recipients": notification.recipients[start : start + chunk]})
            events.append(Event.of("notification.requested", key=f"{notification.id}:{start // chunk}", occurred_at=notification.created_at,
                                   data=part.model_dump(mode="json")))
    return events


def publish_notifications(publisher: Publisher, notifications: list[Notification], chunk: int) -> int:
    events = notification_events(notifications, chunk)
    if events:
        publisher.publish(events)
    return len(events)


def queue(uow: UnitOfWork, publisher: Publisher, planned: Planned, now: datetime, chunk: int) -> int:
    """Digest entries first (each joins once), then the notifications: a failure in between is
    retried by Pub/Sub and repeats neither."""
    for nip, entry in planned.digests:
        add_to_digest(uow, nip, entry, now)
    return publish_notifications(publisher, planned.notifications, chunk)


# -- the daily digest -----------------------------------------------------------------------------

def add_to_digest(uow: UnitOfWork, nip: str, entry: DigestEntry, now: datetime):
    """Into the person's digest of today (WIB), or the first later day whose digest is not sent yet.
    The same entry joins once: a digest that has it already is left alone. Returns the day."""
    first = now.astimezone(WIB).date()
    days = [first + timedelta(days=i) for i in range(DIGEST_DAYS_AHEAD)]

    def work(tx: Repositories):
        found = tx.notifications.digests_of(nip, days)
        for day in days:
            digest = found.get(day)
            if digest is not None and digest.has(entry.id):
                return day
            if digest is None or not digest.closed:
                base = digest or Digest(nip=nip, day=day)
                tx.notifications.put_digest(base.model_copy(update={"entries": [*base.entries, entry]}))
                return day
        raise RuntimeError(f"no open digest for {nip} in {DIGEST_DAYS_AHEAD} days from {first}")

    return uow.transaction(work)


def send_digests(uow: UnitOfWork, now: datetime, chunk: int) -> int:
    """Close every digest of today or before that is still open, each with its notification in the
    outbox in the same transaction: sent once, however often the job runs; never lost."""
    today = now.astimezone(WIB).date()
    sent = 0
    for waiting in uow.notifications.open_digests(today):

        def work(tx: Repositories) -> bool:
            digest = tx.notifications.digests_of(waiting.nip, [waiting.day]).get(waiting.day)
            if digest is None or digest.closed:
                return False  # another run of the job closed it
            tx.notifications.put_digest(digest.model_copy(update={"closed": True, "closed_at": now}))
            if not digest.entries:
                return False
            tx.emit(notification_events([digest_notification(digest, now)], chunk))
            return True

        sent += uow.transaction(work)
    return sent


# -- step 2: delivering ---------------------------------------------------------------------------

def deliver(uow: UnitOfWork, email: EmailSender, push: PushSender, notification: Notification, now: datetime,
            base_url: str = "") -> dict[str, int]:
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
        message = render(notification, lang, base_url)
        # Read once: the claim decides from them whether push can reach anyone, the send uses them.
        devices = uow.notifications.devices(recipient.nip) if Channel.PUSH in recipient.channels and push.configured else []
        for channel in recipient.channels:
            outcome = _deliver_one(uow, email, push, notification, recipient.nip, person, channel, message, opted_out, devices, now, base_url)
            tally[outcome.value] = tally.get(outcome.value, 0) + 1
            if outcome is DeliveryStatus.RETRYING:
                retry.append(delivery_id(notification.id, recipient.nip, channel))
    if retry:
        raise RetryLater(f"{len(retry)} deliveries to retry, e.g. {retry[0]}")
    return tally


def _deliver_one(uow, email, push, notification, nip, person, channel, message, opted_out, devices, now, base_url) -> DeliveryStatus:
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
        base = dict(id=did, notification_id=notification.id, kind=notification.kind, nip=nip, channel=channel, updated_at=now,
                    run_id=notification.run_id)
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
        _send(uow, email, push, notification, nip, person, channel, message, devices, now, base_url)
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


def _send(uow, email, push, notification: Notification, nip, person, channel: Channel, message, devices: list[dict],
          now: datetime, base_url: str) -> None:
    if channel is Channel.INBOX:
        uow.notifications.put_inbox(nip, {
            "id": notification.id, "kind": notification.kind.value, "title": message.title, "body": message.body,
            "link": notification.link, "created_at": notification.created_at, "read_at": None,
        })
    elif channel is Channel.EMAIL:
        from common.services.ports import PermanentSendError

        try:
            email.send(Email(to=person.email, to_name=person.name, content=message, delivery_id=delivery_id(notification.id, nip, channel),
                             sent_at=now, unsubscribe=absolute(base_url, PREFERENCES_LINK) if base_url else None))
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
                                          kind=notification.kind, nip=recipient.nip, channel=channel, status=DeliveryStatus.FAILED,
                                          updated_at=now, run_id=notification.run_id)
                uow.notifications.put_delivery(base.model_copy(update={
                    "status": DeliveryStatus.FAILED, "updated_at": now,
                    "reason": f"gave up after {attempts} delivery attempts; last error: {last}",
                    "attempts": [*base.attempts, Attempt(at=now, outcome="gave_up", error=last)],
                }))
                closed += 1
    return closed


# -- what a scoring run sent ------------------------------------------------------------------------

def run_deliveries(uow: UnitOfWork, run_id: str) -> DeliveryTotals:
    """Messages of one scoring run per channel (counted by the database), and why some failed or were skipped."""
    with ThreadPoolExecutor(max_workers=6) as pool:
        return run_deliveries_in(uow, run_id, pool)()


def run_deliveries_in(uow: UnitOfWork, run_id: str, pool: Executor) -> Callable[[], DeliveryTotals]:
    """Sends the run's counting queries to ``pool`` now and returns what adds them up: a list of
    runs puts all of its runs' queries in flight together, one round trip's time instead of one per run."""
    store = uow.notifications
    counted = [(c, s) for c in Channel for s in (None, DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED)]
    counts = [pool.submit(store.count_deliveries, run_id, channel=c, status=s) for c, s in counted]
    skipped = [pool.submit(store.count_deliveries, run_id, status=DeliveryStatus.SKIPPED, reason=r) for r in SKIP_REASONS]
    failed_records = pool.submit(store.run_deliveries, run_id, DeliveryStatus.FAILED, 200)

    def totals() -> DeliveryTotals:
        by = {key: f.result() for key, f in zip(counted, counts)}
        channels = {}
        for channel in Channel:
            total = by[(channel, None)]
            sent, lost, skip = (by[(channel, s)] for s in (DeliveryStatus.SENT, DeliveryStatus.FAILED, DeliveryStatus.SKIPPED))
            channels[channel] = ChannelTotals(sent=sent, failed=lost, skipped=skip, pending=max(0, total - sent - lost - skip))
        reasons = Counter((d.channel, (d.reason or "unknown")[:200]) for d in failed_records.result())
        skips = [(r, f.result()) for r, f in zip(SKIP_REASONS, skipped)]
        return DeliveryTotals(
            channels=channels,
            failed=[ReasonCount(channel=c, reason=r, count=n) for (c, r), n in sorted(reasons.items(), key=lambda x: (-x[1], x[0]))],
            skipped=[ReasonCount(channel=None, reason=r, count=n) for r, n in sorted(skips, key=lambda x: -x[1]) if n],
        )

    return totals


def device_id(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()[:32]
