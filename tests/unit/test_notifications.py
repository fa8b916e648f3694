"""Notifications on fakes: who is told what, delivered at most once per channel, opt-outs, retries."""

from __future__ import annotations

from datetime import timedelta

import pytest

from common.adapters.smtp import PermanentSendError, TransientSendError
from common.domain.events import Event
from common.domain.notifications import Channel, Kind, Notification, Recipient, render
from common.domain.organisation import Role, Unit
from common.services import notifications as service
from common.services.notifications import RetryLater
from common.settings import Settings
from tests import factories as f
from tests.fakes import FakeUnitOfWork

NOW = f.at("2026-11-06 09:00")


class FakeEmail:
    configured = True

    def __init__(self) -> None:
        self.sent: list[tuple[str, str, str]] = []
        self.failure: Exception | None = None

    def send(self, to, subject, body, message_id):
        if self.failure:
            raise self.failure
        self.sent.append((to, subject, body))


class FakePush:
    configured = True

    def __init__(self) -> None:
        self.sent: list[list[str]] = []
        self.invalid: set[str] = set()

    def send(self, tokens, title, link, notification_id):
        from common.adapters.fcm import PushOutcome

        good = [t for t in tokens if t not in self.invalid]
        self.sent.append(good)
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


def test_templates_in_both_languages():
    n = note(Recipient(nip="n", channels=[Channel.INBOX]))
    assert render(n, "id").title == "Laporan Oktober 2026 dikembalikan untuk perbaikan"
    assert render(n, "en").title == "Your October 2026 report was returned for revision"
    for kind in Kind:
        assert render(Notification(id="k", kind=kind, params={k: "1" for k in ("count", "names", "deadline", "title", "recommendation", "due", "unit_name", "complaints", "responses", "investigation_id", "verify_by", "name", "email", "link")} | {"period": "2026-10", "kind": "workload_review", "decision": "accept"}, link="/", recipients=[], created_at=NOW), "id").title


def test_a_reviewed_report_tells_the_asn_in_their_language(world):
    uow, boss, asn, *_ = world
    event = Event.of("report.reviewed", key=f"{asn.nip}_2026-10:2", occurred_at=NOW,
                     data={"report_id": f"{asn.nip}_2026-10", "nip": asn.nip, "period": "2026-10", "decision": "return"})
    (planned,) = service.plan_for_event(uow, event)
    assert planned.id == f"report_reviewed:{asn.nip}_2026-10:2"
    assert planned.recipients == [Recipient(nip=asn.nip, channels=[Channel.INBOX, Channel.PUSH])]
    email, push = FakeEmail(), FakePush()
    uow.notifications.put_device(asn.nip, {"id": "d1", "token": "tok-1", "platform": "android"})
    service.deliver(uow, email, push, planned, NOW)
    (item,) = uow.notifications.inbox(asn.nip, 10, None)
    assert item["title"] == "Your October 2026 report was returned for revision"
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
                     unit_name="U", complaints=10, responses=20, investigation_id="INV-1", verify_by="2026-11-10")
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
    from common.domain.notifications import Delivery

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


def test_investigations_reach_the_inspectorate_and_the_unit_head_by_email(world):
    uow, boss, asn, inspector, admin = world
    event = Event.of("investigation.opened", key="INV-1", occurred_at=NOW, data={
        "investigation_id": "INV-1", "unit_id": "kel-belawan-1", "reason": "surge", "complaints": 12, "responses": 40, "verify_by": "2026-11-11"})
    (planned,) = service.plan_for_event(uow, event)
    assert {r.nip for r in planned.recipients} == {inspector.nip, boss.nip}
    assert all(Channel.EMAIL in r.channels for r in planned.recipients) and planned.mandatory


def test_bkpsdm_findings_go_to_the_inbox_and_personal_owners_get_everything(world):
    from common.domain.findings import Finding, FindingKind

    uow, boss, asn, inspector, admin = world
    uow.findings.put(Finding(id="training_hours:x:2026", kind=FindingKind.TRAINING_HOURS, subject_type="asn", subject_id=asn.nip,
                             unit_id="kel-belawan-1", period="2026-10", title="t", recommendation="r.", evidence={},
                             owners=[boss.nip, "role:admin"], due=NOW.date(), opened_at=NOW))
    (planned,) = service.plan_for_event(uow, Event.of("finding.opened", key="training_hours:x:2026", occurred_at=NOW,
                                                      data={"finding_id": "training_hours:x:2026"}))
    channels = {r.nip: r.channels for r in planned.recipients}
    assert channels == {boss.nip: [Channel.INBOX, Channel.PUSH, Channel.EMAIL], admin.nip: [Channel.INBOX]}


def test_submissions_join_one_daily_digest(world):
    uow, boss, asn, *_ = world
    event = Event.of("report.submitted", key="r:1", occurred_at=NOW,
                     data={"report_id": "r", "nip": asn.nip, "supervisor_nip": boss.nip, "revision": 1})
    assert service.plan_for_event(uow, event) == [] and service.plan_for_event(uow, event) == []
    (digest,) = service.plan_digests(uow, NOW.date(), NOW)
    assert digest.id == f"reports_digest:{boss.nip}:{NOW.date().isoformat()}" and digest.params["count"] == 1
    assert asn.name in digest.params["names"]


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
        assert n.id == f"{kind.value}:2026-10"


def test_big_notifications_are_split_into_chunks():
    from tests.fakes import FakePublisher

    publisher = FakePublisher()
    n = note(*[Recipient(nip=str(i), channels=[Channel.INBOX]) for i in range(120)])
    assert service.publish_notifications(publisher, [n], 50) == 3
    assert [len(e.data["recipients"]) for e in publisher.published] == [50, 50, 20]
