"""Keberatan end to end on the emulators, with real tokens: an ASN objects to this month's
predikat, the rater tries to decide and responds, the supervisor's supervisor upholds it, the
predikat changes in the unit's results and in e-performance, a rescoring keeps it, redelivered
events change nothing, and everyone concerned is told."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from common.domain.period import period_of
from common.services import administration
from tests import factories as f
from tests.integration.org import PASSWORD, _member, make_org
from tests.integration.test_notifications import publish, wait_for
from tests.integration.test_report_flow import body, review
from tests.integration.test_scoring_flow import wait_run
from tools.enrol import enrol

WHY = "Pelayanan saya dinilai sesuai, padahal dua belas warga menyampaikan apresiasi tertulis."
DECIDED = "Apresiasi tertulis warga menunjukkan hasil dan perilaku di atas ekspektasi."


@pytest.fixture(scope="module")
def world(stack, uow, accounts, clock):
    """A unit whose supervisor has a supervisor of their own (the decider), three ASN rated Sesuai, scored for this month."""
    org = make_org(stack, uow, accounts, "keberatan", size=3)
    grand = f.employee(org.unit_id, email="atasan2.keberatan@uji.example")
    enrol(stack, uow, [grand], PASSWORD, actor="uji", reason="the supervisor's supervisor")
    administration.set_supervisors(uow, [administration.SupervisorLink(nip=org.boss.nip, supervisor_nip=grand.nip)])
    period = period_of(clock.now())
    for member in org.team:
        report = member.api.post("/api/reports", json=body(period))
        assert report.status_code == 201, report.text
        reviewed = org.boss.api.post(f"/api/reports/{report.json()['report']['id']}/review", json=review("accept", "sesuai_ekspektasi"))
        assert reviewed.status_code == 200, reviewed.text
    started = org.admin.api.post("/api/admin/scoring-runs", json={"period": period})
    assert started.status_code == 202, started.text
    assert wait_run(org.admin.api, started.json()["id"])["status"].startswith("completed")
    return {"org": org, "grand": _member(stack, grand), "period": period, "state": {}}


def result_of(member, org, period):
    answer = org.admin.api.get(f"/api/units/{org.unit_id}/results", params={"period": period})
    assert answer.status_code == 200, answer.text
    return next(r for r in answer.json()["results"] if r["nip"] == member.nip)


def month_of(member, period):
    view = member.api.get("/api/me/performance")
    assert view.status_code == 200, view.text
    return next(m for m in view.json()["months"] if m["period"] == period)


def inbox_kinds(member) -> list[str]:
    return [i["kind"] for i in member.api.get("/api/me/notifications", params={"limit": 100}).json()["items"]]


def test_1_file_and_a_second_is_refused(world):
    org, period, grand = world["org"], world["period"], world["grand"]
    asn = org.team[0]
    assert result_of(asn, org, period)["predikat"] == "baik"
    short = asn.api.post("/api/objections", json={"period": period, "reason": "terlalu pendek"})
    assert short.status_code == 422 and short.json()["error"]["details"][0]["field"] == "reason"
    filed = asn.api.post("/api/objections", json={"period": period, "reason": WHY, "evidence": ["https://drive.example.go.id/apresiasi.pdf"]})
    assert filed.status_code == 201, filed.text
    objection = filed.json()
    assert (objection["status"], objection["period"], objection["nip"], objection["decider_nip"], objection["rater_nip"]) == (
        "submitted", period, asn.nip, grand.nip, org.boss.nip)
    assert objection["due"] and objection["original"]["predikat"] == "baik"
    world["state"]["id"] = objection["id"]
    again = asn.api.post("/api/objections", json={"period": period, "reason": WHY})
    assert again.status_code == 409 and again.json()["error"]["code"] == "objection_exists"
    assert month_of(asn, period)["objection"]["status"] == "submitted"  # e-performance shows it beside the month


def test_2_the_rater_cannot_decide_but_responds(world):
    org, oid = world["org"], world["state"]["id"]
    decision = {"decision": "upheld", "hasil_kerja": "di_atas_ekspektasi", "perilaku_kerja": "di_atas_ekspektasi", "reason": DECIDED}
    refused = org.boss.api.post(f"/api/objections/{oid}/decision", json=decision)
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "not_decider"
    assert org.team[1].api.get(f"/api/objections/{oid}").status_code == 404  # another ASN is not told it exists
    assert world["grand"].api.post(f"/api/objections/{oid}/response", json={"response": "Bukan saya penilainya."}).status_code == 403
    responded = org.boss.api.post(f"/api/objections/{oid}/response", json={"response": "Nilai perilaku mengikuti tujuh nilai BerAKHLAK."})
    assert responded.status_code == 200 and responded.json()["status"] == "responded"
    to_decide = world["grand"].api.get("/api/objections", params={"scope": "to_decide"}).json()["objections"]
    assert [o["id"] for o in to_decide] == [oid]


def test_3_the_decider_sees_both_sides_and_upholds(world):
    org, oid, grand, period = world["org"], world["state"]["id"], world["grand"], world["period"]
    asn = org.team[0]
    view = grand.api.get(f"/api/objections/{oid}")
    assert view.status_code == 200, view.text
    sides = view.json()
    assert sides["review"]["reviewer_nip"] == org.boss.nip and sides["report"]["nip"] == asn.nip
    assert sides["result"]["predikat"] == "baik" and sides["objection"]["response"]["by"] == org.boss.nip
    decided = grand.api.post(f"/api/objections/{oid}/decision", json={
        "decision": "upheld", "hasil_kerja": "di_atas_ekspektasi", "perilaku_kerja": "di_atas_ekspektasi", "reason": DECIDED})
    assert decided.status_code == 200, decided.text
    assert decided.json()["decision"]["predikat"] == "sangat_baik"
    result = result_of(asn, org, period)
    assert (result["predikat"], result["hasil_kerja_source"], result["objection"]["original"]["predikat"]) == ("sangat_baik", "objection", "baik")
    month = month_of(asn, period)
    assert month["predikat"] == "sangat_baik" and month["objection"]["decision"]["decision"] == "upheld"
    assert grand.api.post(f"/api/objections/{oid}/decision", json={"decision": "rejected", "reason": DECIDED}).status_code == 409


def test_4_after_the_window_the_closing_date_is_given(world, uow, clock):
    org, period = world["org"], world["period"]
    late = org.team[2]
    stored = uow.results.get(f"{late.nip}_{period}")
    published = clock.now() - timedelta(days=30)  # as if this month's predikat had been out for a month
    uow.results.put_many([stored.model_copy(update={"published_at": published})], "uji")
    refused = late.api.post("/api/objections", json={"period": period, "reason": WHY}, headers={"Accept-Language": "en"})
    assert refused.status_code == 422 and refused.json()["error"]["code"] == "objection_window_closed"
    closed_on = (published.astimezone(__import__("common.domain.clock", fromlist=["WIB"]).WIB).date() + timedelta(days=14)).isoformat()
    assert closed_on in refused.json()["error"]["message"]
    assert uow.objections.get(f"{late.nip}_{period}") is None


def test_5_a_rescoring_keeps_the_decision(world):
    org, period = world["org"], world["period"]
    rerun = org.admin.api.post("/api/admin/scoring-runs", json={"period": period})
    assert rerun.status_code == 202
    assert wait_run(org.admin.api, rerun.json()["id"])["status"].startswith("completed")
    result = result_of(org.team[0], org, period)
    assert (result["predikat"], result["hasil_kerja_source"]) == ("sangat_baik", "objection")
    assert result_of(org.team[1], org, period)["predikat"] == "baik"


def test_6_everyone_concerned_is_told_and_redelivered_events_change_nothing(world, stack, uow):
    org, oid, grand = world["org"], world["state"]["id"], world["grand"]
    asn = org.team[0]
    assert wait_for(lambda: "objection_filed" in inbox_kinds(grand)), inbox_kinds(grand)
    assert wait_for(lambda: "objection_filed" in inbox_kinds(org.boss))
    assert wait_for(lambda: "objection_decided" in inbox_kinds(asn)), inbox_kinds(asn)
    before = uow.objections.get(oid)
    outbox = [d.to_dict()["event"] for d in uow.client.collection("outbox").where(filter=FieldFilter("event.data.objection_id", "==", oid)).stream()]
    assert {e["type"] for e in outbox} == {"objection.filed", "objection.decided"}
    for event in outbox:
        publish(stack, "objection-filed" if event["type"] == "objection.filed" else "objection-decided", json.loads(json.dumps(event, default=str)))
    deliveries = lambda: sorted(d.id for d in uow.client.collection("deliveries").where(  # noqa: E731
        filter=FieldFilter("notification_id", "in", [f"objection_filed:{oid}", f"objection_decided:{oid}"])).stream())
    settled = deliveries()
    wait_for(lambda: False, timeout=5)  # give the redelivered events time to be handled
    assert deliveries() == settled
    assert inbox_kinds(asn).count("objection_decided") == 1 and inbox_kinds(grand).count("objection_filed") == 1
    assert uow.objections.get(oid) == before
