"""Examples for the OpenAPI document, recorded, not written by hand.

One day at Kelurahan Belawan Bahari is played through the real HTTP layer and services, on the
in-memory adapters of the unit tests (tests/fakes.py) with a fixed clock and fixed random ids:
BKPSDM loads the unit, its people and their SKP, an ASN reports, the supervisor returns and
accepts, citizens fill surveys until complaints open an investigation, the inspectorate moves it,
BKPSDM scores the month, and everyone reads what they may. The first successful request of each
operation and its response become that operation's example, so the mobile team reads the shapes
the server really sends.

    python -m tools.openapi_examples --write   # update docs/openapi-examples.json (then make openapi)
    python -m tools.openapi_examples --check   # exit 1 when it is stale
"""

from __future__ import annotations

import argparse
import contextlib
import json
import random
import sys
import uuid
from datetime import datetime, timezone
from pathlib import Path
from typing import Any
from unittest import mock

from common.services.ports import TokenVerifier

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "docs" / "openapi-examples.json"
NOW = datetime(2026, 11, 3, 2, 30, tzinfo=timezone.utc)  # 09:30 WIB, before the 5th: October's reports are on time
PERIOD, YEAR = "2026-10", 2026
UNIT = "kel-belawan-bahari"
CONTRACT_HEADERS = ("X-Request-Id", "Retry-After", "Idempotent-Replayed", "ETag", "Location")

# People of the story. NIP: birth date, TMT (start of service), gender, sequence.
LURAH = {"nip": "197805142003121001", "name": "Rahmat Hidayat Siregar", "jabatan": "Lurah Belawan Bahari"}
SEKLUR = {"nip": "198203092008012003", "name": "Nur Aisyah Lubis", "jabatan": "Sekretaris Kelurahan"}
ASN = {"nip": "199107222015031002", "name": "Andi Pratama Nasution", "jabatan": "Pengadministrasi Umum"}
ASN2 = {"nip": "199304182019032004", "name": "Siti Rahmawati Harahap", "jabatan": "Pengelola Layanan Kependudukan"}
ADMIN = {"nip": "198811302012121005", "name": "Fajar Ramadhan", "jabatan": "Analis SDM Aparatur, BKPSDM"}
INSPECTOR = {"nip": "198509012010011006", "name": "Dewi Kartika Sari", "jabatan": "Auditor Inspektorat"}
CAMAT = {"nip": "197601082000031007", "name": "Zulkifli Matondang", "jabatan": "Camat Medan Belawan"}


class _Verifier(TokenVerifier):
    """A token here is the caller's NIP; it says what a fresh sign-in would: the account's uid and
    the role and unit of the employee record, which the HTTP layer then checks like any token."""

    def __init__(self, state) -> None:
        self.state = state

    def verify(self, token: str):
        from common.services.ports import TokenIdentity, TokenRejected

        employee, account = self.state.employees.get(token), self.state.accounts.get(token)
        if employee is None or account is None:
            raise TokenRejected("token_invalid")
        return TokenIdentity(uid=account.uid, nip=token, role=employee.role.value, unit=employee.unit_id)


class _Deps:
    def __init__(self) -> None:
        from common.settings import Settings
        from tests.fakes import FakeAccounts, FakeEvidenceStore, FakePublisher, FakeUnitOfWork

        # A small office: a handful of complaints is a spike here.
        self.settings = Settings(project_id="demo-pantau", complaint_min_count=3, complaint_min_responses=4, complaint_min_senders=3, log_level="CRITICAL",
                                 base_url="https://pantau.medan.go.id")
        self.publisher = FakePublisher()
        self.uow = FakeUnitOfWork(publisher=self.publisher, now=lambda: NOW)
        self.verifier = _Verifier(self.uow.state)
        self.accounts = FakeAccounts()
        self.storage = FakeEvidenceStore()

    def now(self) -> datetime:
        return NOW


def _first_admin(deps: _Deps) -> None:
    """BKPSDM's first administrator, enrolled from the command line before anyone can call the API."""
    from common.domain.organisation import Employee, Role, Unit
    from common.services.administration import load_employees, load_units

    load_units(deps.uow, [Unit(id="kec-medan-belawan", name="Kantor Camat Medan Belawan", kind="kecamatan")])
    admin = Employee(**ADMIN, unit_id="kec-medan-belawan", email="fajar.ramadhan@bkpsdm.medan.go.id", role=Role.ADMIN)
    load_employees(deps.uow, deps.accounts, deps.settings, [admin], "cli", "first administrator", NOW)


class Recorder:
    def __init__(self) -> None:
        import flask

        from common.api.http import Api
        from tools.openapi import http_apis

        self.deps = _Deps()
        _first_admin(self.deps)
        self.apis = [Api(api.name, api.routes, self.deps) for api in http_apis()]
        self.app = flask.Flask("examples")
        self.app.add_url_rule("/<path:path>", "run", self._dispatch, methods=["GET", "POST", "PUT", "PATCH", "DELETE"])
        self.client = self.app.test_client()
        self.examples: dict[str, dict[str, Any]] = {}
        self.headers: dict[tuple[str, int], set[str]] = {}  # the contract's response headers seen, per operation and status

    def _dispatch(self, path: str):
        import flask

        request = flask.request
        for api in self.apis:
            if any(route.regex.match(request.path) and route.method == request.method for route in api.routes):
                return api.handle(request)
        raise AssertionError(f"no route for {request.method} {request.path}")

    def call(self, method: str, template: str, who: dict | None, path: dict[str, str] | None = None, query: dict[str, Any] | None = None,
             body: Any = None, headers: dict[str, str] | None = None) -> Any:
        url = template.format(**(path or {}))
        headers = {**(headers or {}), **({"Authorization": f"Bearer {who['nip']}"} if who else {})}
        response = self.client.open(url, method=method, query_string=query, json=body, headers=headers)
        assert response.status_code < 300, f"{method} {url}: {response.status_code} {response.get_data(as_text=True)}"
        key = f"{method} {template}"
        self.headers.setdefault((key, response.status_code), set()).update(h for h in CONTRACT_HEADERS if h in response.headers)
        media = response.mimetype
        if response.status_code == 204:
            recorded: Any = None
        elif media == "application/json":
            recorded = response.get_json()
        elif media.startswith("text/"):
            recorded = response.get_data(as_text=True).lstrip("\ufeff")
        else:
            recorded = None  # bytes: the document points at the download instead
        if key not in self.examples:
            self.examples[key] = {
                "caller": _role_of(who), "parameters": {"path": path or {}, "query": query or {}},
                "request": body, "status": response.status_code, "media": media, "response": recorded,
            }
        return None if response.status_code == 204 else response.get_json() if media == "application/json" else response.data


def _role_of(who: dict | None) -> str:
    return {None: "anonymous", ADMIN["nip"]: "admin", INSPECTOR["nip"]: "inspektorat", LURAH["nip"]: "unit head and supervisor",
            SEKLUR["nip"]: "supervisor", CAMAT["nip"]: "leader above (camat)"}.get(who["nip"] if who else None, "asn")


def _plan(nip: str) -> dict[str, Any]:
    return {"nip": nip, "year": YEAR, "indicators": [
        {"id": "IKI-1", "name": "Surat keterangan domisili yang diterbitkan", "aspect": "kuantitas", "target": 40, "unit": "dokumen"},
        {"id": "IKI-2", "name": "Berkas pengantar KTP-el/KK yang lengkap tanpa revisi", "aspect": "kualitas", "target": 95, "unit": "%"},
        {"id": "IKI-3", "name": "Rata-rata waktu penyelesaian surat keterangan", "aspect": "waktu", "target": 2, "unit": "hari",
         "direction": "lower_is_better"},
    ]}


def _survey(service: str, day: int, scores: list[int], key: str, feedback: dict | None = None, profile: dict | None = None) -> dict[str, Any]:
    return {"unit_id": UNIT, "service_id": service, "service_date": f"2026-11-{day:02d}",
            "answers": {f"U{i}": s for i, s in enumerate(scores, start=1)}, "profile": profile, "feedback": feedback,
            "source": "web", "client_key": key}


def story(r: Recorder) -> None:
    from common.api.messages import finding_texts
    from common.domain.evidence import object_name as evidence_object
    from common.services.complaints import on_survey_submitted
    from common.services.evidence import check_object
    from common.services.scoring import score_unit
    from tests import evidence_files

    lurah, seklur, asn, asn2, admin, inspector = LURAH, SEKLUR, ASN, ASN2, ADMIN, INSPECTOR
    deps = r.deps

    # BKPSDM loads the office, its people, the supervisor links and the SKP plans.
    unit = {"id": UNIT, "name": "Kelurahan Belawan Bahari", "kind": "kelurahan", "parent_id": "kec-medan-belawan", "population_served": 1800,
            "services": [{"id": "sk-domisili", "name": "Surat keterangan domisili", "standard_days": 1},
                         {"id": "pengantar-ktp-kk", "name": "Pengantar KTP-el/KK", "standard_days": 1},
                         {"id": "sktm", "name": "Surat keterangan tidak mampu (SKTM)", "standard_days": 2}]}
    parent = {"id": "kec-medan-belawan", "name": "Kantor Camat Medan Belawan", "kind": "kecamatan"}
    r.call("PUT", "/api/admin/units", admin, body={"units": [parent, unit]})
    people = [
        {**lurah, "unit_id": UNIT, "email": "rahmat.siregar@belawanbahari.medan.go.id"},
        {**seklur, "unit_id": UNIT, "email": "nur.lubis@belawanbahari.medan.go.id", "supervisor_nip": lurah["nip"]},
        {**asn, "unit_id": UNIT, "email": "andi.nasution@belawanbahari.medan.go.id", "supervisor_nip": seklur["nip"]},
        {**asn2, "unit_id": UNIT, "email": "siti.harahap@belawanbahari.medan.go.id", "supervisor_nip": seklur["nip"], "status": "PPPK"},
        {**admin, "unit_id": "kec-medan-belawan", "email": "fajar.ramadhan@bkpsdm.medan.go.id", "role": "admin"},
        {**inspector, "unit_id": "kec-medan-belawan", "email": "dewi.sari@inspektorat.medan.go.id", "role": "inspektorat"},
        {**CAMAT, "unit_id": "kec-medan-belawan", "email": "zulkifli.matondang@medanbelawan.medan.go.id"},
    ]
    r.call("PUT", "/api/admin/employees", admin, body={"employees": people})
    r.call("PUT", "/api/admin/units", admin, body={"units": [{**parent, "head_nip": CAMAT["nip"]}, {**unit, "head_nip": lurah["nip"]}]})
    r.call("PUT", "/api/admin/supervisors", admin, body={"links": [{"nip": asn["nip"], "supervisor_nip": seklur["nip"]},
                                                                   {"nip": asn2["nip"], "supervisor_nip": seklur["nip"]}]})
    r.call("PUT", "/api/admin/skp", admin, body={"plans": [_plan(p["nip"]) for p in (lurah, seklur, asn, asn2)]})
    r.call("GET", "/api/admin/units", admin)
    # Lists come a page at a time: the next page starts after the last row of this one.
    staff = r.call("GET", "/api/admin/employees", admin, query={"unit_id": UNIT, "limit": 3})
    r.call("GET", "/api/admin/employees", admin, query={"unit_id": UNIT, "limit": 3, "cursor": staff["next_cursor"]})

    # The ASN reports October; the supervisor returns it, the ASN resubmits, the supervisor accepts.
    report = {"period": PERIOD, "narrative": "Menerbitkan 44 surat keterangan domisili dan memverifikasi 61 berkas pengantar KTP-el/KK.",
              "realisasi": [{"indicator_id": "IKI-1", "value": 44}, {"indicator_id": "IKI-2", "value": 97}, {"indicator_id": "IKI-3", "value": 1.5}],
              "evidence": ["https://drive.medan.go.id/bukti/belawan-bahari/2026-10/register-surat.pdf"]}
    # The register is photographed as a PDF: the phone asks for a target, PUTs the file, the checker judges it.
    scan = evidence_files.pdf("Register surat keterangan domisili, Oktober 2026")
    grant = r.call("POST", "/api/reports/evidence-uploads", asn,
                   body={"period": PERIOD, "filename": "register-surat-oktober.pdf", "content_type": "application/pdf", "size": len(scan)})
    object_name = evidence_object(asn["nip"], PERIOD, grant["upload_id"])
    generation = deps.storage.put_object(object_name, scan, "application/pdf")
    check_object(deps.uow, deps.storage, deps.settings, object_name, generation, len(scan), NOW)
    r.call("GET", "/api/reports/evidence-uploads/{upload_id}", asn, path={"upload_id": grant["upload_id"]})
    submitted = r.call("POST", "/api/reports", asn, body={**report, "files": [grant["upload_id"]]}, headers={"Idempotency-Key": "0c6f3a52-5d0e-4bd4-9a57-2f1f6b7e1c11"})
    report_id = submitted["report"]["id"]
    # The answer was lost on a weak signal; the phone sends the same request with the same key, and gets the first result.
    r.call("POST", "/api/reports", asn, body={**report, "files": [grant["upload_id"]]}, headers={"Idempotency-Key": "0c6f3a52-5d0e-4bd4-9a57-2f1f6b7e1c11"})
    other = {**report, "realisasi": [{"indicator_id": "IKI-1", "value": 30}, {"indicator_id": "IKI-2", "value": 88}, {"indicator_id": "IKI-3", "value": 3}]}
    r.call("POST", "/api/reports", asn2, body={**other, "narrative": "Melayani 30 permohonan domisili; dua hari sakit."})
    r.call("GET", "/api/team/reports", seklur, query={"period": PERIOD})
    values = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]
    r.call("POST", "/api/reports/{report_id}/review", seklur, path={"report_id": report_id},
           body={"decision": "return", "hasil_kerja": "sesuai_ekspektasi", "perilaku": dict.fromkeys(values, "sesuai_ekspektasi"),
                 "feedback": "Lampirkan register surat keluar sebagai bukti dukung IKI-1."})
    r.call("POST", "/api/reports", asn, body={**report, "files": [grant["upload_id"]], "evidence": [*report["evidence"], "https://drive.medan.go.id/bukti/belawan-bahari/2026-10/register-keluar.pdf"]})
    r.call("POST", "/api/reports/{report_id}/review", seklur, path={"report_id": report_id},
           body={"decision": "accept", "hasil_kerja": "di_atas_ekspektasi", "perilaku": {**dict.fromkeys(values, "sesuai_ekspektasi"), "berorientasi_pelayanan": "di_atas_ekspektasi"},
                 "feedback": "Bukti lengkap. Pertahankan waktu layanan di bawah dua hari.", "revision": 2})
    r.call("GET", "/api/reports/{report_id}", asn, path={"report_id": report_id})
    r.call("GET", "/api/reports/{report_id}/evidence/{evidence_id}", seklur, path={"report_id": report_id, "evidence_id": grant["upload_id"]})
    r.call("GET", "/api/me/performance", asn, query={"year": YEAR})

    # Citizens rate the service; complaints about SKTM pile up and open an investigation.
    r.call("GET", "/api/public/units/{unit_id}/survey", None, path={"unit_id": UNIT})
    profile = {"sex": "P", "age": 34, "education": "SMA", "occupation": "WIRAUSAHA"}
    r.call("POST", "/api/surveys", None, body=_survey("sk-domisili", 2, [4, 3, 4, 4, 3, 4, 4, 3, 3], "kiosk-7f3a9c21e4", profile=profile),
           headers={"X-Forwarded-For": "203.0.113.7, 35.191.0.1"})  # the citizen, then Hosting's CDN
    for i in range(4):
        r.call("POST", "/api/surveys", None, headers={"X-Forwarded-For": f"203.0.113.{20 + i}, 35.191.0.1"},
               body=_survey("sktm", 2, [3, 2, 1, 4, 2, 3, 1, 2, 2], f"web-sktm-000{i}",
                            feedback={"kind": "pengaduan", "text": "SKTM belum selesai setelah satu minggu; petugas meminta datang lagi."}))
    opened = on_survey_submitted(deps.uow, deps.settings.spike_rule, deps.settings.holiday_dates, UNIT, NOW)
    assert opened is not None, "the complaints should open an investigation"
    r.call("GET", "/api/public/units/{unit_id}/ikm", None, path={"unit_id": UNIT}, query={"period": "2026-11"})
    r.call("GET", "/api/units/{unit_id}/ikm", lurah, path={"unit_id": UNIT}, query={"from": "2026-01", "to": "2026-11", "weights": "exact"})
    r.call("GET", "/api/public/units/{unit_id}/skm", None, path={"unit_id": UNIT}, query={"period": "2026-11"})
    r.call("GET", "/api/public/units/{unit_id}/skm.pdf", None, path={"unit_id": UNIT}, query={"period": "2026-11"})
    r.call("GET", "/api/public/units/{unit_id}/poster.pdf", None, path={"unit_id": UNIT})
    r.call("GET", "/api/public/units/{unit_id}/poster.svg", None, path={"unit_id": UNIT}, query={"kiosk": True})
    r.call("GET", "/api/investigations", inspector, query={"status": "open"})
    r.call("GET", "/api/investigations/{investigation_id}", inspector, path={"investigation_id": opened.id})
    r.call("PATCH", "/api/investigations/{investigation_id}", inspector, path={"investigation_id": opened.id},
           body={"status": "in_progress", "note": "Diverifikasi dan diteruskan ke Lurah Belawan Bahari untuk ditindaklanjuti."})
    r.call("GET", "/api/dashboard/investigations", inspector)

    # BKPSDM scores October; each unit's message is delivered here by hand.
    run = r.call("POST", "/api/admin/scoring-runs", admin, body={"period": PERIOD})
    for event in [e for e in deps.publisher.published if e.type == "scoring.unit_requested"]:
        score_unit(deps.uow, deps.settings, event.data["run_id"], event.data["period"], event.data["unit_id"], NOW, finding_texts)
    r.call("GET", "/api/admin/scoring-runs/{run_id}", admin, path={"run_id": run["id"]})
    r.call("GET", "/api/admin/scoring-runs", admin, query={"period": PERIOD})
    r.call("GET", "/api/team/results", seklur, query={"period": PERIOD})
    r.call("GET", "/api/team/results.csv", seklur, query={"period": PERIOD})
    r.call("GET", "/api/team/results.xlsx", seklur, query={"period": PERIOD})
    r.call("GET", "/api/units/{unit_id}/results", lurah, path={"unit_id": UNIT}, query={"period": PERIOD})
    # The camat, leader above the kelurahan, sets its predikat from the performance agreement.
    r.call("POST", "/api/units/{unit_id}/predikat", CAMAT, path={"unit_id": UNIT}, body={
        "period": PERIOD, "predikat": "baik", "reason": "Perjanjian kinerja Oktober tercapai; dua layanan melewati standar waktu."})
    # Andi objects to October's predikat (keberatan); the sekretaris, who rated him, responds; the lurah, her own
    # supervisor, reads both sides and decides.
    objection = r.call("POST", "/api/objections", asn, body={
        "period": PERIOD, "reason": "Pelayanan kepada warga dinilai Sesuai, padahal 12 warga menyampaikan apresiasi tertulis bulan ini.",
        "evidence": ["https://drive.medan.go.id/bukti/belawan-bahari/2026-10/apresiasi-warga.pdf"]})
    r.call("GET", "/api/objections", lurah, query={"scope": "to_decide"})
    r.call("POST", "/api/objections/{objection_id}/response", seklur, path={"objection_id": objection["id"]}, body={
        "response": "Apresiasi warga benar ada; penilaian perilaku mengikuti enam nilai lain yang sesuai ekspektasi."})
    r.call("GET", "/api/objections/{objection_id}", lurah, path={"objection_id": objection["id"]})
    r.call("POST", "/api/objections/{objection_id}/decision", lurah, path={"objection_id": objection["id"]}, body={
        "decision": "partly_upheld", "perilaku_kerja": "di_atas_ekspektasi",
        "reason": "Apresiasi tertulis warga menunjukkan orientasi pelayanan di atas ekspektasi; Hasil Kerja tetap."})
    # The year: BKPSDM prepares the proposals, the supervisor decides, the lurah and BKPSDM read the unit's year.
    r.call("POST", "/api/admin/annual-runs", admin, body={"year": YEAR, "unit_id": UNIT})
    r.call("GET", "/api/team/annual", seklur, query={"year": YEAR})
    r.call("POST", "/api/team/annual/{nip}", seklur, path={"nip": asn["nip"]}, body={
        "year": YEAR, "hasil_kerja": "di_atas_ekspektasi", "perilaku_kerja": "sesuai_ekspektasi",
        "reason": "Surat keterangan selesai sebelum standar waktu hampir sepanjang tahun."})
    r.call("GET", "/api/units/{unit_id}/annual", lurah, path={"unit_id": UNIT}, query={"year": YEAR})
    r.call("GET", "/api/units/{unit_id}/annual.xlsx", admin, path={"unit_id": UNIT}, query={"year": YEAR})
    r.call("GET", "/api/units/{unit_id}/results.csv", admin, path={"unit_id": UNIT}, query={"period": PERIOD})
    r.call("GET", "/api/units/{unit_id}/results.xlsx", admin, path={"unit_id": UNIT}, query={"period": PERIOD})
    findings = r.call("GET", "/api/findings", lurah, query={"status": "open"})["findings"]
    if not findings:
        findings = r.call("GET", "/api/findings", lurah, query={"limit": 50})["findings"]
    assert findings, "the scoring should leave the lurah a finding to act on"
    r.call("PATCH", "/api/findings/{finding_id}", lurah, path={"finding_id": findings[0]["id"]},
           body={"status": "in_progress", "note": "Jadwal pelatihan manajemen waktu diajukan ke BKPSDM untuk Desember."})
    r.call("POST", "/api/trainings", asn, body={"title": "Pelatihan Pelayanan Publik Prima", "provider": "BPSDM Provinsi Sumatera Utara",
                                                "start_date": "2026-10-12", "end_date": "2026-10-14", "jp": 24,
                                                "certificate_url": "https://drive.medan.go.id/sertifikat/199107222015031002-pelayanan-prima.pdf"})
    r.call("GET", "/api/me/trainings", asn, query={"year": YEAR})
    r.call("GET", "/api/dashboard/me", asn)
    r.call("GET", "/api/dashboard/team", seklur, query={"period": PERIOD})
    r.call("GET", "/api/dashboard/units/{unit_id}", lurah, path={"unit_id": UNIT}, query={"period": PERIOD})

    # Notifications: the review reaches the ASN's inbox and phone.
    _deliver_review_notification(deps)
    r.call("PUT", "/api/me/preferences", asn, body={"language": "id", "opt_out": ["email"]})
    r.call("GET", "/api/me/preferences", asn)
    device = r.call("POST", "/api/me/devices", asn, body={"token": "eXq3kBa9RFy0belawanBahariAndi2", "kind": "fid", "platform": "android"})
    inbox = r.call("GET", "/api/me/notifications", asn, query={"limit": 20})
    r.call("POST", "/api/me/notifications/{notification_id}/read", asn, path={"notification_id": inbox["items"][0]["id"]})
    r.call("POST", "/api/me/notifications/read", asn, body={"ids": None})
    r.call("GET", "/api/admin/deliveries", admin, query={"nip": asn["nip"], "limit": 20})
    r.call("DELETE", "/api/me/devices/{device_id}", asn, path={"device_id": device["id"]})

    # Siti's invitation link expired before she opened it; BKPSDM sends another, and the audit log says so.
    r.call("POST", "/api/admin/employees/{nip}/invitation", admin, path={"nip": asn2["nip"]},
           body={"reason": "Tautan undangan pertama kedaluwarsa sebelum dibuka."})
    audit = r.call("GET", "/api/admin/audit", inspector, query={"nip": asn2["nip"], "limit": 2})
    while audit["next_cursor"]:
        audit = r.call("GET", "/api/admin/audit", inspector, query={"nip": asn2["nip"], "limit": 2, "cursor": audit["next_cursor"]})
    r.call("GET", "/api/openapi.json", None)


def _deliver_review_notification(deps: _Deps) -> None:
    from common.domain.notifications import Notification
    from common.services.notifications import deliver, plan_for_event

    class _Nowhere:  # no mail server or FCM here: the inbox is what the examples show
        configured = False

        def send(self, *args: Any, **kwargs: Any) -> None:
            return None

    for event in [e for e in deps.publisher.published if e.type == "report.reviewed"][-1:]:
        for notification in plan_for_event(deps.uow, event).notifications:
            deliver(deps.uow, _Nowhere(), _Nowhere(), Notification.model_validate(notification.model_dump()), NOW, deps.settings.base_url)


def record() -> dict[str, dict[str, Any]]:
    """The examples of the story, in a stable order."""
    examples = play().examples
    document = examples.get("GET /api/openapi.json")
    if document:  # the document's own example is its head, not itself
        document["response"] = {key: document["response"][key] for key in ("openapi", "info")}
    return dict(sorted(examples.items()))


def play() -> Recorder:
    """Play the story on a fixed day with fixed random ids, so the examples change only when the API does."""
    from common.domain import clock

    ids = random.Random(14)
    with contextlib.ExitStack() as stack:
        stack.callback(clock.install, clock.current())  # what reads the process clock (NIP dates) sees the story's day
        clock.install(clock.Clock.starting_at(NOW))
        stack.enter_context(mock.patch("uuid.uuid4", lambda: uuid.UUID(int=ids.getrandbits(128), version=4)))
        stack.enter_context(mock.patch("secrets.choice", ids.choice))
        stack.enter_context(mock.patch("secrets.token_hex", lambda n=32: ids.randbytes(n).hex()))
        recorder = Recorder()
        story(recorder)
    return recorder


def render(examples: dict[str, Any]) -> str:
    return json.dumps(examples, indent=2, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    group = parser.add_mutually_exclusive_group()
    group.add_argument("--write", action="store_true")
    group.add_argument("--check", action="store_true")
    args = parser.parse_args(argv)
    text = render(record())
    if args.write:
        EXAMPLES.write_text(text, encoding="utf-8")
        print(f"wrote {EXAMPLES}")
    elif args.check:
        if not EXAMPLES.exists() or EXAMPLES.read_text(encoding="utf-8") != text:
            print("docs/openapi-examples.json is stale: run `make openapi` and commit it", file=sys.stderr)
            return 1
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
