"""Evidence files end to end, through HTTP on the local stack: a signed upload to the Cloud
Storage emulator, the finalize event that the emulator publishes and the gateway delivers as
Eventarc would, the verdict, the report that attaches the files, and signed downloads."""

from __future__ import annotations

import base64
import hashlib
import json
import time

import pytest
import requests

from common.domain.period import period_of
from tests import evidence_files as files
from tests.integration.bus import Tap
from tests.integration.org import make_org
from tests.integration.test_report_flow import body
from tools.stack import STORAGE_EVENTS_TOPIC


@pytest.fixture
def org(stack, uow, accounts, unique):
    return make_org(stack, uow, accounts, unique, size=2)


def upload(member, period: str, filename: str, content_type: str, data: bytes) -> dict:
    """What the app does: ask for a target, then PUT the file to it (no sign-in token)."""
    grant = member.api.post("/api/reports/evidence-uploads", json={
        "period": period, "filename": filename, "content_type": content_type, "size": len(data)})
    assert grant.status_code == 201, grant.text
    grant = grant.json()
    put = requests.request(grant["method"], grant["url"], data=data, headers=grant["headers"], timeout=30)
    assert put.status_code == 200, put.text
    return grant


def checked(member, upload_id: str, timeout: float = 30) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        status = member.api.get(f"/api/reports/evidence-uploads/{upload_id}")
        assert status.status_code == 200, status.text
        if status.json()["status"] != "pending" or time.monotonic() > deadline:
            return status.json()
        time.sleep(0.2)


def bucket(stack):
    from google.cloud import storage

    return storage.Client(project=stack.project).bucket(stack.evidence_bucket)


def test_the_storage_emulator_runs_in_its_own_recorded_process_group(stack):
    import os

    (storage,) = [p for p in stack.processes if p.name == "storage"]
    assert os.getpgid(storage.pid) == storage.pid and "fake-gcs-server" in storage.cmdline
    assert requests.get(f"{stack.storage}/storage/v1/b/{stack.evidence_bucket}", timeout=5).status_code == 200


def test_upload_check_attach_and_download(stack, org, uow, clock):
    asn, boss, stranger = org.team[0], org.boss, org.team[1]
    period = period_of(clock.now())
    notifications = Tap(stack.project, STORAGE_EVENTS_TOPIC)
    try:
        scan, photo = files.pdf(), files.jpeg_with_gps()
        pdf_grant = upload(asn, period, "register-surat.pdf", "application/pdf", scan)
        jpg_grant = upload(asn, period, "kegiatan pelayanan.jpg", "image/jpeg", photo)
        assert "X-Goog-Signature=" in pdf_grant["url"] and pdf_grant["url"].startswith(stack.storage)

        pdf_status, jpg_status = checked(asn, pdf_grant["upload_id"]), checked(asn, jpg_grant["upload_id"])
        assert (pdf_status["status"], pdf_status["sha256"], pdf_status["size"]) == ("verified", hashlib.sha256(scan).hexdigest(), len(scan))
        assert (jpg_status["status"], jpg_status["location_removed"]) == ("verified", True)
        stored_photo = bucket(stack).blob(f"evidence/{asn.nip}/{period}/{jpg_grant['upload_id']}").download_as_bytes()
        assert not files.has_gps_data(stored_photo) and files.pixels(stored_photo) == files.pixels(photo)
        assert jpg_status["sha256"] == hashlib.sha256(stored_photo).hexdigest()

        # A redelivered finalize event (the very notification the emulator published, pushed again
        # to the gateway's Eventarc endpoint) changes nothing.
        seen = notifications.pull(lambda s: len(s) >= 3, timeout=20)  # two uploads and the photo's rewrite
        before = uow.client.collection("evidence").document(pdf_grant["upload_id"]).get().to_dict()
        message = next(m for m in notifications.raw if m["attributes"]["objectId"].endswith(pdf_grant["upload_id"]))
        for _ in range(2):
            again = requests.post(f"{stack.functions}/_eventarc/storage", json={"message": message, "subscription": "x"}, timeout=30)
            assert again.status_code == 204, again.text
        assert uow.client.collection("evidence").document(pdf_grant["upload_id"]).get().to_dict() == before
        assert len(seen) >= 3
    finally:
        notifications.close()

    report = asn.api.post("/api/reports", json={**body(period), "files": [pdf_grant["upload_id"], jpg_grant["upload_id"]]})
    assert report.status_code == 201, report.text
    report = report.json()["report"]
    assert [f["filename"] for f in report["evidence_files"]] == ["register-surat.pdf", "kegiatan pelayanan.jpg"]
    assert report["content"]["evidence"] == body(period)["evidence"]  # links still work beside files

    link = boss.api.get(f"/api/reports/{report['id']}/evidence/{pdf_grant['upload_id']}")
    assert link.status_code == 200, link.text
    downloaded = requests.get(link.json()["url"], timeout=30)
    assert downloaded.status_code == 200 and hashlib.sha256(downloaded.content).hexdigest() == pdf_status["sha256"]
    photo_link = boss.api.get(f"/api/reports/{report['id']}/evidence/{jpg_grant['upload_id']}").json()
    assert not files.has_gps_data(requests.get(photo_link["url"], timeout=30).content)
    assert org.admin.api.get(f"/api/reports/{report['id']}/evidence/{pdf_grant['upload_id']}").status_code == 200

    hidden = stranger.api.get(f"/api/reports/{report['id']}/evidence/{pdf_grant['upload_id']}")
    assert hidden.status_code == 404 and hidden.json()["error"]["code"] == "report_not_found"
    assert stranger.api.get(f"/api/reports/evidence-uploads/{pdf_grant['upload_id']}").status_code == 404

    team = boss.api.get("/api/team/reports", params={"period": period}).json()
    assert next(m for m in team["members"] if m["nip"] == asn.nip)["evidence_file_count"] == 2
    month = next(m for m in asn.api.get("/api/me/performance").json()["months"] if m["period"] == period)
    assert month["evidence_file_count"] == 2


def test_a_renamed_executable_is_rejected_and_deleted(stack, org, clock):
    asn = org.team[0]
    period = period_of(clock.now())
    grant = upload(asn, period, "laporan.pdf", "application/pdf", files.executable())
    status = checked(asn, grant["upload_id"])
    assert (status["status"], status["reason"]) == ("rejected", "unknown_type")
    assert bucket(stack).get_blob(f"evidence/{asn.nip}/{period}/{grant['upload_id']}") is None
    refused = asn.api.post("/api/reports", json={**body(period), "files": [grant["upload_id"]]})
    assert refused.status_code == 422 and refused.json()["error"]["details"][0]["code"] == "evidence_rejected"


def test_refused_before_any_url_and_nothing_written(stack, org, uow, clock):
    asn = org.team[0]
    period = period_of(clock.now())
    ask = lambda **changes: asn.api.post("/api/reports/evidence-uploads", json={  # noqa: E731
        "period": period, "filename": "scan.pdf", "content_type": "application/pdf", "size": 1000, **changes})
    too_large = ask(size=10 * 1024 * 1024 + 1)
    assert too_large.status_code == 413 and too_large.json()["error"]["code"] == "evidence_too_large"
    wrong = ask(content_type="application/x-msdownload", filename="setup.exe")
    assert wrong.status_code == 422 and wrong.json()["error"]["details"][0]["field"] == "content_type"
    bad = asn.api.post("/api/reports/evidence-uploads", json={"period": period, "filename": "../x.pdf", "size": "big"})
    assert bad.status_code == 422 and {d["field"] for d in bad.json()["error"]["details"]} >= {"filename", "size", "content_type"}
    for response in (too_large, wrong, bad):
        assert set(response.json()["error"]) == {"code", "message", "details", "request_id"}
    english = asn.api.post("/api/reports/evidence-uploads", json={"period": period, "filename": "a.pdf", "content_type": "application/pdf",
                                                                  "size": 10**9}, headers={"Accept-Language": "en"})
    assert "10.0 MiB" in english.json()["error"]["message"]
    assert uow.evidence.for_period(asn.nip, period) == []


def test_an_event_for_an_object_nobody_asked_for_deletes_it(stack, org, clock):
    """Someone with bucket access (never the app) drops a file under an ASN's prefix: no record, so
    the check deletes it."""
    name = f"evidence/{org.team[0].nip}/{period_of(clock.now())}/{'e' * 32}"
    blob = bucket(stack).blob(name)
    blob.upload_from_string(files.pdf(), content_type="application/pdf")
    deadline = time.monotonic() + 20
    while bucket(stack).get_blob(name) is not None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert bucket(stack).get_blob(name) is None


def test_the_gateway_makes_the_cloudevent_eventarc_sends():
    from tools.gateway import storage_cloudevent

    data = {"name": "evidence/1/2026-10/x", "bucket": "b", "generation": "7", "size": "3"}
    push = {"message": {"messageId": "42", "publishTime": "2026-11-01T00:00:00Z", "data": base64.b64encode(json.dumps(data).encode()).decode(),
                        "attributes": {"eventType": "OBJECT_FINALIZE", "payloadFormat": "JSON_API_V1", "bucketId": "b",
                                       "objectId": "evidence/1/2026-10/x", "eventTime": "2026-11-01T00:00:00Z"}}}
    kind, headers, payload = storage_cloudevent(push)
    assert kind == "google.cloud.storage.object.v1.finalized"
    assert headers["ce-source"] == "//storage.googleapis.com/projects/_/buckets/b"
    assert (headers["ce-subject"], headers["ce-id"]) == ("objects/evidence/1/2026-10/x", "42")
    assert json.loads(payload) == data
    assert storage_cloudevent({"message": {"attributes": {"eventType": "OBJECT_FINALIZE"}}}) is None
