"""Delivered more than once, out of order: every event handler, fed each message two or three
times in shuffled order, ends in the same Firestore state, the same published events and the
same notifications as one clean delivery.

Each scenario builds two identical worlds in two projects of the Firestore emulator: one
gets each message once in order, the other the same messages repeated and shuffled. The
handlers' logic runs as the functions run it (the services behind the thin entrypoints),
with one fixed clock so the two worlds can be compared document by document.
"""

from __future__ import annotations

import random
import uuid
from datetime import timedelta

from common.domain.clock import WIB
from common.domain.events import Event
from common.domain.organisation import ServiceType, Unit
from common.services import administration
from common.services.complaints import on_survey_submitted
from common.services.events import relay_outbox
from common.services.ports import Caller
from common.settings import Settings
from tests import factories as f
from tests.fakes import FakePublisher
from tests.unit.test_notifications import FakeEmail, FakePush

NOW = f.at("2026-11-20 10:00")
SETTINGS = Settings(project_id="demo-x")
VOLATILE = {"published_at", "expire_at", "updated_at", "at", "created_at", "opened_at", "as_of", "requested_at", "finished_at"}


def world(stack, label: str):
    """A fresh, empty Firestore project in the emulator, with its own unit of work."""
    from google.cloud import firestore

    from common.adapters.firestore import FirestoreUnitOfWork

    client = firestore.Client(project=f"demo-redeliver-{label}-{uuid.uuid4().hex[:6]}")
    return FirestoreUnitOfWork(client, publisher=FakePublisher(), now=lambda: NOW)


def snapshot(uow, collections: list[str]) -> dict:
    """Every document of these collections, without the fields that only say when."""

    def clean(value):
        if isinstance(value, dict):
            return {k: clean(v) for k, v in value.items() if k not in VOLATILE}
        if isinstance(value, list):
            return [clean(v) for v in value]
        return value

    return {c: {d.id: clean(d.to_dict()) for d in uow.client.collection(c).stream()} for c in collections}


def messy(messages: list, seed: int) -> list:
    rng = random.Random(seed)
    repeated = [m for m in messages for _ in range(rng.choice([2, 3]))]
    rng.shuffle(repeated)
    return repeated


def published(publisher: FakePublisher) -> list:
    return sorted((e.id, e.type) for e in {e.id: e for e in publisher.published}.values())


def test_survey_events(stack):
    def build(label):
        uow = world(stack, label)
        administration.load_units(uow, [Unit(id="kel-a", name="Kelurahan A", services=[ServiceType(id="sk", name="Domisili", standard_days=1)])])
        from common.services import surveys

        publisher = uow.publisher
        served = (NOW - timedelta(days=1)).astimezone(WIB).date().isoformat()
        for i in range(12):
            sub = surveys.SurveySubmission.model_validate({"unit_id": "kel-a", "service_id": "sk", "service_date": served,
                                                           "answers": {f"U{k}": 1 if k == 3 else 3 for k in range(1, 10)},
                                                           "feedback": {"kind": "pengaduan", "text": f"Lama sekali ({i})"}})
            surveys.submit_survey(uow, SETTINGS, sub, surveys.Sender.of(SETTINGS.survey_salt, f"10.5.0.{i}", sub.unit_id), surveys.RateLimit(100, 600, 100), NOW - timedelta(hours=i))
        events = [e for e in publisher.published if e.type == "survey.submitted"]
        publisher.published.clear()  # from here on: what the handler publishes
        return uow, events

    clean_uow, events = build("survey-clean")
    messy_uow, messy_events = build("survey-messy")
    clean_pub, messy_pub = clean_uow.publisher, messy_uow.publisher
    for event in events:
        on_survey_submitted(clean_uow, SETTINGS.spike_rule, frozenset(), event.data["unit_id"], NOW)
    for event in messy(messy_events, 1):
        on_survey_submitted(messy_uow, SETTINGS.spike_rule, frozenset(), event.data["unit_id"], NOW)

    def investigations(uow):  # ids are drawn at random; compare everything else
        return sorted((d["unit_id"], d["status"], d["reason"], len(d["complaints"])) for d in snapshot(uow, ["investigations"])["investigations"].values())

    assert investigations(clean_uow) == investigations(messy_uow) == [("kel-a", "open", "surge", 12)]
    assert snapshot(clean_uow, ["complaint_pictures"]) == snapshot(messy_uow, ["complaint_pictures"])
    assert [t for _, t in published(clean_pub)] == [t for _, t in published(messy_pub)] == ["investigation.opened"]


def scoring_world(stack, label, head, staff):
    from common.domain import reports as domain

    uow = world(stack, label)
    uow.units.put_many([Unit(id="kel-a", name="Kelurahan A", head_nip=head.nip), Unit(id="kel-b", name="Kelurahan B")])
    uow.employees.put_many([head, *staff])
    uow.plans.put_many([f.plan(e.nip) for e in [head, *staff]])
    for person, period, at in ((staff[0], "2026-09", "2026-10-08 09:00"), (staff[0], "2026-10", "2026-11-09 09:00"), (staff[1], "2026-10", "2026-11-03 09:00")):
        report, _, _ = domain.submit(None, person, f.plan(person.nip), period, f.content(**{"IKI-1": 30, "IKI-3": 4}), f.at(at), 5)
        if person is staff[1]:
            report, _ = domain.review(report, person, head.nip, f.review_input(), f.at(at))
        uow.reports.put(report)
    return uow


def test_scoring(stack):
    from common.services import scoring

    head = f.employee("kel-a")
    staff = [f.employee("kel-a", supervisor=head.nip) for _ in range(4)]
    clean_uow = scoring_world(stack, "scoring-clean", head, staff)
    messy_uow = scoring_world(stack, "scoring-messy", head, staff)  # the same people in both worlds
    clean_pub, messy_pub = clean_uow.publisher, messy_uow.publisher
    for uow, publisher, shuffle in ((clean_uow, clean_pub, False), (messy_uow, messy_pub, True)):
        starts = [("scoring.requested", None)] * (3 if shuffle else 1)
        for _ in starts:
            scoring.start_run(uow, "2026-10", "scheduler", NOW, run_id="2026-10-scheduled")
        units = [e for e in publisher.published if e.type == "scoring.unit_requested"]
        for event in (messy(units, 2) if shuffle else units):
            scoring.score_unit(uow, SETTINGS, event.data["run_id"], event.data["period"], event.data["unit_id"], NOW)
    collections = ["results", "unit_results", "findings", "scoring_runs"]
    assert snapshot(clean_uow, collections) == snapshot(messy_uow, collections)
    assert published(clean_pub) == published(messy_pub)
    assert [t for _, t in published(clean_pub)].count("scoring.completed") == 1
    assert any(t == "finding.opened" for _, t in published(clean_pub))


def test_notifications(stack):
    from common.domain.findings import Finding, FindingKind
    from common.domain.notifications import Notification
    from common.domain.organisation import Role
    from common.services.notifications import deliver, plan_for_event, queue, send_digests
    from common.services.ports import ScoringRun

    def build(label):
        uow = world(stack, label)
        boss = f.employee("kel-a", nip="198501012010011001", email="boss@uji.example")
        asn = f.employee("kel-a", nip="199001012015032002", supervisor=boss.nip, email="asn@uji.example")
        inspector = f.employee("insp", nip="198201012008011003", role=Role.INSPEKTORAT, email="insp@uji.example")
        admin = f.employee("bkpsdm", nip="198301012009011004", role=Role.ADMIN, email="bkpsdm@uji.example")
        uow.units.put_many([Unit(id="kel-a", name="Kelurahan A", head_nip=boss.nip)])
        uow.employees.put_many([boss, asn, inspector, admin])
        uow.runs.put(ScoringRun(id="2026-10-run", period="2026-10", requested_by="scheduler", requested_at=NOW, units=["kel-a"], status="completed"))
        for kind, owners in ((FindingKind.MISSING_REPORTS, [boss.nip]), (FindingKind.TRAINING_HOURS, [boss.nip, "role:admin"])):
            uow.findings.put(Finding(id=f"{kind.value}:x:2026-10", kind=kind, subject_type="asn", subject_id=asn.nip, unit_id="kel-a",
                                     period="2026-10", title="Temuan", recommendation="Bicarakan.", evidence={}, owners=owners,
                                     due=NOW.date(), opened_at=NOW, run_id="2026-10-run"))
        uow.notifications.put_device(asn.nip, {"id": "d", "token": "fid:device", "platform": "android"})
        events = [
            Event.of("report.submitted", key=f"{asn.nip}_2026-10:1", occurred_at=NOW,
                     data={"report_id": f"{asn.nip}_2026-10", "nip": asn.nip, "supervisor_nip": boss.nip, "revision": 1}),
            Event.of("report.reviewed", key=f"{asn.nip}_2026-10:1", occurred_at=NOW,
                     data={"report_id": f"{asn.nip}_2026-10", "nip": asn.nip, "period": "2026-10", "decision": "return"}),
            *(Event.of("finding.opened", key=fid, occurred_at=NOW, data={"finding_id": fid})
              for fid in ("missing_reports:x:2026-10", "training_hours:x:2026-10")),
            Event.of("scoring.completed", key="2026-10-run", occurred_at=NOW,
                     data={"run_id": "2026-10-run", "period": "2026-10", "units": 1, "failed_units": []}),
            Event.of("investigation.opened", key="INV-1", occurred_at=NOW, data={
                "investigation_id": "INV-1", "unit_id": "kel-a", "reason": "surge", "complaints": 11, "senders": 11, "responses": 30, "verify_by": "2026-11-25"}),
        ]
        return uow, events

    results = []
    people = ("198501012010011001", "199001012015032002", "198201012008011003", "198301012009011004")
    for label, shuffle in (("notify-clean", False), ("notify-messy", True)):
        uow, events = build(label)
        email, push, publisher = FakeEmail(), FakePush(), uow.publisher
        notifications = []
        for event in (messy(events, 3) if shuffle else events):
            planned = plan_for_event(uow, event)
            queue(uow, publisher, planned, NOW, 50)
            notifications += planned.notifications
        for _ in range(3 if shuffle else 1):  # the digest job fired more than once
            send_digests(uow, NOW.replace(hour=9), 50)  # 16:00 WIB
        notifications += [Notification.model_validate(e.data) for e in publisher.published if e.type == "notification.requested"]
        for notification in (messy(notifications, 4) if shuffle else notifications):
            deliver(uow, email, push, notification, NOW, "https://pantau.example")
        inbox = {nip: sorted(i["id"] for i in uow.notifications.inbox(nip, 100, None)) for nip in people}
        deliveries = sorted((d.id, d.status.value) for nip in inbox for d in uow.notifications.deliveries(nip=nip))
        results.append((inbox, deliveries, sorted(email.sent), sorted(map(tuple, push.sent)), snapshot(uow, ["digests"])))
    assert results[0] == results[1]
    inbox, deliveries, emails, pushes, _ = results[0]
    # To the supervisor: the run's findings as one message, the day's digest; the investigation to
    # the inspector and the unit head; BKPSDM's finding in its own digest.
    assert sorted((to, subject) for to, subject, _ in emails) == sorted([
        ("boss@uji.example", "1 laporan menunggu penilaian"), ("boss@uji.example", "2 tindak lanjut baru untuk Oktober 2026"),
        ("boss@uji.example", "Investigasi pengaduan dibuka"), ("bkpsdm@uji.example", "1 tindak lanjut baru"),
        ("insp@uji.example", "Investigasi pengaduan dibuka")])
    assert inbox["199001012015032002"] == ["report_reviewed:199001012015032002_2026-10:1"]
    assert inbox["198501012010011001"] == ["finding_opened:missing_reports:x:2026-10", "finding_opened:training_hours:x:2026-10",
                                         "investigation_opened:INV-1", "report_submitted:199001012015032002_2026-10:1"]


def test_the_outbox_relay(stack):
    def build(label):
        uow = world(stack, label)
        events = [Event.of("report.submitted", key=f"r{i}:1", occurred_at=NOW - timedelta(minutes=5), data={"report_id": f"r{i}"}) for i in range(5)]
        uow.outbox.add(events)
        return uow

    clean_uow, messy_uow = build("relay-clean"), build("relay-messy")
    clean_pub, messy_pub = FakePublisher(), FakePublisher()
    relay_outbox(clean_uow.outbox, clean_pub, NOW, 60, 100)
    for _ in range(3):
        relay_outbox(messy_uow.outbox, messy_pub, NOW, 60, 100)
    assert published(clean_pub) == published(messy_pub)
    assert len(messy_pub.published) == 5  # the later sweeps found nothing pending
    assert snapshot(clean_uow, ["outbox"]) == snapshot(messy_uow, ["outbox"])


def test_evidence_check(stack):
    """Finalize events of evidence uploads, each delivered two or three times in any order (and
    the event of the checker's own rewrite of a photo, and the stale one before it), end in the
    same records and the same objects as one clean delivery."""
    import hashlib

    import requests
    from google.cloud import storage

    from common.adapters.storage import GcsEvidenceStore
    from common.domain.evidence import UploadRequest
    from common.services import evidence
    from tests import evidence_files as files

    asn = f.employee("kel-a")
    uploads = [("bukti.pdf", "application/pdf", files.pdf()), ("foto.jpg", "image/jpeg", files.jpeg_with_gps()),
               ("virus.pdf", "application/pdf", files.executable()), ("gambar.pdf", "application/pdf", files.png())]
    client = storage.Client(project=stack.project)

    def build(label):
        uow = world(stack, label)
        uow.employees.put_many([asn])
        name = f"demo-redeliver-{label}-{uuid.uuid4().hex[:6]}"
        client.create_bucket(name)
        settings = Settings(project_id="demo-x", evidence_bucket=name, evidence_signing_key_file=stack.signing_key_file)
        store = GcsEvidenceStore(settings, client)
        ids = iter(f"{i:032x}" for i in range(1, 10))
        events = []
        for filename, kind, data in uploads:
            grant = evidence.request_upload(uow, store, settings, Caller(uid="u", nip=asn.nip), UploadRequest(
                period="2026-10", filename=filename, content_type=kind, size=len(data)), NOW, new_id=lambda: next(ids))
            assert requests.put(grant.url, data=data, headers=grant.headers, timeout=30).status_code == 200
            blob = client.bucket(name).get_blob(uow.evidence.get(grant.upload_id).object_name)
            events.append((blob.name, blob.generation, blob.size))
        return uow, store, settings, client.bucket(name), events

    def deliver(uow, store, settings, events):
        for name, generation, size in events:
            evidence.check_object(uow, store, settings, name, generation, size, NOW)

    def rewrites(bucket, events):
        """The finalize events of objects the checker replaced (a photo without its position)."""
        current = {b.name: b for b in bucket.list_blobs()}
        return [(n, current[n].generation, current[n].size) for n, g, _ in events if n in current and current[n].generation != g]

    def state(uow, bucket):
        records = {d["id"]: {k: v for k, v in d.items() if k not in {"generation", "checked_at", "requested_at", "upload_expires_at",
                                                                    "open_until", "expire_at"}}
                   for d in (s.to_dict() for s in uow.client.collection("evidence").stream())}
        objects = {b.name: hashlib.sha256(b.download_as_bytes()).hexdigest() for b in bucket.list_blobs()}
        return records, objects

    clean = build("evidence-clean")
    deliver(*clean[:3], clean[4])
    deliver(*clean[:3], rewrites(clean[3], clean[4]))
    shuffled = build("evidence-messy")
    deliver(*shuffled[:3], messy(shuffled[4], 5))
    later = rewrites(shuffled[3], shuffled[4])
    deliver(*shuffled[:3], messy(later + shuffled[4], 6))
    assert state(clean[0], clean[3]) == state(shuffled[0], shuffled[3])
    records, objects = state(shuffled[0], shuffled[3])
    assert sorted((r["filename"], r["status"], r.get("reason")) for r in records.values()) == [
        ("bukti.pdf", "verified", None), ("foto.jpg", "verified", None), ("gambar.pdf", "rejected", "type_mismatch"),
        ("virus.pdf", "rejected", "unknown_type")]
    assert len(objects) == 2 and len(later) == 1  # the rejected ones are gone; the photo was rewritten once
