"""The whole report flow through HTTP on the local stack, with real ID tokens:
ASN submits, supervisor returns it with feedback, ASN resubmits, supervisor
accepts, ASN sees the status and the feedback in the e-performance view."""

from __future__ import annotations

import time

import pytest

from common.domain.period import period_of, previous_period
from common.services.events import confirm_published
from tests.integration.bus import Tap
from tests.integration.org import make_org


def body(period: str, narrative: str = "Melayani 42 permohonan surat keterangan domisili.", **values: float) -> dict:
    values = values or {"IKI-1": 42, "IKI-2": 96, "IKI-3": 2}
    return {
        "period": period,
        "realisasi": [{"indicator_id": k, "value": v} for k, v in values.items()],
        "narrative": narrative,
        "evidence": ["https://drive.example.go.id/bukti/register-oktober.pdf"],
    }


def review(decision: str, rating: str = "sesuai_ekspektasi", feedback: str | None = None, **extra) -> dict:
    values = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]
    return {"decision": decision, "hasil_kerja": rating, "perilaku": {v: rating for v in values}, "feedback": feedback, **extra}


@pytest.fixture
def org(stack, uow, accounts, unique):
    return make_org(stack, uow, accounts, unique)


@pytest.fixture
def taps(stack):
    taps = {t: Tap(stack.project, t) for t in ("report-submitted", "report-reviewed")}
    yield taps
    for tap in taps.values():
        tap.close()


def test_submit_return_resubmit_accept_and_see_it(org, uow, taps, clock):
    asn, boss = org.team[0], org.boss
    period = period_of(clock.now())

    first = asn.api.post("/api/reports", json=body(period), headers={"Idempotency-Key": "flow-submit-0001"})
    assert first.status_code == 201, first.text
    report = first.json()["report"]
    assert (report["status"], report["revision"], report["late"]) == ("submitted", 1, False)
    report_id = report["id"]

    team = boss.api.get("/api/team/reports", params={"period": period}).json()
    mine = next(m for m in team["members"] if m["nip"] == asn.nip)
    assert mine["state"] == "waiting_review"
    assert set(team["not_reported"]) == {m.nip for m in org.team[1:]}

    returned = boss.api.post(
        f"/api/reports/{report_id}/review",
        json=review("return", feedback="Lampirkan register surat sebagai bukti dukung."),
    )
    assert returned.status_code == 200, returned.text
    assert returned.json()["report"]["status"] == "returned"

    resubmitted = asn.api.post("/api/reports", json=body(period, "Narasi dilengkapi dengan register surat."))
    assert resubmitted.status_code == 200, resubmitted.text
    assert resubmitted.json()["outcome"] == "resubmitted"
    assert resubmitted.json()["report"]["revision"] == 2

    accepted = boss.api.post(
        f"/api/reports/{report_id}/review",
        json=review("accept", "di_atas_ekspektasi", "Bagus, bukti lengkap.", revision=2),
    )
    assert accepted.status_code == 200, accepted.text
    assert accepted.json()["report"]["status"] == "accepted"

    view = asn.api.get("/api/me/performance")
    assert view.status_code == 200, view.text
    month = next(m for m in view.json()["months"] if m["period"] == period)
    assert month["state"] == "accepted" and month["revision"] == 2
    assert [fb["feedback"] for fb in month["feedback"]] == ["Lampirkan register surat sebagai bukti dukung.", "Bagus, bukti lengkap."]
    iki1 = next(i for i in view.json()["indicators"] if i["indicator"]["id"] == "IKI-1")
    assert next(m for m in iki1["months"] if m["period"] == period)["capaian"] == 1.05

    # What Firestore holds: the report, a snapshot per revision, the published outbox.
    stored = uow.reports.get(report_id)
    assert stored.status == "accepted" and len(stored.reviews) == 2
    revisions = uow.client.collection("reports").document(report_id).collection("revisions").get()
    assert sorted(int(s.id) for s in revisions) == [1, 2]
    assert revisions[0].to_dict()["content"]["narrative"].startswith("Melayani")

    submitted = taps["report-submitted"].about(report_id, count=2)
    reviewed = taps["report-reviewed"].about(report_id, count=2)
    assert sorted(e["data"]["revision"] for e in submitted) == [1, 2]
    assert [e["data"]["decision"] for e in sorted(reviewed, key=lambda e: e["id"])] == ["return", "accept"]
    assert all(e["_attributes"]["event_id"] == e["id"] for e in submitted + reviewed)
    # Marked published from Pub/Sub's receipts, by this sweep or the stack's scheduled one.
    ids = [e["id"] for e in submitted + reviewed]
    outbox = lambda: [uow.client.collection("outbox").document(i).get().to_dict() for i in ids]  # noqa: E731
    deadline = time.monotonic() + 20
    while any(entry["pending"] for entry in outbox()) and time.monotonic() < deadline:
        confirm_published(uow.outbox, uow.publisher, clock.now(), 500)
        time.sleep(0.2)
    assert all(entry["pending"] is False and entry["published_at"] and entry["attempts"] == 0 for entry in outbox())


def test_after_the_deadline_a_report_is_accepted_and_marked_late(org, clock):
    asn = org.team[1]
    old = previous_period(previous_period(period_of(clock.now())))
    response = asn.api.post("/api/reports", json=body(old))
    assert response.status_code == 201, response.text
    assert response.json()["report"]["late"] is True


def test_the_supervisor_can_read_a_subordinates_report_and_others_cannot(org, clock):
    asn, other = org.team[0], org.team[1]
    report_id = asn.api.post("/api/reports", json=body(period_of(clock.now()))).json()["report"]["id"]
    assert org.boss.api.get(f"/api/reports/{report_id}").status_code == 200
    assert asn.api.get(f"/api/reports/{report_id}").status_code == 200
    assert org.admin.api.get(f"/api/reports/{report_id}").status_code == 200
    hidden = other.api.get(f"/api/reports/{report_id}")
    assert hidden.status_code == 404
    assert hidden.json()["error"]["code"] == "report_not_found"
