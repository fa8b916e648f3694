"""The dashboard's data endpoints and the documents, through HTTP on the local stack:
authenticated, role-checked, the JSON error shape, and the numbers right."""

from __future__ import annotations

import csv
import io
import time

import pytest
import requests

from common.domain.organisation import Role, ServiceType
from common.domain.period import period_of
from common.services import administration
from tests import factories as f
from tests.integration.org import PASSWORD, make_org
from tests.integration.test_report_flow import body, review
from tools.client import Api, sign_in
from tools.enrol import enrol


@pytest.fixture(scope="module")
def world(stack, uow, accounts, clock):
    from common.services.scoring import run_progress, start_run

    period = period_of(clock.now())
    org = make_org(stack, uow, accounts, "dash", size=3)
    unit = uow.units.get(org.unit_id)
    administration.load_units(uow, [unit.model_copy(update={
        "head_nip": org.boss.nip, "population_served": 100,
        "services": [ServiceType(id="sk-domisili", name="Surat Keterangan Domisili", standard_days=1)]})])
    good, late_one, _silent = org.team
    rid = good.api.post("/api/reports", json=body(period, **{"IKI-1": 44, "IKI-2": 95, "IKI-3": 2})).json()["report"]["id"]
    org.boss.api.post(f"/api/reports/{rid}/review", json=review("accept"))
    late_one.api.post("/api/reports", json=body(period, **{"IKI-1": 20}))
    today = clock.today().isoformat()
    for i, score in enumerate([4, 3, 3, 2, 3]):  # five people: as few as a figure may be shown for
        answers = {f"U{k}": score for k in range(1, 10)}
        sender = Api(stack.api, source_address=f"127.0.20.{i + 2}")
        r = sender.post("/api/surveys", json={"unit_id": org.unit_id, "service_id": "sk-domisili", "service_date": today,
                                              "answers": answers, "profile": {"sex": "P" if i % 2 else "L", "age": 30 + 10 * i}})
        assert r.status_code == 201, r.text
    inspector = f.employee(org.unit_id, role=Role.INSPEKTORAT, email="irban.dash@uji.example")
    enrol(stack, uow, [inspector], PASSWORD)
    run = start_run(uow, period, "test", clock.now())
    deadline = time.monotonic() + 90
    while run.status == "running" and time.monotonic() < deadline:
        time.sleep(0.5)
        run = run_progress(uow, run.id)
    return {"org": org, "period": period, "inspector": Api(stack.api, sign_in(stack.auth, inspector.email, PASSWORD))}


def test_who_sees_which_view(world):
    org = world["org"]
    head_units = org.boss.api.get("/api/dashboard/me").json()["units"]
    assert head_units == [{"id": org.unit_id, "name": head_units[0]["name"]}]
    assert any(u["id"] == org.unit_id for u in world["inspector"].get("/api/dashboard/me").json()["units"])
    assert org.boss.api.get("/api/dashboard/me").json()["views"] == ["team", "unit"]
    assert org.team[0].api.get("/api/dashboard/me").json()["views"] == []
    assert org.admin.api.get("/api/dashboard/me").json()["views"] == ["unit", "investigations", "runs"]
    assert world["inspector"].get("/api/dashboard/me").json()["views"] == ["unit", "investigations"]


def test_the_supervisors_view(world):
    org = world["org"]
    view = org.boss.api.get("/api/dashboard/team", params={"period": world["period"]})
    assert view.status_code == 200, view.text
    data = view.json()
    assert data["reports"]["counts"]["accepted"] == 1 and data["reports"]["counts"]["waiting_review"] == 1
    trend = {t["nip"]: t["points"][-1] for t in data["trends"]}
    assert trend[org.team[0].nip] == {"period": world["period"], "capaian": 1.0333}  # 44/40 = 1.1, 95/95 = 1, 2/2 = 1: mean 1.0333
    assert trend[org.team[2].nip]["capaian"] is None
    refused = org.team[0].api.get("/api/dashboard/team")
    assert refused.status_code == 403 and set(refused.json()["error"]) == {"code", "message", "details", "request_id"}


def test_the_unit_view_for_the_head_and_bkpsdm_only(world):
    org = world["org"]
    for who in (org.boss.api, org.admin.api, world["inspector"]):
        response = who.get(f"/api/dashboard/units/{org.unit_id}", params={"period": world["period"]})
        assert response.status_code == 200, response.text
    data = response.json()
    month = next(m for m in data["ikm_by_month"] if m["period"] == world["period"])
    assert month["n"] == 5 and month["ikm"] == 75.0 and month["mutu"] == "C" and not month["withheld"]
    assert [u["nrr"] for u in data["unsur"]] == [3.0] * 9
    assert {p["nip"] for p in data["missing"]} == {org.team[2].nip, org.boss.nip}
    assert sum(bar["count"] for bar in data["curve"]) == 1
    assert org.team[1].api.get(f"/api/dashboard/units/{org.unit_id}").status_code == 403
    assert org.admin.api.get("/api/dashboard/units/kel-tidak-ada").status_code == 404
    assert Api(org.admin.api.base).get(f"/api/dashboard/units/{org.unit_id}").status_code == 401


def test_the_inspectorates_view(world):
    data = world["inspector"].get("/api/dashboard/investigations")
    assert data.status_code == 200
    assert set(data.json()) == {"investigations", "by_unit", "overdue", "unit_names"}
    assert world["org"].team[0].api.get("/api/dashboard/investigations").status_code == 403


def test_the_skm_report_as_pdf_carries_the_ikm_and_mutu(world, stack):
    from pypdf import PdfReader

    org = world["org"]
    data = requests.get(f"{stack.api}/api/public/units/{org.unit_id}/skm", params={"period": world["period"]}, timeout=10).json()
    assert data["result"]["ikm"] == 75.0 and data["result"]["n"] == 5
    # Three men, two women; one person in each of four age bands: every band is too small to show.
    assert {c["label"]: c["count"] for c in data["respondents"]["sex"]} == {"Laki-laki": None, "Perempuan": None}
    assert [c["count"] for c in data["respondents"]["age"]] == [0, None, None, None, None]
    assert len(data["plan"]) == 3 and all(p["action"] for p in data["plan"])
    pdf = requests.get(f"{stack.api}/api/public/units/{org.unit_id}/skm.pdf", params={"period": world["period"]}, timeout=20)
    assert pdf.status_code == 200 and pdf.headers["Content-Type"] == "application/pdf"
    # Justified lines come out of the PDF with wider gaps between words: compare words, not spaces.
    text = " ".join(" ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert "LAPORAN HASIL SURVEI KEPUASAN MASYARAKAT" in text
    assert "Indeks Kepuasan Masyarakat (IKM): 75,00" in text and "Mutu pelayanan: C (Kurang Baik)" in text  # as the page writes it
    flat = " ".join(text.split())  # a line may wrap anywhere, and a justified one has wider gaps
    # 100 served a year: a month's sample is that of 9 people (pro rata), 9, and five answered.
    assert "Rencana tindak lanjut" in flat and "sampel minimal Krejcie-Morgan (9 responden untuk populasi 9 orang)" in flat
    bad = requests.get(f"{stack.api}/api/public/units/{org.unit_id}/skm.pdf", params={"period": "kemarin"}, timeout=10)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "ikm_period_invalid"


def test_results_as_xlsx_and_csv(world):
    from openpyxl import load_workbook

    org = world["org"]
    xlsx = org.admin.api.get(f"/api/units/{org.unit_id}/results.xlsx", params={"period": world["period"]})
    assert xlsx.status_code == 200 and "spreadsheetml" in xlsx.headers["Content-Type"]
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    header = rows.index(next(r for r in rows if r and r[0] == "NIP"))
    people = {r[0]: r for r in rows[header + 1 :]}
    assert people[org.team[0].nip][4] == "scored" and people[org.team[0].nip][9] == "baik"
    assert people[org.team[2].nip][4] == "no_report"
    team_csv = org.boss.api.get("/api/team/results.csv", params={"period": world["period"]})
    assert team_csv.status_code == 200 and team_csv.headers["Content-Type"].startswith("text/csv")
    parsed = list(csv.reader(io.StringIO(team_csv.content.decode("utf-8-sig")), delimiter=";"))  # id-ID Excel's separator
    assert parsed[0][:2] == ["NIP", "Nama"] and {r[0] for r in parsed[1:]} == {m.nip for m in org.team}
    commas = org.boss.api.get("/api/team/results.csv", params={"period": world["period"], "separator": "comma"})
    assert list(csv.reader(io.StringIO(commas.content.decode("utf-8-sig"))))[0][:2] == ["NIP", "Nama"]
    assert org.team[0].api.get("/api/team/results.xlsx", params={"period": world["period"]}).status_code == 403
    assert org.team[0].api.get(f"/api/units/{org.unit_id}/results.csv", params={"period": world["period"]}).status_code == 403
