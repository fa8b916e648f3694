"""Notifications on the local stack: the inbox through HTTP, e-mail through a real SMTP server
(the stack's aiosmtpd mailbox, read back from disk), redelivery, a mail server that is down then
back, opt-out, immediate or daily by choice, the dead letter; FCM mocked at the firebase-admin
boundary. Every message the mailbox holds is checked with the strict email policy (tests/mail.py)."""

from __future__ import annotations

import email
import json
import time
from email import policy
from pathlib import Path

import pytest

from common.domain.clock import current
from common.domain.notifications import month_name
from common.domain.period import period_of
from tests.integration.org import make_org
from tests.integration.test_report_flow import body, review


def wait_for(predicate, timeout: float = 40, every: float = 0.3):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(every)


def mails_to(stack, address: str, invitations: bool = False) -> list:
    """The messages the local mailbox received for ``address``; without the account invitation
    every test person gets first, unless asked for."""
    from common.domain.notifications import TEMPLATES, Kind

    invitation_subjects = {title for title, _ in TEMPLATES[Kind.ACCOUNT_INVITED]}
    folder = Path(stack.mail_dir)
    found = []
    for path in sorted(folder.glob("*.eml")) if folder.exists() else []:
        message = email.message_from_bytes(path.read_bytes(), policy=policy.strict)
        if [a.addr_spec for a in message["To"].addresses] == [address] and (invitations or message["Subject"] not in invitation_subjects):
            found.append(message)
    return found


def text_of(message) -> str:
    return message.get_body(("plain",)).get_content()


def publish(stack, topic: str, event: dict) -> None:
    from google.cloud import pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    publisher.publish(publisher.topic_path(stack.project, topic), json.dumps(event).encode()).result(timeout=10)


def request(notification_id: str, nip: str, channels: list[str], kind: str = "investigation_opened") -> dict:
    now = current().now().isoformat()
    params = {"unit_name": "Kelurahan Uji", "complaints": 12, "senders": 10, "responses": 30, "investigation_id": "INV-UJI",
              "verify_by": "2026-12-02"}
    if kind == "team_scoring_published":
        params = {"period": "2026-10"}
    return {
        "id": f"notification.requested:{notification_id}:0", "type": "notification.requested", "occurred_at": now,
        "data": {"id": notification_id, "kind": kind, "params": params, "link": "/investigasi/INV-UJI",
                 "recipients": [{"nip": nip, "channels": channels}], "created_at": now},
    }


def month_id(clock) -> str:
    return month_name(period_of(clock.now()), "id")


@pytest.fixture
def org(stack, uow, accounts, unique):
    return make_org(stack, uow, accounts, unique, size=2)


def test_a_review_lands_in_the_asns_inbox(org, clock):
    asn = org.team[0]
    report_id = asn.api.post("/api/reports", json=body(period_of(clock.now()))).json()["report"]["id"]
    org.boss.api.post(f"/api/reports/{report_id}/review", json=review("return", feedback="Tambahkan bukti."))
    page = wait_for(lambda: (p := asn.api.get("/api/me/notifications").json())["items"] and p)
    assert page["unread"] == 1
    (item,) = page["items"]
    assert item["kind"] == "report_reviewed" and "dikembalikan" in item["title"] and item["link"] == f"/laporan/{report_id}"
    read = asn.api.post(f"/api/me/notifications/{item['id']}/read")
    assert read.status_code == 200 and read.json() == {"marked": 1, "unread": 0}
    assert asn.api.post("/api/me/notifications/nope/read").status_code == 404
    assert org.team[1].api.get("/api/me/notifications").json()["items"] == []  # only mine


def test_the_supervisor_gets_one_daily_digest_by_email(org, stack, clock):
    for member in org.team:
        assert member.api.post("/api/reports", json=body(period_of(clock.now()))).status_code == 201
    # The submissions reach the digest through notify_events, which adds the digest entries
    # before it sends the inbox items: once both items are in the inbox, the digest has them.
    submitted = lambda: [i for i in org.boss.api.get("/api/me/notifications").json()["items"] if i["kind"] == "report_submitted"]  # noqa: E731
    assert len(wait_for(lambda: len(submitted()) == len(org.team) and submitted())) == len(org.team)
    publish(stack, "digest-tick", {"job": "digest"})
    mails = wait_for(lambda: mails_to(stack, org.boss.employee.email))
    assert len(mails) == 1
    assert mails[0]["Subject"] == "2 laporan menunggu penilaian"
    assert all(m.employee.name in text_of(mails[0]) for m in org.team)
    report = f"{org.team[0].nip}_{period_of(clock.now())}"
    assert f"{stack.api}/dashboard?view=team&period={period_of(clock.now())}&report={report}" in text_of(mails[0])
    # The inbox had each submission at once, with the app's route to the report.
    items = org.boss.api.get("/api/me/notifications").json()["items"]
    assert {i["link"] for i in items if i["kind"] == "report_submitted"} == {f"/laporan/{m.nip}_{period_of(clock.now())}" for m in org.team}
    publish(stack, "digest-tick", {"job": "digest"})  # the scheduler firing twice
    time.sleep(3)
    assert len(mails_to(stack, org.boss.employee.email)) == 1


def test_a_supervisor_who_chooses_immediate_hears_of_each_report_at_once(org, stack, clock):
    boss = org.boss
    chosen = boss.api.put("/api/me/preferences", json={"modes": {"report_submitted": "immediate"}})
    assert chosen.status_code == 200, chosen.text
    assert chosen.json()["modes"]["report_submitted"] == "immediate" and chosen.json()["defaults"]["report_submitted"] == "daily"
    refused = boss.api.put("/api/me/preferences", json={"modes": {"investigation_opened": "daily"}})
    assert refused.status_code == 422  # investigations always come at once
    assert org.team[0].api.post("/api/reports", json=body(period_of(clock.now()))).status_code == 201
    (mail,) = wait_for(lambda: mails_to(stack, boss.employee.email))
    assert mail["Subject"] == f"Laporan {month_id(clock)} menunggu penilaian Anda"
    assert org.team[0].employee.name in text_of(mail)


def test_a_redelivered_notification_is_sent_once(org, stack, uow, unique):
    from common.domain.notifications import message_id

    message = request(f"investigation_opened:uji-{unique}", org.boss.nip, ["inbox", "email"])
    publish(stack, "notifications", message)
    publish(stack, "notifications", message)
    assert wait_for(lambda: mails_to(stack, org.boss.employee.email))
    time.sleep(3)
    (mail,) = mails_to(stack, org.boss.employee.email)
    # The Message-ID is the delivery's: a copy of this delivery could only ever carry the same one.
    assert mail["Message-ID"] == message_id(f"investigation_opened:uji-{unique}|{org.boss.nip}|email", "pantau-belawan.example")
    assert "verifikasi paling lambat 2 Desember 2026" in text_of(mail)
    items = org.boss.api.get("/api/me/notifications").json()["items"]
    assert [i["id"] for i in items].count(f"investigation_opened:uji-{unique}") == 1


def test_a_mail_server_that_is_down_then_back(org, stack, uow, unique):
    from tools.stack import Stack

    control = Stack(Path(stack.state_dir), project=stack.project)
    info = control.running()
    control.stop_process(info, "mailbox")
    notification_id = f"investigation_opened:down-{unique}"
    record_id = f"{notification_id}|{org.boss.nip}|email"
    try:
        publish(stack, "notifications", request(notification_id, org.boss.nip, ["inbox", "email"]))
        failed_once = wait_for(lambda: (r := uow.notifications.delivery(record_id)) and any(a.outcome == "error" for a in r.attempts) and r)
        assert failed_once and failed_once.status == "retrying"
        assert "Connection" in failed_once.reason or "refused" in failed_once.reason.lower()
        # The inbox did not wait for the mail server.
        assert org.boss.api.get("/api/me/notifications").json()["unread"] >= 1
    finally:
        control.start_mailbox(control.running() or info)
    sent = wait_for(lambda: (r := uow.notifications.delivery(record_id)) and r.status == "sent" and r, timeout=60)
    assert sent, uow.notifications.delivery(record_id)
    outcomes = [a.outcome for a in sent.attempts]
    assert outcomes[0] == "claimed" and "error" in outcomes and outcomes[-1] == "sent"
    assert len(mails_to(stack, org.boss.employee.email)) == 1


def test_opting_out_of_email_spares_optional_mail_only(org, stack, uow, unique):
    boss = org.boss
    refused = boss.api.put("/api/me/preferences", json={"opt_out": ["inbox"]})
    assert refused.status_code == 422
    assert boss.api.put("/api/me/preferences", json={"opt_out": ["email"], "language": "en"}).status_code == 200
    prefs = boss.api.get("/api/me/preferences").json()
    assert (prefs["language"], prefs["opt_out"]) == ("en", ["email"])
    assert prefs["modes"] == prefs["defaults"] == {"report_submitted": "daily", "report_reviewed": "immediate", "finding_opened": "immediate"}
    optional = request(f"team_scoring_published:{unique}", boss.nip, ["inbox", "email"], kind="team_scoring_published")
    mandatory = request(f"investigation_opened:opt-{unique}", boss.nip, ["inbox", "email"])
    publish(stack, "notifications", optional)
    publish(stack, "notifications", mandatory)
    assert wait_for(lambda: mails_to(stack, boss.employee.email))
    time.sleep(2)
    assert [m["Subject"] for m in mails_to(stack, boss.employee.email)] == ["Complaint investigation opened"]  # in English, as chosen
    skipped = wait_for(lambda: uow.notifications.delivery(f"{optional['data']['id']}|{boss.nip}|email"))
    assert skipped.status == "skipped" and skipped.reason == "opted_out"


def test_the_dead_letter_records_why_on_each_delivery(org, stack, uow, unique, clock):
    """What Pub/Sub hands the dead-letter topic after the last attempt (routing itself is proven by the scoring run)."""
    message = request(f"investigation_opened:dead-{unique}", org.team[0].nip, ["email"])
    from common.domain.notifications import Attempt, Delivery

    record_id = f"{message['data']['id']}|{org.team[0].nip}|email"
    uow.notifications.put_delivery(Delivery(id=record_id, notification_id=message["data"]["id"], kind="investigation_opened",
                                            nip=org.team[0].nip, channel="email", status="retrying", reason="TransientSendError: timed out",
                                            attempts=[Attempt(at=clock.now(), outcome="error", error="timed out")], updated_at=clock.now()))
    publish(stack, "notifications-dead", message)
    closed = wait_for(lambda: (r := uow.notifications.delivery(record_id)) and r.status == "failed" and r)
    assert closed.reason.startswith("gave up after") and "timed out" in closed.reason
    admin_view = org.admin.api.get("/api/admin/deliveries", params={"notification_id": message["data"]["id"]}).json()["deliveries"]
    assert [d["status"] for d in admin_view] == ["failed"]


def test_devices_register_and_invalid_tokens_are_dropped(org, uow, settings, mocker, clock):
    """FCM cannot run here: firebase-admin's send is mocked; the device store is the real emulator."""
    from firebase_admin import messaging

    from common.adapters.fcm import FcmSender
    from common.domain.notifications import Channel, Kind, Notification, Recipient
    from common.services.notifications import deliver
    from tests.unit.test_notifications import FakeEmail

    asn = org.team[0]
    for token in ("token-stale-0123456789", "token-fresh-0123456789"):
        assert asn.api.post("/api/me/devices", json={"token": token, "platform": "android"}).status_code == 201
    legacy = asn.api.post("/api/me/devices", json={"token": "legacy-registration-token-0123", "kind": "registration_token"})
    assert legacy.status_code == 201

    class Response:
        def __init__(self, success, exception=None):
            self.success, self.exception = success, exception

    class Batch:
        def __init__(self, responses):
            self.responses = responses
            self.success_count = sum(r.success for r in responses)

    def send_each(messages, app=None):
        assert all(m.notification.title and set(m.data) == {"link", "notification_id"} for m in messages)  # no personal data
        return Batch([Response(False, messaging.UnregisteredError("gone")) if "stale" in (m.fid or m.token) else Response(True) for m in messages])

    mocker.patch("firebase_admin.messaging.send_each", side_effect=send_each)
    push = FcmSender(settings.model_copy(update={"push_enabled": True}))
    n = Notification(id=f"scoring_published:push-{asn.nip}", kind=Kind.SCORING_PUBLISHED, params={"period": "2026-10"}, link="/kinerja/2026-10",
                     recipients=[Recipient(nip=asn.nip, channels=[Channel.PUSH])], created_at=clock.now())
    deliver(uow, FakeEmail(), push, n, clock.now())
    assert sorted(d["token"] for d in uow.notifications.devices(asn.nip)) == ["fid:token-fresh-0123456789", "legacy-registration-token-0123"]
    assert uow.notifications.delivery(f"{n.id}|{asn.nip}|push").status == "sent"
    device = uow.notifications.devices(asn.nip)[0]["id"]
    assert asn.api.request("DELETE", f"/api/me/devices/{device}").status_code == 204
    assert asn.api.request("DELETE", f"/api/me/devices/{device}").status_code == 404


def test_every_message_the_mailbox_holds_is_well_formed(stack):
    """Runs after this module's e-mails (and whatever else the session sent before it); the stack
    fixture checks the whole mailbox again when the session ends (tests/conftest.py)."""
    from tests.mail import mailbox_problems

    sent = list(Path(stack.mail_dir).glob("*.eml"))
    assert len(sent) >= 5, "this module's tests send at least five e-mails"
    assert mailbox_problems(stack.mail_dir, stack.api) == {}
