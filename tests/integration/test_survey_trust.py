"""A survey the public and the inspectorate can trust, black-box through HTTP on the emulators:
one phone cannot move the numbers or open an investigation, ten people can; no figure reveals
one respondent in any view; the investigated unit sees no complaint; a form post from another
site is refused; the receipt reaches no log."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
import requests

from common.domain.organisation import ServiceType, Unit
from common.services import administration
from tests.integration.org import make_org
from tools.client import Api

TEXT = {"kind": "pengaduan", "text": "Surat keterangan usaha saya belum selesai setelah seminggu."}


@pytest.fixture
def unit(uow, unique) -> Unit:
    unit = Unit(id=f"kel-percaya-{unique}", name=f"Kelurahan Percaya {unique}", population_served=1200, services=[
        ServiceType(id="sk-domisili", name="Domisili", standard_days=1),
        ServiceType(id="sktm", name="SKTM", standard_days=1),
        ServiceType(id="sk-usaha", name="Keterangan Usaha", standard_days=2),
    ])
    administration.load_units(uow, [unit])
    return unit


def survey(unit: Unit, clock, service: str = "sk-domisili", score: int = 3, **extra) -> dict:
    return {"unit_id": unit.id, "service_id": service, "service_date": clock.today().isoformat(),
            "answers": {f"U{i}": score for i in range(1, 10)}, **extra}


def sender(stack, address: str) -> Api:
    return Api(stack.api, source_address=address)


def wait_for(predicate, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if value := predicate():
            return value
        time.sleep(0.3)
    return predicate()


def picture(uow, unit_id: str) -> dict | None:
    return uow.client.collection("complaint_pictures").document(unit_id).get().to_dict()


def investigations(uow, unit_id: str) -> list[dict]:
    from google.cloud.firestore_v1.base_query import FieldFilter

    return [d.to_dict() for d in uow.client.collection("investigations").where(filter=FieldFilter("unit_id", "==", unit_id)).stream()]


def test_a_flood_from_one_phone_with_rotating_user_agents_opens_nothing(stack, uow, unit, clock):
    phone = sender(stack, "127.0.30.2")
    codes = [phone.post("/api/surveys", json=survey(unit, clock, score=1, feedback=TEXT), headers={"User-Agent": f"Mozilla/5.0 uji-{i}"}).status_code
             for i in range(40)]
    accepted = codes.count(201)
    assert accepted == 30 and set(codes[30:]) == {429}  # the daily cap per address and unit, whatever the User-Agent
    seen = wait_for(lambda: (p := picture(uow, unit.id)) and p["complaints"] == accepted and p)
    assert seen["senders"] == 1 and seen["spike"] is False
    time.sleep(2)  # the last events' handlers have had their turn
    assert investigations(uow, unit.id) == []


def test_ten_people_from_ten_addresses_do_open_one(stack, uow, unit, clock):
    for i in range(10):
        assert sender(stack, f"127.0.31.{i + 2}").post("/api/surveys", json=survey(unit, clock, feedback=TEXT)).status_code == 201
    found = wait_for(lambda: investigations(uow, unit.id))
    assert len(found) == 1 and found[0]["picture"]["counted_senders"] == 10 and found[0]["reason"] == "surge"
    # A low rating without a written complaint is dissatisfaction: counted apart, opens nothing.
    assert picture(uow, unit.id)["dissatisfied"] == 0


def test_no_view_shows_a_figure_for_fewer_than_five_respondents(stack, uow, accounts, unit, unique, clock):
    # This month: 6 for domisili, 1 for SKTM, 5 for keterangan usaha. SKTM's one answer is hidden,
    # and so is the smallest other service, or the unit minus the services shown would give it away.
    for i, service in enumerate(["sk-domisili"] * 6 + ["sktm"] + ["sk-usaha"] * 5):
        score = 1 if service == "sktm" else 3  # the one SKTM respondent's answers would stand out
        assert sender(stack, f"127.0.32.{i + 2}").post("/api/surveys", json=survey(unit, clock, service, score)).status_code == 201
    org = make_org(stack, uow, accounts, unique, size=1)
    public = requests.get(f"{stack.api}/api/public/units/{unit.id}/ikm", timeout=10).json()
    staff = org.team[0].api.get(f"/api/units/{unit.id}/ikm").json()
    skm = requests.get(f"{stack.api}/api/public/units/{unit.id}/skm", timeout=10).json()
    for view in (public, staff, skm):
        services = {s["service_id"]: s["result"] for s in view["services"]}
        assert services["sk-domisili"]["n"] == 6 and services["sk-domisili"]["ikm"] == 75.0
        assert services["sktm"]["ikm"] is None and services["sktm"]["nrr"] is None
        assert services["sk-usaha"]["ikm"] is None and services["sk-usaha"]["nrr"] is None  # hidden with it
        assert view["result"]["n"] == 12  # the unit's own figure counts everyone
    dashboard = org.admin.api.get(f"/api/dashboard/units/{unit.id}").json()
    assert dashboard["ikm_year"]["n"] == 12
    pdf = requests.get(f"{stack.api}/api/public/units/{unit.id}/skm.pdf", timeout=20)
    import io

    from pypdf import PdfReader

    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.content)).pages)
    assert pdf.status_code == 200 and text.count("ditampilkan") == 2  # SKTM and Keterangan Usaha: "Tidak ditampilkan (kurang dari 5 responden)", as on the page


def test_a_difference_of_two_periods_reveals_no_one(stack, uow, unit):
    """July has six respondents, August one: the quarter leaves August out, so Q3 minus July is nothing."""
    from common.domain.clock import utcnow
    from common.services import surveys

    row = lambda score: surveys.PaperResponse.model_validate({"service_id": "sk-domisili", "answers": {f"U{i}": score for i in range(1, 10)}})  # noqa: E731
    surveys.import_paper(uow, unit.id, "2025-07", [row(3)] * 6, utcnow())
    surveys.import_paper(uow, unit.id, "2025-08", [row(1)], utcnow())
    ask = lambda **params: requests.get(f"{stack.api}/api/public/units/{unit.id}/ikm", params=params, timeout=10).json()["result"]  # noqa: E731
    july, august, quarter = ask(period="2025-07"), ask(period="2025-08"), ask(period="2025-Q3")
    ranged = ask(**{"from": "2025-07", "to": "2025-08"})
    assert july["n"] == quarter["n"] == ranged["n"] == 6 and july["ikm"] == quarter["ikm"] == ranged["ikm"] == 75.0
    assert august["ikm"] is None and august["withheld"] == {"months": ["2025-08"], "responses": 1}
    assert quarter["withheld"] == {"months": ["2025-08"], "responses": 1}


def test_the_investigated_units_dashboard_shows_no_complaint(stack, uow, accounts, unit, unique, clock):
    from tools.enrol import enrol

    org = make_org(stack, uow, accounts, unique, size=1)
    # The boss becomes the unit's head: named its head, and working there.
    enrol(stack, uow, [org.boss.employee.model_copy(update={"unit_id": unit.id})], "-", reason="kepala unit baru")
    administration.load_units(uow, [unit.model_copy(update={"head_nip": org.boss.nip})])
    texts = [f"Pungutan liar di loket, nomor {i}" for i in range(10)]
    for i, text in enumerate(texts):
        body = survey(unit, clock, feedback={"kind": "pengaduan", "text": text})
        assert sender(stack, f"127.0.33.{i + 2}").post("/api/surveys", json=body).status_code == 201
    (investigation,) = wait_for(lambda: investigations(uow, unit.id))
    from tests.integration.org import PASSWORD
    from tools.client import sign_in

    head = Api(stack.api, sign_in(stack.auth, org.boss.employee.email, PASSWORD))
    response = head.get(f"/api/dashboard/units/{unit.id}")
    assert response.status_code == 200, response.text
    raw = response.text
    assert investigation["id"] in raw
    assert not any(text in raw for text in texts)
    assert not any(c["receipt"] in raw for c in investigation["complaints"])
    (shown,) = response.json()["investigations"]
    assert set(shown) == {"id", "unit_id", "status", "opened_at", "due"}


def test_a_post_without_json_content_type_is_refused_and_writes_nothing(stack, uow, unit, clock):
    body = json.dumps(survey(unit, clock))
    for headers in ({}, {"Content-Type": "text/plain"}, {"Content-Type": "application/x-www-form-urlencoded"}):
        response = requests.post(f"{stack.api}/api/surveys", data=body, headers=headers, timeout=10)
        assert response.status_code == 415 and response.json()["error"]["code"] == "unsupported_media_type"
    assert uow.surveys.totals(unit.id, [clock.today().strftime("%Y-%m")])[0] == 0


def test_a_client_key_is_bound_to_its_answers(stack, unit, clock, unique):
    kiosk = sender(stack, "127.0.34.2")
    first = kiosk.post("/api/surveys", json=survey(unit, clock, client_key=f"kiosk-{unique}"))
    again = kiosk.post("/api/surveys", json=survey(unit, clock, client_key=f"kiosk-{unique}"))
    other = kiosk.post("/api/surveys", json=survey(unit, clock, score=4, client_key=f"kiosk-{unique}"))
    assert (first.status_code, again.status_code) == (201, 201) and again.json()["receipt"] == first.json()["receipt"]
    assert other.status_code == 422 and other.json()["error"]["code"] == "survey_key_reused"


def test_the_receipt_reaches_no_log_line(stack, uow, unit, clock):
    response = sender(stack, "127.0.35.2").post("/api/surveys", json=survey(unit, clock, feedback=TEXT))
    receipt = response.json()["receipt"]
    assert wait_for(lambda: (p := picture(uow, unit.id)) and p["complaints"] == 1)  # its event has been handled
    logs = "".join(path.read_text(errors="replace") for path in Path(stack.state_dir, "logs").glob("*.log"))
    assert response.headers["X-Request-Id"] in logs and receipt not in logs


def test_the_pages_carry_the_security_headers(stack):
    for path in ("/survei/kel-belawan-1", "/hasil/kel-belawan-1", "/laporan-skm/kel-belawan-1", "/dashboard", "/akun"):
        response = requests.get(f"{stack.api}{path}", timeout=10)
        policy = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy, path
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Referrer-Policy"] == "strict-origin-when-cross-origin"
