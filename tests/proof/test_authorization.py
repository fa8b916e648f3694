"""Every endpoint against every kind of caller, through HTTP on the local stack."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests

from common.domain.period import period_of
from tests.proof.authorization import CALLERS, markdown, table

ROOT = Path(__file__).resolve().parents[2]
BERAKHLAK = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]


def bodies(callers, uow, clock) -> dict:
    unit = uow.units.get(callers.unit_id)
    today = clock.today().isoformat()
    return {
        "stale_review": {"decision": "accept", "hasil_kerja": "sesuai_ekspektasi", "perilaku": {v: "sesuai_ekspektasi" for v in BERAKHLAK},
                         "revision": 999},
        "training_for_asn": {"nip": callers.org.team[0].nip, "title": "Pelayanan Prima", "provider": "BKPSDM", "start_date": today,
                             "end_date": today, "jp": 8},
        "units": {"units": [unit.model_dump(mode="json")]},
        "survey": {"unit_id": callers.unit_id, "service_id": "sk-uji", "service_date": today, "answers": {f"U{i}": 3 for i in range(1, 10)}},
        "evidence_upload": {"period": period_of(clock.now()), "filename": "bukti.pdf", "content_type": "application/pdf", "size": 1000},
    }


def attached_upload(stack, callers, clock) -> str:
    """A verified PDF of the ASN, attached to their report: uploaded and checked as the app does."""
    import time

    from tests import evidence_files
    from tests.integration.test_report_flow import body

    asn = callers.org.team[0]
    data = evidence_files.pdf()
    period = period_of(clock.now())
    grant = asn.api.post("/api/reports/evidence-uploads", json={"period": period, "filename": "bukti.pdf",
                                                                 "content_type": "application/pdf", "size": len(data)}).json()
    assert requests.put(grant["url"], data=data, headers=grant["headers"], timeout=30).status_code == 200
    deadline = time.monotonic() + 30
    while asn.api.get(f"/api/reports/evidence-uploads/{grant['upload_id']}").json()["status"] == "pending" and time.monotonic() < deadline:
        time.sleep(0.2)
    response = asn.api.post("/api/reports", json={**body(period), "files": [grant["upload_id"]]})
    assert response.status_code in (200, 201) and response.json()["report"]["id"] == callers.report_id, response.text
    return grant["upload_id"]


@pytest.fixture(scope="module")
def prepared(stack, callers, uow, clock):
    from common.domain.organisation import ServiceType
    from common.services import administration

    unit = uow.units.get(callers.unit_id)
    if not unit.services:
        administration.load_units(uow, [unit.model_copy(update={"services": [ServiceType(id="sk-uji", name="Layanan Uji", standard_days=1)]})])
    return {**bodies(callers, uow, clock), "_upload": attached_upload(stack, callers, clock)}


@pytest.mark.parametrize("entry", table(), ids=lambda e: f"{e['method']} {e['path']}")
def test_who_may_do_what(stack, callers, prepared, entry, clock):
    path = (entry["path"].replace("{report}", callers.report_id).replace("{unit}", callers.unit_id)
            .replace("{asn_nip}", callers.org.team[0].nip).replace("{period}", period_of(clock.now()))
            .replace("{upload}", prepared["_upload"]))
    body = prepared.get(entry["body"], entry["body"]) if isinstance(entry["body"], str) else entry["body"]
    seen = {}
    for i, caller in enumerate(CALLERS):
        token = callers.tokens[caller]
        headers = {"X-Forwarded-For": f"192.0.2.{i + 1}"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        response = requests.request(entry["method"], f"{stack.api}{path}", json=body, headers=headers, timeout=30)
        seen[caller] = "ok" if 200 <= response.status_code < 300 else response.status_code
        if response.status_code >= 400:
            assert response.headers["Content-Type"].startswith("application/json")
            assert set(response.json()["error"]) == {"code", "message", "details", "request_id"}
    assert seen == entry["expected"]


def test_the_readme_shows_the_current_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert markdown() in readme, "README.md's authorization table is stale: paste `python -m tests.proof.authorization`"
