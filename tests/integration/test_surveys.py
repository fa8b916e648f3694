"""The public survey through HTTP on the local stack: intake, abuse limits, IKM,
complaints that open investigations (through the real survey_events function),
and the inspectorate's work on them."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from google.cloud.firestore_v1.base_query import FieldFilter

from common.domain.clock import current
from common.domain.organisation import ServiceType, Unit
from common.domain.period import period_of
from common.services import administration
from common.settings import Settings
from tests.integration.bus import Tap
from tests.integration.org import make_org
from tools.client import Api

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def unit(uow, unique):
    unit = Unit(
        id=f"kel-skm-{unique}",
        name=f"Kelurahan SKM {unique}",
        services=[ServiceType(id="sk-domisili", name="Surat Keterangan Domisili", standard_days=1),
                  ServiceType(id="sktm", name="SKTM", standard_days=1)],
        population_served=100,
    )
    administration.load_units(uow, [unit])
    return unit


def body(unit: Unit, scores: dict[str, int] | int = 3, **extra) -> dict:
    answers = scores if isinstance(scores, dict) else {f"U{i}": scores for i in range(1, 10)}
    return {"unit_id": unit.id, "service_id": "sk-domisili", "service_date": current().today().isoformat(), "answers": answers, **extra}


_senders: dict[str, Api] = {}


def post(stack, payload: dict, device: str = "127.0.10.7", **kwargs) -> requests.Response:
    """A survey sent from the loopback address ``device``: a sender of its own, as the stack's
    Hosting sees it (an X-Forwarded-For the sender writes is not believed)."""
    api = _senders.setdefault(device, Api(stack.api, source_address=device))
    headers = {"User-Agent": "Mozilla/5.0 (Linux; Android 10) uji", **kwargs.pop("headers", {})}
    return api.post("/api/surveys", json=payload, headers=headers, **kwargs)


def test_a_response_is_stored_and_announced(stack, uow, unit, clock):
    tap = Tap(stack.project, "survey-submitted")
    try:
        response = post(stack, body(unit, 4, profile={"sex": "P", "age": 41, "education": "SMA", "occupation": "WIRAUSAHA"},
                                    feedback={"kind": "saran", "text": "Pertahankan."}, served_by="Loket 1"))
        assert response.status_code == 201, response.text
        receipt = response.json()["receipt"]
        stored = uow.surveys.get(receipt)
        assert stored.unit_id == unit.id and stored.period == period_of(clock.now()) and not stored.complaint
        assert stored.profile.sex == "P" and stored.served_by == "Loket 1"
        assert stored.submitted_at.minute == stored.submitted_at.second == stored.submitted_at.microsecond == 0  # the hour only
        events = tap.pull(lambda seen: any(e["data"].get("unit_id") == unit.id for e in seen))
        mine = [e for e in events if e["data"].get("unit_id") == unit.id]
        assert len(mine) == 1 and receipt not in json.dumps(mine)  # the receipt never reaches an event, a log or a request id
        raw = uow.client.collection("surveys").document(receipt).get().to_dict()
        assert not {"ip", "address", "user_agent", "client"} & set(raw)  # nothing that points back at the sender
    finally:
        tap.close()


def test_the_form_data_of_a_unit(stack, unit):
    response = requests.get(f"{stack.api}/api/public/units/{unit.id}/survey", timeout=10)
    assert response.status_code == 200
    data = response.json()
    assert [s["id"] for s in data["services"]] == ["sk-domisili", "sktm"]
    assert [u["code"] for u in data["unsur"]] == [f"U{i}" for i in range(1, 10)]
    assert data["unsur"][3]["labels"] == ["Sangat mahal", "Cukup mahal", "Murah", "Gratis"]
    assert "public" in response.headers["Cache-Control"]
    assert data["service_date_max_age_days"] == 90 and data["human_check"] == {"kind": "off", "site_key": None, "action": None}
    missing = requests.get(f"{stack.api}/api/public/units/kel-tidak-ada/survey", timeout=10)
    assert missing.status_code == 404 and missing.json()["error"]["code"] == "unit_not_found"


def test_an_office_without_services_has_no_survey_yet(stack, uow, unique):
    administration.load_units(uow, [Unit(id=f"badan-{unique}", name="Badan Tanpa Layanan", kind="badan")])
    response = requests.get(f"{stack.api}/api/public/units/badan-{unique}/survey", timeout=10)
    assert response.status_code == 404 and response.json()["error"]["code"] == "survey_not_available"


def test_a_resend_with_the_same_key_returns_the_first_receipt(stack, uow, unit, unique, clock):
    payload = body(unit, client_key=f"form-{unique}-0001")
    first, second = post(stack, payload), post(stack, payload)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json()["receipt"] == first.json()["receipt"] and second.json()["replayed"] is True
    assert uow.surveys.totals(unit.id, [period_of(clock.now())])[0] == 1


def wait_clear_of_midnight(clock, margin: int = 60) -> None:
    """The daily cap counts per day in WIB: start well inside one, so a burst cannot straddle two."""
    from datetime import datetime, timedelta
    from datetime import time as clock_time

    from common.domain.clock import WIB

    midnight = datetime.combine(clock.today() + timedelta(days=1), clock_time(0), tzinfo=WIB)
    left = (midnight - clock.now()).total_seconds()
    if left < margin:
        time.sleep(left + 1)


def test_the_daily_cap_is_per_address_and_unit_and_a_refusal_writes_nothing(stack, uow, unit, clock):
    device = "127.0.10.99"
    cap = Settings.model_fields["survey_daily_limit"].default
    wait_clear_of_midnight(clock)
    codes = [post(stack, body(unit), device=device, headers={"User-Agent": f"uji-{i}"}).status_code for i in range(cap + 1)]
    assert codes[:cap] == [201] * cap and codes[cap] == 429  # a new User-Agent each time changes nothing
    limited = post(stack, body(unit), device=device, headers={"X-Forwarded-For": "198.51.100.1"})  # nor a forged address
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) > 0
    assert limited.json()["error"]["code"] == "rate_limited"
    assert post(stack, body(unit), device="127.0.10.100").status_code == 201
    assert uow.surveys.totals(unit.id, [period_of(clock.now())])[0] == cap + 1
    stored = [(d.id, d.to_dict()) for d in uow.client.collection("rate_limits").stream()]
    assert stored and not any("127.0.10" in str(d) for d in stored)  # a salted hash, never the address


def test_strict_validation(stack, unit):
    missing_u3 = body(unit)
    del missing_u3["answers"]["U3"]
    response = post(stack, missing_u3)
    assert response.status_code == 422
    assert [(d["field"], d["code"]) for d in response.json()["error"]["details"]] == [("answers.U3", "missing")]
    out_of_range = post(stack, body(unit, {**{f"U{i}": 3 for i in range(1, 10)}, "U5": 5}))
    assert [d["field"] for d in out_of_range.json()["error"]["details"]] == ["answers.U5"]
    for personal in ({"nama": "Budi"}, {"nik": "1271011201900001"}, {"no_hp": "081234567890"}, {"email": "budi@contoh.id"}):
        refused = post(stack, body(unit, **personal))
        assert refused.status_code == 422 and refused.json()["error"]["details"][0]["code"] == "extra_forbidden"
    unknown_service = post(stack, body(unit, service_id="izin-tambang"))
    assert unknown_service.status_code == 422 and unknown_service.json()["error"]["details"][0]["code"] == "service_unknown"
    long_text = post(stack, body(unit, feedback={"kind": "pengaduan", "text": "x" * 2001}))
    assert long_text.status_code == 422 and long_text.json()["error"]["details"][0]["field"] == "feedback.text"


def test_bodies_over_16_kib_are_refused(stack, unit):
    payload = body(unit, feedback={"kind": "saran", "text": "x" * 2000}, padding="y" * 16 * 1024)
    response = post(stack, payload)
    assert response.status_code == 413 and response.json()["error"]["code"] == "payload_too_large"


def test_ikm_online_matches_the_offline_csv_calculation(stack, unit, tmp_path):
    rows = [
        {"U1": 3, "U2": 3, "U3": 2, "U4": 4, "U5": 3, "U6": 3, "U7": 4, "U8": 3, "U9": 3},
        {"U1": 4, "U2": 4, "U3": 3, "U4": 4, "U5": 4, "U6": 4, "U7": 4, "U8": 3, "U9": 3},
        {"U1": 3, "U2": 3, "U3": 3, "U4": 4, "U5": 3, "U6": 3, "U7": 3, "U8": 3, "U9": 2},
        {"U1": 3, "U2": 3, "U3": 2, "U4": 4, "U5": 3, "U6": 3, "U7": 4, "U8": 3, "U9": 3},
        {"U1": 4, "U2": 4, "U3": 3, "U4": 4, "U5": 4, "U6": 4, "U7": 4, "U8": 3, "U9": 3},
    ]
    for i, scores in enumerate(rows[:4]):
        assert post(stack, body(unit, scores), device=f"127.0.11.{i + 2}").status_code == 201
    withheld = requests.get(f"{stack.api}/api/public/units/{unit.id}/ikm", timeout=10).json()
    assert withheld["result"]["n"] == 0 and withheld["result"]["ikm"] is None and withheld["result"]["nrr"] is None  # four: nothing shown
    assert withheld["result"]["withheld"]["responses"] == 4 and withheld["min_respondents"] == 5
    assert post(stack, body(unit, rows[4]), device="127.0.11.9").status_code == 201
    online = requests.get(f"{stack.api}/api/public/units/{unit.id}/ikm", timeout=10).json()
    csv = tmp_path / "paper.csv"
    csv.write_text("U1,U2,U3,U4,U5,U6,U7,U8,U9\n" + "\n".join(",".join(str(r[f"U{i}"]) for i in range(1, 10)) for r in rows) + "\n")
    offline = subprocess.run([sys.executable, "-m", "common.cli", "ikm", "--csv", str(csv), "--population", "100"],
                             cwd=ROOT, capture_output=True, text=True, check=True)
    expected = json.loads(offline.stdout)
    assert online["result"]["ikm"] == expected["ikm"] == 82.78
    assert online["result"]["nrr"] == expected["nrr"]
    assert online["result"]["mutu"] == expected["mutu"] == "B"
    assert online["result"]["weakest"] == ["U3"]
    # The unit serves 100 a year: a month is held against 9 (pro rata), all of whom are the sample.
    assert online["result"]["sample"] == {"population": 9, "required": 9, "reached": False, "annual_population": 100, "basis": "pro_rata"}
    assert online["services"][0]["result"]["n"] == 5 and online["services"][1]["result"]["n"] == 0
    rounded = requests.get(f"{stack.api}/api/public/units/{unit.id}/ikm", params={"weights": "rounded"}, timeout=10).json()
    assert rounded["result"]["ikm"] == 82.7


def test_ikm_periods_and_staff_access(stack, uow, accounts, unit, unique, clock):
    year = clock.today().year
    for spec in (f"{year}", f"{year}-Q4", f"{year}-S2"):
        assert requests.get(f"{stack.api}/api/public/units/{unit.id}/ikm", params={"period": spec}, timeout=10).status_code == 200
    ranged = requests.get(f"{stack.api}/api/public/units/{unit.id}/ikm", params={"from": f"{year}-01", "to": f"{year}-03"}, timeout=10)
    assert ranged.json()["period"]["months"] == [f"{year}-01", f"{year}-02", f"{year}-03"]
    bad = requests.get(f"{stack.api}/api/public/units/{unit.id}/ikm", params={"period": "kemarin"}, timeout=10)
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "ikm_period_invalid"
    assert requests.get(f"{stack.api}/api/units/{unit.id}/ikm", timeout=10).status_code == 401
    staff = make_org(stack, uow, accounts, unique, size=1).team[0]
    assert staff.api.get(f"/api/units/{unit.id}/ikm").status_code == 200


def wait_for(predicate, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if (value := predicate()):
            return value
        time.sleep(0.3)
    return predicate()


def test_a_complaint_spike_opens_one_investigation_even_when_events_repeat(stack, uow, accounts, unit, unique):
    from google.cloud import pubsub_v1

    opened_tap = Tap(stack.project, "investigation-opened")
    submitted_tap = Tap(stack.project, "survey-submitted")
    try:
        receipts = []
        for i in range(10):
            complaint = body(unit, {**{f"U{k}": 3 for k in range(1, 10)}, "U3": 1},
                             feedback={"kind": "pengaduan", "text": f"Surat saya belum selesai ({i})."})
            response = post(stack, complaint, device=f"127.0.12.{i + 2}")
            assert response.status_code == 201
            receipts.append(response.json()["receipt"])

        def investigations():
            return [d.to_dict() for d in uow.client.collection("investigations").where(filter=FieldFilter("unit_id", "==", unit.id)).stream()]

        found = wait_for(lambda: investigations())
        assert len(found) == 1, found
        # Deliver every survey-submitted message again, in reverse order, straight onto the topic.
        delivered = submitted_tap.pull(lambda seen: len([e for e in seen if e["data"].get("unit_id") == unit.id]) >= 10)
        mine = [e for e in delivered if e["data"].get("unit_id") == unit.id]
        publisher = pubsub_v1.PublisherClient()
        topic = publisher.topic_path(stack.project, "survey-submitted")
        for event in reversed(mine):
            attributes = {k: v for k, v in event.pop("_attributes").items()}
            publisher.publish(topic, json.dumps(event).encode(), **attributes).result(timeout=10)
        time.sleep(3)
        assert len(investigations()) == 1
        opened = opened_tap.pull(lambda seen: any(e["data"]["unit_id"] == unit.id for e in seen))
        assert len([e for e in opened if e["data"]["unit_id"] == unit.id]) == 1

        (investigation,) = investigations()
        assert investigation["status"] == "open" and investigation["reason"] == "surge"
        assert {c["receipt"] for c in investigation["complaints"]} == set(receipts)
        assert investigation["complaints"][0]["low_unsur"] == ["U3"]
        picture = uow.client.collection("complaint_pictures").document(unit.id).get().to_dict()
        assert picture["complaints"] >= 10

        # The inspectorate works it; others may not.
        org = make_org(stack, uow, accounts, unique, size=1)
        inspector = _inspector(stack, uow, accounts, unique, org.unit_id)
        listed = inspector.get("/api/investigations", params={"unit_id": unit.id}).json()["investigations"]
        assert [i["id"] for i in listed] == [investigation["id"]]
        assert listed[0]["due"]["verify_by"] > listed[0]["opened_at"][:10]
        assert org.team[0].api.get("/api/investigations").status_code == 403
        path = f"/api/investigations/{investigation['id']}"
        assert org.admin.api.request("PATCH", path, json={"status": "in_progress"}).status_code == 403
        assert inspector.request("PATCH", path, json={"status": "in_progress", "note": "Klarifikasi ke lurah"}).status_code == 200
        refused = inspector.request("PATCH", path, json={"status": "closed"})
        assert refused.status_code == 422 and refused.json()["error"]["code"] == "findings_required"
        closed = inspector.request("PATCH", path, json={"status": "closed", "findings": "Satu petugas loket cuti panjang tanpa pengganti."})
        assert closed.status_code == 200 and closed.json()["status"] == "closed"
        assert inspector.request("PATCH", path, json={"status": "open"}).status_code == 409
    finally:
        opened_tap.close()
        submitted_tap.close()


def _inspector(stack, uow, accounts, unique, unit_id):
    from common.domain.organisation import Role
    from tests import factories as f
    from tests.integration.org import PASSWORD
    from tools.client import Api, sign_in
    from tools.enrol import enrol

    person = f.employee(unit_id, role=Role.INSPEKTORAT, email=f"irban.{unique}@uji.example")
    enrol(stack, uow, [person], PASSWORD)
    return Api(stack.api, sign_in(stack.auth, person.email, PASSWORD))


def test_paper_surveys_import_through_the_command_line(stack, uow, unit, tmp_path):
    stack_file = tmp_path / "stack.json"
    stack_file.write_text(json.dumps({"project": stack.project, "firestore": stack.firestore, "pubsub": stack.pubsub, "auth": stack.auth}))
    csv = tmp_path / "kertas.csv"
    csv.write_text(
        "U1,U2,U3,U4,U5,U6,U7,U8,U9,layanan,jenis_kelamin,umur,pendidikan,pekerjaan,saran\n"
        "3,3,2,4,3,3,4,3,3,sk-domisili,P,34,SMA,WIRAUSAHA,Antrian lama\n"
        "4,4,3,4,4,4,4,3,3,sktm,L,45,D4-S1,PNS,\n"
        "3,3,9,4,3,3,3,3,2,,,,,,\n"
        "3,3,3,4,3,3,3,3,2,izin-tambang,,,,,\n"
    )
    command = [sys.executable, "-m", "common.cli", "--stack", str(stack_file), "--lang", "en", "import-surveys", "--unit", unit.id, "--period", "2026-09", str(csv)]
    refused = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 1
    assert "line 4: U3: must be at most 4" in refused.stderr
    assert uow.surveys.totals(unit.id, ["2026-09"])[0] == 0
    csv.write_text("\n".join(csv.read_text().splitlines()[:3] + [csv.read_text().splitlines()[4]]) + "\n")
    refused = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert refused.returncode == 1 and "line 4: service_id" in refused.stderr
    csv.write_text("\n".join(csv.read_text().splitlines()[:3]) + "\n")
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert uow.surveys.totals(unit.id, ["2026-09"])[0] == 2
    report = requests.get(f"{stack.api}/api/public/units/{unit.id}/ikm", params={"period": "2026-09"}, timeout=10).json()
    # Two paper forms: too few to publish anything of, in the unit's figure or a service's.
    assert report["result"]["n"] == 0 and report["result"]["withheld"] == {"months": ["2026-09"], "responses": 2}
    assert {s["service_id"]: s["result"]["ikm"] for s in report["services"]} == {"sk-domisili": None, "sktm": None}
