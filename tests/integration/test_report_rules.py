"""What the report API refuses, and how it behaves on retries, through HTTP on the emulators."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest

from common.domain.period import next_period
from tests.integration.bus import Tap, recreate_topic
from tests.integration.org import make_org
from tests.integration.test_report_flow import body, review


@pytest.fixture
def org(stack, uow, accounts, unique):
    return make_org(stack, uow, accounts, unique)


def revisions(uow, report_id: str) -> list[str]:
    return sorted(s.id for s in uow.client.collection("reports").document(report_id).collection("revisions").get())


def test_a_retry_with_the_same_key_returns_the_first_result_and_writes_nothing(org, uow, stack, this_month):
    asn = org.team[0]
    tap = Tap(stack.project, "report-submitted")
    try:
        key = {"Idempotency-Key": "5f0e9c1a-retry-key"}
        first = asn.api.post("/api/reports", json=body(this_month), headers=key)
        second = asn.api.post("/api/reports", json=body(this_month), headers=key)
        assert (first.status_code, second.status_code) == (201, 201)
        assert second.headers["Idempotent-Replayed"] == "true"
        assert second.json()["report"] == first.json()["report"]
        report_id = first.json()["report"]["id"]
        assert revisions(uow, report_id) == ["1"]
        assert len(tap.about(report_id, timeout=3, count=2)) == 1
    finally:
        tap.close()


def test_the_same_key_with_a_different_body_is_refused(org, this_month):
    asn = org.team[0]
    key = {"Idempotency-Key": "5f0e9c1a-reused-key"}
    assert asn.api.post("/api/reports", json=body(this_month), headers=key).status_code == 201
    reused = asn.api.post("/api/reports", json=body(this_month, "Narasi lain"), headers=key)
    assert reused.status_code == 422
    assert reused.json()["error"]["code"] == "idempotency_key_reused"


def test_a_duplicate_without_key_changes_nothing_and_a_changed_one_is_a_revision(org, uow, this_month):
    asn = org.team[0]
    first = asn.api.post("/api/reports", json=body(this_month)).json()["report"]
    same = asn.api.post("/api/reports", json=body(this_month))
    assert same.status_code == 200 and same.json()["outcome"] == "unchanged"
    changed = asn.api.post("/api/reports", json=body(this_month, "Narasi diperbarui"))
    assert changed.json()["outcome"] == "resubmitted" and changed.json()["report"]["revision"] == 2
    assert revisions(uow, first["id"]) == ["1", "2"]


def test_an_accepted_report_is_final(org, this_month):
    asn = org.team[0]
    report_id = asn.api.post("/api/reports", json=body(this_month)).json()["report"]["id"]
    assert org.boss.api.post(f"/api/reports/{report_id}/review", json=review("accept")).status_code == 200
    again = asn.api.post("/api/reports", json=body(this_month, "Terlambat mengubah"))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "report_already_accepted"
    twice = org.boss.api.post(f"/api/reports/{report_id}/review", json=review("accept"))
    assert twice.status_code == 409


def test_only_the_direct_supervisor_may_review(org, stack, uow, accounts, unique, this_month):
    asn, peer = org.team[0], org.team[1]
    report_id = asn.api.post("/api/reports", json=body(this_month)).json()["report"]["id"]
    elsewhere = make_org(stack, uow, accounts, unique + "x", size=1)
    for stranger in (peer, asn, elsewhere.boss, org.admin):
        response = stranger.api.post(f"/api/reports/{report_id}/review", json=review("accept"))
        # The same answer as reading it: nobody learns whether this NIP reported this month.
        assert response.status_code == 404, stranger.nip
        assert response.json()["error"]["code"] == "report_not_found"
    assert uow.reports.get(report_id).status == "submitted"


def test_nobody_reads_another_asns_data(org, stack, uow, accounts, unique, this_month):
    asn, peer = org.team[0], org.team[1]
    report_id = asn.api.post("/api/reports", json=body(this_month)).json()["report"]["id"]
    assert peer.api.get(f"/api/reports/{report_id}").status_code == 404
    elsewhere = make_org(stack, uow, accounts, unique + "y", size=1)
    assert elsewhere.boss.api.get(f"/api/reports/{report_id}").status_code == 404
    # The e-performance view is always the caller's own: there is no way to name someone else.
    assert peer.api.get("/api/me/performance").json()["nip"] == peer.nip
    # A team list is only for someone with subordinates.
    team = peer.api.get("/api/team/reports", params={"period": this_month})
    assert team.status_code == 403 and team.json()["error"]["code"] == "not_supervisor"
    assert peer.api.get("/api/admin/units").status_code == 403


@pytest.mark.parametrize("period", ["2026-13", "2026-1", "26-10", "", "2026-10-01"])
def test_a_malformed_period_is_a_field_error(org, period):
    response = org.team[0].api.post("/api/reports", json=body(period))
    assert response.status_code == 422
    assert [d["field"] for d in response.json()["error"]["details"]] == ["period"]


def test_a_future_period_is_refused(org, this_month):
    response = org.team[0].api.post("/api/reports", json=body(next_period(this_month)))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "period_in_future"


def test_unknown_indicators_and_impossible_values_are_listed(org, uow, this_month):
    bad = body(this_month, **{"IKI-1": 40, "IKI-77": 3, "IKI-2": 150})
    response = org.team[0].api.post("/api/reports", json=bad, headers={"Accept-Language": "en"})
    assert response.status_code == 422
    error = response.json()["error"]
    assert error["code"] == "realisasi_invalid"
    assert {(d["field"], d["code"]) for d in error["details"]} == {
        ("realisasi.1.indicator_id", "indicator_unknown"),
        ("realisasi.2.value", "value_over_100_percent"),
    }
    assert "IKI-77" in error["details"][0]["message"]
    assert uow.reports.get(f"{org.team[0].nip}_{this_month}") is None


def test_an_oversize_body_is_413_and_writes_nothing(org, uow, this_month):
    huge = body(this_month)
    huge["evidence"] = ["https://drive.example.go.id/" + "x" * 1990] * 140  # ~280 KiB
    response = org.team[0].api.post("/api/reports", json=huge)
    assert response.status_code == 413
    assert response.json()["error"]["code"] == "payload_too_large"
    assert uow.reports.get(f"{org.team[0].nip}_{this_month}") is None


def test_feedback_is_required_for_di_bawah(org, this_month):
    report_id = org.team[0].api.post("/api/reports", json=body(this_month)).json()["report"]["id"]
    response = org.boss.api.post(f"/api/reports/{report_id}/review", json=review("accept", "di_bawah_ekspektasi"))
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "feedback_required"


def test_a_publish_failure_after_the_write_loses_nothing(org, uow, stack, this_month, clock):
    """The topic disappears between the write and the publish; the relay delivers later."""
    from google.cloud import pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    topic = publisher.topic_path(stack.project, "report-submitted")
    publisher.delete_topic(topic=topic)
    try:
        response = org.team[0].api.post("/api/reports", json=body(this_month))
        assert response.status_code == 201, response.text  # the ASN's work is saved
        report_id = response.json()["report"]["id"]
        event_id = f"report.submitted:{report_id}:1"
        pending = uow.client.collection("outbox").document(event_id).get().to_dict()
        assert pending["pending"] is True and pending["attempts"] == 1 and "NotFound" in pending["last_error"]
    finally:
        recreate_topic(stack, "report-submitted")
    tap = Tap(stack.project, "report-submitted")
    try:
        # The scheduled sweep, as Cloud Scheduler would send it; grace 0 via a fresh relay run.
        from common.adapters.pubsub import PubSubPublisher
        from common.services.events import relay_outbox
        from common.settings import Settings

        counts = relay_outbox(uow.outbox, PubSubPublisher(Settings(project_id=stack.project)), clock.now(), 0, 500)
        assert counts["published"] >= 1
        delivered = tap.about(report_id)
        assert [e["id"] for e in delivered] == [event_id]
        assert uow.client.collection("outbox").document(event_id).get().to_dict()["pending"] is False
    finally:
        tap.close()


def test_the_scheduled_relay_function_runs_through_pubsub(org, uow, stack, this_month, clock):
    """outbox-sweep -> push subscription -> functions-framework -> outbox_relay, on the stack."""
    from google.cloud import pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    topic = publisher.topic_path(stack.project, "report-reviewed")
    report_id = org.team[0].api.post("/api/reports", json=body(this_month)).json()["report"]["id"]
    publisher.delete_topic(topic=topic)
    try:
        assert org.boss.api.post(f"/api/reports/{report_id}/review", json=review("accept")).status_code == 200
    finally:
        recreate_topic(stack, "report-reviewed")
    event_id = f"report.reviewed:{report_id}:1"
    outbox = uow.client.collection("outbox").document(event_id)
    # Age the entry past the relay's grace period instead of waiting a minute.
    outbox.update({"created_at": clock.now() - timedelta(days=366)})
    tap = Tap(stack.project, "report-reviewed")
    try:
        publisher.publish(publisher.topic_path(stack.project, "outbox-sweep"), b"{}").result(timeout=10)
        delivered = tap.about(report_id, timeout=30)
        assert [e["id"] for e in delivered] == [event_id]
        deadline = time.monotonic() + 10
        while outbox.get().to_dict()["pending"] and time.monotonic() < deadline:
            time.sleep(0.2)
        assert outbox.get().to_dict()["pending"] is False
    finally:
        tap.close()
