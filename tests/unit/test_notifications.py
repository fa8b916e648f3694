"""Notifications on fakes: who is told what and when, delivered at most once per channel, opt-outs,
retries, the findings of a run as one message, daily digests, and the e-mails themselves."""

from __future__ import annotations

import re
from datetime import date, timedelta
from email import policy

import pytest
from pydantic import ValidationError

from common.adapters.smtp import compose
from common.domain.events import Event
from common.domain.findings import BKPSDM, Finding, FindingKind
from common.domain.notifications import (
    LINES_PER_GROUP,
    Channel,
    Delivery,
    Kind,
    Mode,
    Notification,
    Recipient,
    effective_modes,
    format_date,
    message_id,
    mode_for,
    render,
)
from common.domain.organisation import Role, Unit
from common.services import inbox
from common.services import notifications as service
from common.services.events import confirm_published
from common.services.notifications import RetryLater
from common.services.ports import Caller, PermanentSendError, TransientSendError
from common.settings import Settings
from tests import factories as f
from tests.fakes import FakePublisher, FakeUnitOfWork
from tests.mail import problems

NOW = f.at("2026-11-06 09:00")
BASE = "https://pantau.example"


class FakeEmail:
    configured = True

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []  # (to, subject, plain text)
        self.messages = []  # what the SMTP adapter would send, composed
        self.failure: Exception | None = None

    def send(self, message):
        if self.failure:
            raise self.failure
        self.sent.append((message.to, message.content.title, message.content.plain()))
        self.messages.append(compose(message, "no-reply@pantau.example", "Pantau Kinerja Belawan"))


class FakePush:
    configured = True

    def __init__(self) -> None:
        self.sent: list[list[str]] = []
        self.titles: list[str] = []
        self.invalid: set[str] = set()

    def send(self, tokens, title, link, notification_id):
        from common.adapters.fcm import PushOutcome

        good = [t for t in tokens if t not in self.invalid]
        self.sent.append(good)
        self.titles.append(title)
        return PushOutcome(sent=len(good), invalid_tokens=[t for t in tokens if t in self.invalid], errors=[])


@pytest.fixture
def world():
    uow = FakeUnitOfWork()
    boss = f.employee()
    asn = f.employee(supervisor=boss.nip, language="en")
    inspector = f.employee("inspektorat", role=Role.INSPEKTORAT)
    admin = f.employee("bkpsdm", role=Role.ADMIN)
    uow.units.put_many([Unit(id="kel-belawan-1", name="Kelurahan Belawan I", head_nip=boss.nip)])
    uow.employees.put_many([boss, asn, inspector, admin])
    return uow, boss, asn, inspector, admin


def note(*recipients: Recipient, kind: Kind = Kind.REPORT_REVIEWED, **params) -> Notification:
    params = params or {"period": "2026-10", "decision": "return"}
    return Notification(id=f"{kind.value}:x:1", kind=kind, params=params, link="/laporan/x", recipients=list(recipients), created_at=NOW)


def deliver_all(uow, planned, email, push, now=NOW):
    service.queue(uow, FakePublisher(), planned, now, 50)  # the chunks are delivered here by hand
    for notification in planned.notifications:
        service.deliver(uow, email, push, notification, now, BASE)


def finding(kind: FindingKind, subject: str, owners: list[str], run_id: str = "2026-10-run", due: date = date(2026, 12, 6)) -> Finding:
    return Finding(id=f"{kind.value}:{subject}:2026-10", kind=kind, subject_type="asn", subject_id=subject, unit_id="kel-belawan-1",
                   period="2026-10", title=f"Pegawai {subject[-4:]}: {kind.value}", recommendation="Lakukan sesuatu.", evidence={},
                   owners=owners, due=due, opened_at=NOW, run_id=run_id)


# -- words ------------------------------------------------------------------------------------------

def test_templates_in_both_languages():
    n = note(Recipient(nip="n", channels=[Channel.INBOX]))
    assert render(n, "id").title == "Laporan Oktober 2026 dikembalikan untuk perbaikan"
    assert render(n, "en").title == "Your October 2026 report was returned for revision"
    params = {k: "1" for k in ("count", "names", "title", "recommendation", "unit_name", "complaints", "responses", "investigation_id", "name",
                               "email", "senders")}
    params |= {"period": "2026-10", "kind": "workload_review", "decision": "accept", "due": "2026-12-01", "verify_by": "2026-12-01",
               "deadline": "2026-12-01", "day": "2026-12-01", "revision": 2, "verdict": "partly_upheld", "predikat": "baik"}
    for kind in Kind:
        for lang in ("id", "en"):
            rendered = render(Notification(id="k", kind=kind, params=params, link="/", recipients=[], created_at=NOW), lang)
            assert rendered.body and "{" not in rendered.title + rendered.body, (kind, lang)


@pytest.mark.parametrize("value, lang, written", [
    ("2027-01-01", "id", "1 Januari 2027"),
    ("2027-01-01", "en", "1 January 2027"),
    ("2026-12-07", "id", "7 Desember 2026"),
    ("2026-12-31T18:30:00+00:00", "id", "1 Januari 2027"),  # a moment is read in WIB: already the 1st in Belawan
    ("2026-12-31T16:59:00+00:00", "en", "31 December 2026"),
    ("07-12-2026", "id", "07-12-2026"),  # not a date we know: left as it came
])
def test_dates_are_written_the_way_people_read_them(value, lang, written):
    assert format_date(value, lang) == written


def test_dates_in_messages_are_words_not_iso(world):
    uow, boss, *_ = world
    n = note(Recipient(nip=boss.nip, channels=[Channel.INBOX]), kind=Kind.INVESTIGATION_OPENED, unit_name="Kelurahan Uji",
             complaints=12, senders=10, responses=30, investigation_id="INV-1", verify_by="2026-12-07")
    assert "verifikasi paling lambat 7 Desember 2026" in render(n, "id").body
    assert "verify by 7 December 2026" in render(n, "en").body
    reminder = note(Recipient(nip=boss.nip, channels=[Channel.INBOX]), kind=Kind.REPORT_DUE_SOON, period="2026-12", deadline="2027-01-01")
    assert render(reminder, "id").body.endswith("Batas waktunya 1 Januari 2027.")


# -- who is told what, at once ----------------------------------------------------------------------

def test_a_reviewed_report_tells_the_asn_in_their_language(world):
    uow, boss, asn, *_ = world
    event = Event.of("report.reviewed", key=f"{asn.nip}_2026-10:2", occurred_at=NOW,
                     data={"report_id": f"{asn.nip}_2026-10", "nip": asn.nip, "period": "2026-10", "decision": "return"})
    (planned,) = service.plan_for_event(uow, event).notifications
    assert planned.id == f"report_reviewed:{asn.nip}_2026-10:2"
    assert planned.recipients == [Recipient(nip=asn.nip, channels=[Channel.INBOX, Channel.PUSH])]
    email, push = FakeEmail(), FakePush()
    uow.notifications.put_device(asn.nip, {"id": "d1", "token": "tok-1", "platform": "android"})
    service.deliver(uow, email, push, planned, NOW)
    (item,) = uow.notifications.inbox(asn.nip, 10, None)
    assert item["title"] == "Your October 2026 report was returned for revision" and item["link"] == f"/laporan/{asn.nip}_2026-10"
    assert push.sent == [["tok-1"]] and email.sent == []


def test_redelivery_sends_nothing_twice(world):
    uow, boss, *_ = world
    email, push = FakeEmail(), FakePush()
    n = note(Recipient(nip=boss.nip, channels=[Channel.INBOX, Channel.EMAIL]))
    service.deliver(uow, email, push, n, NOW)
    service.deliver(uow, email, push, n, NOW + timedelta(seconds=5))
    assert len(email.sent) == 1 and len(uow.state.inbox[boss.nip]) == 1
    statuses = {d.channel: d.status for d in uow.notifications.deliveries(notification_id=n.id)}
    assert statuses == {Channel.INBOX: "sent", Channel.EMAIL: "sent"}


def test_a_transient_failure_is_retried_and_the_record_shows_every_attempt(world):
    uow, boss, *_ = world
    email, push = FakeEmail(), FakePush()
    email.failure = TransientSendError("ConnectionRefusedError: [Errno 111]")
    n = note(Recipient(nip=boss.nip, channels=[Channel.INBOX, Channel.EMAIL]))
    with pytest.raises(RetryLater):
        service.deliver(uow, email, push, n, NOW)
    assert uow.state.inbox[boss.nip]  # the inbox did not wait for the mail server
    email.failure = None
    service.deliver(uow, email, push, n, NOW + timedelta(seconds=30))
    record = uow.notifications.delivery(f"{n.id}|{boss.nip}|email")
    assert record.status == "sent" and [a.outcome for a in record.attempts] == ["claimed", "error", "claimed", "sent"]
    assert len(email.sent) == 1


def test_a_permanent_failure_is_not_retried(world):
    uow, boss, *_ = world
    email = FakeEmail()
    email.failure = PermanentSendError("recipient refused")
    n = note(Recipient(nip=boss.nip, channels=[Channel.EMAIL]))
    service.deliver(uow, email, FakePush(), n, NOW)
    assert uow.notifications.delivery(f"{n.id}|{boss.nip}|email").status == "failed"


def test_opt_out_except_for_mandatory_notifications(world):
    uow, boss, *_ = world
    email = FakeEmail()
    uow.notifications.put_preferences(boss.nip, {"opt_out": ["email"]})
    optional = note(Recipient(nip=boss.nip, channels=[Channel.INBOX, Channel.EMAIL]))
    mandatory = note(Recipient(nip=boss.nip, channels=[Channel.INBOX, Channel.EMAIL]), kind=Kind.INVESTIGATION_OPENED,
                     unit_name="U", complaints=10, senders=10, responses=20, investigation_id="INV-1", verify_by="2026-11-10")
    service.deliver(uow, email, FakePush(), optional, NOW)
    service.deliver(uow, email, FakePush(), mandatory, NOW)
    assert uow.notifications.delivery(f"{optional.id}|{boss.nip}|email").reason == "opted_out"
    assert [s[1] for s in email.sent] == ["Investigasi pengaduan dibuka"]


def test_invalid_push_tokens_are_removed(world):
    uow, _, asn, *_ = world
    push = FakePush()
    push.invalid = {"stale"}
    uow.notifications.put_device(asn.nip, {"id": "a", "token": "stale", "platform": "android"})
    uow.notifications.put_device(asn.nip, {"id": "b", "token": "fresh", "platform": "android"})
    n = note(Recipient(nip=asn.nip, channels=[Channel.PUSH]))
    service.deliver(uow, FakeEmail(), push, n, NOW)
    assert [d["id"] for d in uow.notifications.devices(asn.nip)] == ["b"]
    assert uow.notifications.delivery(f"{n.id}|{asn.nip}|push").status == "sent"


def test_an_interrupted_send_is_not_repeated(world):
    """At most once: a claim left by an attempt that never finished is closed, not resent."""
    uow, boss, *_ = world
    email = FakeEmail()
    n = note(Recipient(nip=boss.nip, channels=[Channel.EMAIL]))
    uow.notifications.put_delivery(Delivery(id=f"{n.id}|{boss.nip}|email", notification_id=n.id, kind=n.kind, nip=boss.nip,
                                            channel=Channel.EMAIL, status="sending", updated_at=NOW - timedelta(minutes=30)))
    service.deliver(uow, email, FakePush(), n, NOW)
    assert email.sent == [] and uow.notifications.delivery(f"{n.id}|{boss.nip}|email").status == "failed"


def test_the_dead_letter_records_why(world):
    uow, boss, *_ = world
    email = FakeEmail()
    email.failure = TransientSendError("timed out")
    n = note(Recipient(nip=boss.nip, channels=[Channel.INBOX, Channel.EMAIL]))
    with pytest.raises(RetryLater):
        service.deliver(uow, email, FakePush(), n, NOW)
    assert service.give_up(uow, n, "8", NOW) == 1
    record = uow.notifications.delivery(f"{n.id}|{boss.nip}|email")
    assert record.status == "failed" and record.reason.startswith("gave up after 8 delivery attempts; last error: TransientSendError")
    assert service.give_up(uow, n, "8", NOW) == 0  # the dead letter delivered twice: nothing more to close


def test_investigations_reach_the_inspectorate_and_the_unit_head_by_email_at_once(world):
    uow, boss, asn, inspector, admin = world
    uow.notifications.put_preferences(boss.nip, {"modes": {"finding_opened": "daily", "report_submitted": "daily"}})
    event = Event.of("investigation.opened", key="INV-1", occurred_at=NOW, data={
        "investigation_id": "INV-1", "unit_id": "kel-belawan-1", "reason": "surge", "complaints": 12, "senders": 9, "responses": 40,
        "verify_by": "2026-11-11"})
    planned = service.plan_for_event(uow, event)
    (notification,) = planned.notifications
    assert planned.digests == []  # never in a digest, whatever the person chose for other kinds
    assert {r.nip for r in notification.recipients} == {inspector.nip, boss.nip}
    assert all(Channel.EMAIL in r.channels for r in notification.recipients) and notification.mandatory
    assert notification.link == "/investigasi/INV-1" and notification.web_link == "/dashboard?unit=kel-belawan-1&investigation=INV-1"
    assert mode_for(Kind.INVESTIGATION_OPENED, Role.ASN, {"investigation_opened": "daily"}) is Mode.IMMEDIATE


# -- the findings of a run: one message per person and channel ---------------------------------------

@pytest.fixture
def run_world(world):
    uow, boss, asn, inspector, admin = world
    team = [f.employee(supervisor=boss.nip) for _ in range(14)]
    uow.employees.put_many(team)
    findings = [finding(FindingKind.TIME_MANAGEMENT_TRAINING, m.nip, [boss.nip]) for m in team[:12]]
    findings += [finding(FindingKind.MISSING_REPORTS, m.nip, [boss.nip]) for m in team[12:]]
    findings += [finding(FindingKind.TRAINING_HOURS, m.nip, [boss.nip, BKPSDM], due=date(2026, 12, 31)) for m in team[:3]]
    findings.append(finding(FindingKind.MISSING_REPORTS, asn.nip, [BKPSDM]))
    findings.append(finding(FindingKind.WORKLOAD_REVIEW, "x", [boss.nip], run_id="an-older-run"))
    for item in findings:
        uow.findings.put(item)
    uow.runs.put(__import__("common.services.ports", fromlist=["ScoringRun"]).ScoringRun(
        id="2026-10-run", period="2026-10", requested_by="scheduler", requested_at=NOW, units=["kel-belawan-1"], status="completed"))
    return uow, boss, admin, [x for x in findings if x.run_id == "2026-10-run"]


def completed(run_id="2026-10-run"):
    return Event.of("scoring.completed", key=run_id, occurred_at=NOW, data={"run_id": run_id, "period": "2026-10", "units": 1, "failed_units": []})


def test_the_findings_of_a_run_reach_each_person_as_one_message_grouped_by_kind(run_world):
    uow, boss, admin, findings = run_world
    email, push = FakeEmail(), FakePush()
    uow.notifications.put_device(boss.nip, {"id": "d", "token": "tok-boss", "platform": "android"})
    for item in findings:  # each finding's own event: an inbox item, and nothing else
        planned = service.plan_for_event(uow, Event.of("finding.opened", key=item.id, occurred_at=NOW, data={"finding_id": item.id}))
        assert [r.channels for n in planned.notifications for r in n.recipients] and all(
            r.channels == [Channel.INBOX] for n in planned.notifications for r in n.recipients)
        deliver_all(uow, planned, email, push)
    assert email.sent == [] and push.sent == []
    assert len(uow.state.inbox[boss.nip]) == 17 and len(uow.state.inbox[admin.nip]) == 4

    deliver_all(uow, service.plan_for_event(uow, completed()), email, push)
    (to_boss,) = [m for m in email.sent if m[0] == boss.email]
    assert to_boss[1] == "17 tindak lanjut baru untuk Oktober 2026"
    assert push.titles == ["17 tindak lanjut baru untuk Oktober 2026"]  # one push, no names on the lock screen
    text = to_boss[2]
    assert "Pelatihan manajemen waktu (12)" in text and "Laporan tidak masuk (2)" in text and "Jam pelatihan kurang (3)" in text
    assert text.index("Pelatihan manajemen waktu") < text.index("Laporan tidak masuk") < text.index("Jam pelatihan kurang")
    assert text.count("tenggat 6 Desember 2026") == LINES_PER_GROUP + 2 and "tenggat 31 Desember 2026" in text
    assert "dan 2 lainnya di dasbor" in text  # the eleventh and twelfth are counted, one click away
    first = min(x.id for x in findings if x.kind == FindingKind.TIME_MANAGEMENT_TRAINING)  # a group lists by id
    assert f"{BASE}/dashboard?period=2026-10&unit=kel-belawan-1&finding={first.replace(':', '%3A')}" in text
    assert "workload_review" not in text  # another run's finding is not this run's news
    # BKPSDM reads its findings once a day (its role's default): nothing now, an entry in today's digest.
    assert not [m for m in email.sent if m[0] == admin.email]
    (digest,) = uow.state.digests.values()
    assert digest.nip == admin.nip and digest.day == date(2026, 11, 6) and digest.entries[0].counts == {"training_hours": 3, "missing_reports": 1}


def test_a_redelivered_run_completion_sends_no_second_summary(run_world):
    uow, boss, admin, _ = run_world
    email, push = FakeEmail(), FakePush()
    for attempt in range(3):
        deliver_all(uow, service.plan_for_event(uow, completed()), email, push, NOW + timedelta(minutes=attempt))
    assert [m[0] for m in email.sent].count(boss.email) == 1
    (digest,) = uow.state.digests.values()
    assert len(digest.entries) == 1  # joined the digest once
    assert service.send_digests(uow, f.at("2026-11-06 16:00"), 50) == 1


def test_someone_who_chose_daily_gets_the_runs_findings_in_the_digest_and_the_inbox_at_once(run_world):
    uow, boss, admin, findings = run_world
    uow.notifications.put_preferences(boss.nip, {"modes": {"finding_opened": "daily"}})
    uow.notifications.put_preferences(admin.nip, {"modes": {"finding_opened": "immediate"}})
    planned = service.plan_for_event(uow, completed())
    assert [n.recipients[0].nip for n in planned.notifications if n.kind is Kind.FINDINGS_OPENED] == [admin.nip]
    assert [nip for nip, _ in planned.digests] == [boss.nip]


# -- the daily digest ---------------------------------------------------------------------------------

def submitted(asn, boss, revision=1, at=NOW):
    return Event.of("report.submitted", key=f"{asn.nip}_2026-10:{revision}", occurred_at=at,
                    data={"report_id": f"{asn.nip}_2026-10", "nip": asn.nip, "period": "2026-10", "supervisor_nip": boss.nip, "revision": revision})


def test_submissions_reach_the_inbox_at_once_and_the_supervisor_once_a_day(world):
    uow, boss, asn, *_ = world
    other = f.employee(supervisor=boss.nip, name="Siti Aminah")
    uow.employees.put_many([other])
    email, push = FakeEmail(), FakePush()
    publisher = uow.publisher
    for event in (submitted(asn, boss), submitted(asn, boss), submitted(other, boss), submitted(asn, boss, revision=2)):
        planned = service.plan_for_event(uow, event)
        assert [r.channels for n in planned.notifications for r in n.recipients] == [[Channel.INBOX]]
        deliver_all(uow, planned, email, push)
    assert email.sent == [] and len(uow.state.inbox[boss.nip]) == 3  # the repeat is one item
    assert service.send_digests(uow, f.at("2026-11-06 16:00"), 50) == 1
    assert service.send_digests(uow, f.at("2026-11-06 16:00"), 50) == 0  # the scheduler firing twice
    (event,) = publisher.published
    digest = Notification.model_validate(event.data)
    assert digest.id == f"daily_digest:{boss.nip}:2026-11-06" and digest.recipients == [Recipient(nip=boss.nip, channels=[Channel.PUSH, Channel.EMAIL])]
    assert uow.outbox.pending(NOW + timedelta(days=1), 10) != []  # published: the relay marks it from its receipt
    assert confirm_published(uow.outbox, publisher, NOW, 10) == 1
    assert uow.outbox.pending(NOW + timedelta(days=1), 10) == []
    service.deliver(uow, email, push, digest, NOW, BASE)
    ((to, subject, text),) = email.sent
    assert to == boss.email and subject == "3 laporan menunggu penilaian"
    assert f"{asn.name}: laporan Oktober 2026 (revisi ke-2)" in text and "Siti Aminah: laporan Oktober 2026" in text
    assert f"{BASE}/dashboard?view=team&period=2026-10&report={asn.nip}_2026-10" in text


def test_what_comes_after_the_digest_is_sent_waits_for_the_next_one(world):
    uow, boss, asn, *_ = world
    publisher = uow.publisher
    service.queue(uow, publisher, service.plan_for_event(uow, submitted(asn, boss)), NOW, 50)
    assert service.send_digests(uow, f.at("2026-11-06 16:00"), 50) == 1
    late = f.at("2026-11-06 16:00:02")  # submitted as the job ran, but handled after it
    service.queue(uow, publisher, service.plan_for_event(uow, submitted(asn, boss, 2, late)), late, 50)
    service.queue(uow, publisher, service.plan_for_event(uow, submitted(asn, boss, 1)), late, 50)  # an old event redelivered: already sent
    days = {d.day: [e.id for e in d.entries] for d in uow.state.digests.values()}
    assert days == {date(2026, 11, 6): [f"report_submitted:{asn.nip}_2026-10:1"], date(2026, 11, 7): [f"report_submitted:{asn.nip}_2026-10:2"]}
    assert service.send_digests(uow, f.at("2026-11-06 16:30"), 50) == 0  # tomorrow's is tomorrow's
    assert service.send_digests(uow, f.at("2026-11-07 16:00"), 50) == 1


def test_a_digest_whose_publish_fails_waits_in_the_outbox(world):
    uow, boss, asn, *_ = world
    service.queue(uow, uow.publisher, service.plan_for_event(uow, submitted(asn, boss)), NOW, 50)
    uow.publisher.fail = True
    assert service.send_digests(uow, f.at("2026-11-06 16:00"), 50) == 1
    uow.publisher.fail = False
    (pending,) = uow.outbox.pending(f.at("2026-11-06 17:00"), 10)
    assert pending.event.type == "notification.requested" and pending.event.data["kind"] == "daily_digest"
    assert service.send_digests(uow, f.at("2026-11-06 16:05"), 50) == 0  # closed: the relay sends it, not a second digest


def test_a_supervisor_who_chose_immediate_hears_of_each_report(world):
    uow, boss, asn, *_ = world
    uow.notifications.put_preferences(boss.nip, {"modes": {"report_submitted": "immediate"}})
    email = FakeEmail()
    planned = service.plan_for_event(uow, submitted(asn, boss))
    assert planned.digests == []
    deliver_all(uow, planned, email, FakePush())
    ((_, subject, text),) = email.sent
    assert subject == "Laporan Oktober 2026 menunggu penilaian Anda" and asn.name in text


def test_an_asn_may_hear_of_reviews_once_a_day(world):
    uow, boss, asn, *_ = world
    uow.notifications.put_preferences(asn.nip, {"modes": {"report_reviewed": "daily"}})
    event = Event.of("report.reviewed", key=f"{asn.nip}_2026-10:1", occurred_at=NOW,
                     data={"report_id": f"{asn.nip}_2026-10", "nip": asn.nip, "period": "2026-10", "decision": "accept"})
    planned = service.plan_for_event(uow, event)
    assert planned.notifications[0].recipients == [Recipient(nip=asn.nip, channels=[Channel.INBOX])]
    ((nip, entry),) = planned.digests
    assert nip == asn.nip and entry.channels == [Channel.PUSH]  # an ASN's alerts are push only, in the digest too


# -- preferences ------------------------------------------------------------------------------------

def test_defaults_per_role_and_a_persons_own_choice():
    assert effective_modes(Role.ASN, None).finding_opened is Mode.IMMEDIATE
    assert effective_modes(Role.ADMIN, None).finding_opened is Mode.DAILY
    assert effective_modes(Role.ASN, {}).report_submitted is Mode.DAILY
    assert effective_modes(Role.ADMIN, {"finding_opened": "immediate", "unknown": "daily"}).finding_opened is Mode.IMMEDIATE


def test_preferences_show_what_is_in_effect_and_the_roles_defaults(world):
    uow, boss, _, _, admin = world
    caller = Caller(uid="u", nip=admin.nip, role=Role.ADMIN)
    view = inbox.preferences(uow, caller)
    assert view.modes.finding_opened is Mode.DAILY and view.defaults.finding_opened is Mode.DAILY
    chosen = inbox.Preferences.model_validate({"opt_out": ["push"], "modes": {"finding_opened": "immediate"}})
    saved = inbox.set_preferences(uow, caller, chosen)
    assert saved.modes.finding_opened is Mode.IMMEDIATE and saved.defaults.finding_opened is Mode.DAILY
    assert uow.notifications.preferences(admin.nip) == {"language": None, "opt_out": ["push"], "modes": {"finding_opened": "immediate"}}
    with pytest.raises(ValidationError):
        inbox.Preferences.model_validate({"modes": {"investigation_opened": "daily"}})  # investigations come at once, always


@pytest.mark.parametrize("day, kind", [("2026-11-02", Kind.REPORT_DUE_SOON), ("2026-11-06", Kind.REPORT_MISSING), ("2026-11-04", None)])
def test_reminders_before_the_deadline_and_the_day_after(world, day, kind):
    uow, boss, asn, *_ = world
    uow.plans.put_many([f.plan(asn.nip), f.plan(boss.nip)])
    planned = service.plan_reminders(uow, Settings(project_id="demo-x"), f.at(f"{day} 08:00"))
    if kind is None:
        assert planned == []
    else:
        (n,) = planned
        assert n.kind is kind and {r.nip for r in n.recipients} == {asn.nip, boss.nip}
        assert n.id == f"{kind.value}:2026-10" and n.params["deadline"] == "2026-11-05"


def test_big_notifications_are_split_into_chunks():
    publisher = FakePublisher()
    n = note(*[Recipient(nip=str(i), channels=[Channel.INBOX]) for i in range(120)])
    assert service.publish_notifications(publisher, [n], 50) == 3
    assert [len(e.data["recipients"]) for e in publisher.published] == [50, 50, 20]


# -- the e-mail itself ---------------------------------------------------------------------------------

def test_the_message_id_is_stable_valid_and_tells_nothing(world):
    did = "finding_opened:x|198501012010011001|email"
    assert message_id(did, "pantau.example") == message_id(did, "pantau.example") != message_id(did + "x", "pantau.example")
    assert re.fullmatch(r"<[0-9a-f]{40}@pantau\.example>", message_id(did, "pantau.example"))
    assert "198501012010011001" not in message_id(did, "pantau.example")


def test_every_email_is_well_formed(run_world):
    """What the SMTP adapter writes, parsed with the strict policy, for each kind that goes by e-mail."""
    uow, boss, admin, _ = run_world
    email = FakeEmail()
    deliver_all(uow, service.plan_for_event(uow, completed()), email, FakePush())
    investigation = note(Recipient(nip=boss.nip, channels=[Channel.EMAIL]), kind=Kind.INVESTIGATION_OPENED, unit_name="Kelurahan <Uji> & Co",
                         complaints=12, senders=10, responses=30, investigation_id="INV-1", verify_by="2026-12-07")
    service.deliver(uow, email, FakePush(), investigation.model_copy(update={"web_link": "/dashboard?investigation=INV-1"}), NOW, BASE)
    uow.notifications.put_preferences(boss.nip, {"language": "en"})
    service.deliver(uow, email, FakePush(), investigation.model_copy(update={"id": "investigation_opened:en"}), NOW, BASE)
    assert len(email.messages) == 3
    for composed in email.messages:
        raw = composed.as_bytes()
        assert problems(raw, BASE) == [], raw[:2000]
        parsed = email_parsed = __import__("email").message_from_bytes(raw, policy=policy.strict)
        assert parsed["Date"].datetime.utcoffset() == timedelta(hours=7)  # WIB
    html = email_parsed.get_body(("html",)).get_content()
    assert "Kelurahan &lt;Uji&gt; &amp; Co" in html and 'lang="en"' in html and "verify by 7 December 2026" in html
    first = email.messages[1]
    assert first["Message-ID"] == message_id(f"investigation_opened:x:1|{boss.nip}|email", "pantau.example")
    assert first["List-Unsubscribe"] == f"<{BASE}/dashboard?view=preferences>"


# -- what a run sent ---------------------------------------------------------------------------------

def test_the_runs_delivery_totals_per_channel_and_why(run_world):
    uow, boss, admin, findings = run_world
    email, push = FakeEmail(), FakePush()
    push.configured = False
    for item in findings:
        deliver_all(uow, service.plan_for_event(uow, Event.of("finding.opened", key=item.id, occurred_at=NOW, data={"finding_id": item.id})), email, push)
    email.failure = PermanentSendError("recipient refused: boss")
    deliver_all(uow, service.plan_for_event(uow, completed()), email, push)
    totals = service.run_deliveries(uow, "2026-10-run")
    assert totals.channels[Channel.INBOX].sent == 17 + 4  # an item per finding: the boss's 17, BKPSDM's 4
    assert totals.channels[Channel.EMAIL].model_dump() == {"sent": 0, "failed": 1, "skipped": 0, "pending": 0}
    assert totals.channels[Channel.PUSH].skipped == 1
    assert [(r.channel, r.reason, r.count) for r in totals.failed] == [(Channel.EMAIL, "recipient refused: boss", 1)]
    assert [(r.reason, r.count) for r in totals.skipped] == [("push_not_configured", 1)]
    assert service.run_deliveries(uow, "another-run").channels[Channel.EMAIL].sent == 0


def test_the_base_url_is_absolute_and_required_with_email():
    from common.settings import _from_environment

    assert Settings(project_id="x", base_url="https://pantau.example/").base_url == "https://pantau.example"
    for bad in ("pantau.example", "/dashboard", "https://pantau.example/?x=1"):
        with pytest.raises(ValueError):
            Settings(project_id="x", base_url=bad)
    with pytest.raises(RuntimeError, match="PANTAU_BASE_URL"):
        _from_environment({"GOOGLE_CLOUD_PROJECT": "x", "PANTAU_SMTP_HOST": "smtp.example"})
