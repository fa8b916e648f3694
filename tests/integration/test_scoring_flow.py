"""The whole monthly evaluation on the emulators: the admin starts a run, Pub/Sub fans it
out to score_unit, a broken unit dead-letters, results and findings reach the people."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
from google.cloud.firestore_v1.base_query import FieldFilter

from common.domain.period import period_of, previous_period
from tests.integration.bus import Tap
from tests.integration.org import make_org
from tests.integration.test_report_flow import body, review
from tests.patience import patiently

ROOT = Path(__file__).resolve().parents[2]


def run_view(api, run_id: str) -> dict:
    """The run's view (about twenty counts: a 503 from the busy emulator is asked again, as its
    Retry-After says); anything else but a 200 fails the test with what came back."""
    answer = patiently(lambda: api.get(f"/api/admin/scoring-runs/{run_id}"))
    assert answer.status_code == 200, (answer.status_code, answer.text)
    return answer.json()


def wait_run(api, run_id: str, timeout: float = 90) -> dict:
    deadline = time.monotonic() + timeout
    while True:
        run = run_view(api, run_id)
        if run["status"] != "running" or time.monotonic() > deadline:
            return run
        time.sleep(0.5)


@pytest.fixture(scope="module")
def scored(stack, uow, accounts, clock):
    """An organisation with one reviewed, one unreviewed and one silent ASN, scored for this month,
    in a run that also meets a unit whose data is broken."""
    org = make_org(stack, uow, accounts, "scoring", size=3)
    period = period_of(clock.now())
    good, waiting, silent = org.team
    report_id = good.api.post("/api/reports", json=body(period, **{"IKI-1": 48, "IKI-2": 97, "IKI-3": 3})).json()["report"]["id"]
    assert org.boss.api.post(f"/api/reports/{report_id}/review", json=review("accept", "di_atas_ekspektasi", "Hebat")).status_code == 200
    assert waiting.api.post("/api/reports", json=body(period)).status_code == 201
    today = clock.today().isoformat()  # in this period, and finished: a training may not end in the future
    training = {"title": "Pelayanan Prima", "provider": "BKPSDM Kota Medan", "start_date": today,
                "end_date": today, "jp": 24, "certificate_url": "https://drive.example.go.id/sertifikat.pdf"}
    assert good.api.post("/api/trainings", json=training).status_code == 201
    assert good.api.post("/api/trainings", json=training).status_code == 201  # a retry: still one record

    # A unit whose employee document is unreadable: its scoring fails every time.
    uow.units.put_many([__import__("common.domain.organisation", fromlist=["Unit"]).Unit(id="kel-rusak", name="Kelurahan Rusak")])
    uow.client.collection("employees").document("rusak-1").set({"nip": "rusak-1", "unit_id": "kel-rusak", "active": True})

    completed = Tap(stack.project, "scoring-completed")
    opened = Tap(stack.project, "finding-opened")
    response = org.admin.api.post("/api/admin/scoring-runs", json={"period": period})
    assert response.status_code == 202, response.text
    run = wait_run(org.admin.api, response.json()["id"])
    uow.client.collection("employees").document("rusak-1").delete()
    yield {"org": org, "period": period, "run": run, "completed": completed, "opened": opened}
    completed.close()
    opened.close()


def test_the_run_completes_and_shows_the_unit_that_failed(scored):
    run = scored["run"]
    assert run["status"] == "completed_with_failures", run
    assert run["failed_units"] == ["kel-rusak"]
    assert run["done"] == len(run["units"]) - 1
    events = scored["completed"].pull(lambda seen: any(e["data"]["run_id"] == run["id"] for e in seen), timeout=20)
    assert [e["data"]["failed_units"] for e in events if e["data"]["run_id"] == run["id"]] == [["kel-rusak"]]


def test_each_asn_gets_an_outcome(scored, uow):
    org, period = scored["org"], scored["period"]
    good, waiting, silent = org.team
    team = org.boss.api.get("/api/team/results", params={"period": period})
    assert team.status_code == 200, team.text
    outcomes = {r["nip"]: (r["outcome"], r["predikat"]) for r in team.json()["results"]}
    assert outcomes == {good.nip: ("scored", "sangat_baik"), waiting.nip: ("awaiting_review", None), silent.nip: ("no_report", None)}
    view = good.api.get("/api/me/performance").json()
    month = next(m for m in view["months"] if m["period"] == period)
    assert month["predikat"] == "sangat_baik" and month["outcome"] == "scored" and month["reasons"]
    assert view["training_jp"] == 24
    assert good.api.get("/api/me/trainings").json()["jp"] == 24


def test_the_unit_result_is_for_bkpsdm_and_the_unit_head(scored, stack, uow, accounts):
    org, period = scored["org"], scored["period"]
    from common.services import administration

    unit = uow.units.get(org.unit_id)
    administration.load_units(uow, [unit.model_copy(update={"head_nip": org.boss.nip})])
    for who in (org.admin, org.boss):
        response = who.api.get(f"/api/units/{org.unit_id}/results", params={"period": period})
        assert response.status_code == 200, response.text
        result = response.json()
        assert result["unit"]["employees"] == 5 and result["unit"]["reported"] == 2
        assert len(result["results"]) == 5
    assert org.team[0].api.get(f"/api/units/{org.unit_id}/results", params={"period": period}).status_code == 403


def test_findings_reach_their_owners_who_work_them(scored, uow):
    org = scored["org"]
    silent = org.team[2]
    findings = org.boss.api.get("/api/findings").json()["findings"]
    mine = {(f["kind"], f["subject_id"]) for f in findings}
    # The training rule looks from September on (FindingRule.training_check_month): either way it is checked.
    from common.domain.rules import FindingRule

    checked = int(scored["period"][5:]) >= FindingRule().training_check_month
    assert (("training_hours", silent.nip) in mine) is checked
    events = scored["opened"].pull(lambda seen: any(org.boss.nip in e["data"]["owners"] for e in seen), timeout=20)
    assert any(org.boss.nip in e["data"]["owners"] for e in events)
    assert all(org.boss.nip in f["owners"] for f in findings)
    target = findings[0]
    path = f"/api/findings/{target['id']}"
    assert org.team[0].api.request("PATCH", path, json={"status": "in_progress"}).status_code == 403
    assert org.boss.api.request("PATCH", path, json={"status": "in_progress", "note": "Dibahas hari Senin"}).status_code == 200
    refused = org.boss.api.request("PATCH", path, json={"status": "resolved"})
    assert refused.status_code == 422
    done = org.boss.api.request("PATCH", path, json={"status": "resolved", "note": "Pegawai sudah dijadwalkan pelatihan."})
    assert done.status_code == 200 and done.json()["status"] == "resolved"
    assert [h["status"] for h in done.json()["history"]] == ["in_progress", "resolved"]


def test_a_redelivered_unit_message_and_a_rerun_change_nothing(scored, stack, uow, clock):
    from google.cloud import pubsub_v1

    org, period, run = scored["org"], scored["period"], scored["run"]
    before = {d.id: d.to_dict() for d in uow.client.collection("findings").where(filter=FieldFilter("unit_id", "==", org.unit_id)).stream()}
    results_before = {r.nip: r for r in uow.results.for_unit(org.unit_id, period)}
    event = {"id": f"scoring.unit_requested:{run['id']}:{org.unit_id}", "type": "scoring.unit_requested",
             "occurred_at": clock.now().isoformat(), "data": {"run_id": run["id"], "period": period, "unit_id": org.unit_id}}
    publisher = pubsub_v1.PublisherClient()
    publisher.publish(publisher.topic_path(stack.project, "scoring-unit"), json.dumps(event).encode()).result(timeout=10)
    rerun = wait_run(org.admin.api, org.admin.api.post("/api/admin/scoring-runs", json={"period": period}).json()["id"])
    assert rerun["done"] >= 1
    time.sleep(1)
    after = {d.id: d.to_dict() for d in uow.client.collection("findings").where(filter=FieldFilter("unit_id", "==", org.unit_id)).stream()}
    assert set(after) == set(before)
    assert {r.nip: r for r in uow.results.for_unit(org.unit_id, period)} == results_before
    audits = [d.to_dict() for d in uow.client.collection("audit").where(filter=FieldFilter("subject", "==", f"{org.unit_id}/{period}")).stream()]
    assert len({a["inputs"]["digest"] for a in audits}) == 1 and len(audits) >= 2  # same inputs, each run recorded


def test_only_bkpsdm_starts_runs(scored):
    org = scored["org"]
    assert org.boss.api.post("/api/admin/scoring-runs", json={"period": scored["period"]}).status_code == 403
    assert org.admin.api.post("/api/admin/scoring-runs", json={"period": "2026-13"}).status_code == 422


def test_the_scheduled_trigger_starts_one_run_however_often_it_fires(stack, uow):
    from google.cloud import pubsub_v1

    publisher = pubsub_v1.PublisherClient()
    topic = publisher.topic_path(stack.project, "scoring-requested")
    for _ in range(2):
        publisher.publish(topic, json.dumps({"period": "2025-01"}).encode()).result(timeout=10)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        run = uow.runs.get("2025-01-scheduled")
        if run and run.status != "running":
            break
        time.sleep(0.5)
    assert run is not None and run.requested_by == "scheduler" and run.status.startswith("completed")
    starts = list(uow.client.collection("audit").where(filter=FieldFilter("subject", "==", "2025-01-scheduled")).stream())
    assert len(starts) >= 1 and len([s for s in starts if s.to_dict()["action"] == "scoring.run_started"]) == 1


def test_the_command_line_shows_progress_until_the_run_finishes(stack, tmp_path, clock):
    stack_file = tmp_path / "stack.json"
    stack_file.write_text(json.dumps({"project": stack.project, "firestore": stack.firestore, "pubsub": stack.pubsub, "auth": stack.auth}))
    period = previous_period(previous_period(period_of(clock.now())))
    out = subprocess.run([sys.executable, "-m", "common.cli", "--stack", str(stack_file), "score", "--period", period, "--timeout", "120"],
                         cwd=ROOT, capture_output=True, text=True, timeout=180)
    assert out.returncode in (0, 1), out.stderr
    run = json.loads(out.stdout)
    assert run["period"] == period and run["status"].startswith("completed")
    assert "units" in out.stderr and "#" in out.stderr  # the progress bar


def test_the_run_shows_what_its_notifications_did(scored, stack):
    """The run's view counts its messages per channel from the delivery records; each e-mail it
    counts as sent is in the mailbox, under the Message-ID of its delivery."""
    from common.domain.notifications import message_id, month_name
    from tests.integration.test_notifications import mails_to, text_of, wait_for

    org, run, period = scored["org"], scored["run"], scored["period"]
    api = org.admin.api

    def boss_records():
        found = api.get("/api/admin/deliveries", params={"nip": org.boss.nip, "limit": 500}).json()["deliveries"]
        return [d for d in found if d["run_id"] == run["id"]]

    emailed = wait_for(lambda: len(e := [d for d in boss_records() if d["channel"] == "email" and d["status"] == "sent"]) == 2 and e, timeout=60)
    assert sorted(d["kind"] for d in emailed) == ["findings_opened", "team_scoring_published"], boss_records()
    mails = {m["Message-ID"]: m for m in mails_to(stack, org.boss.employee.email)}
    summary = mails[message_id(next(d["id"] for d in emailed if d["kind"] == "findings_opened"), "pantau-belawan.example")]
    owned = [f for f in org.boss.api.get("/api/findings").json()["findings"] if f["period"] == period]
    assert summary["Subject"] == f"{len(owned)} tindak lanjut baru untuk {month_name(period, 'id')}"
    assert all(f["title"] in text_of(summary) for f in owned)
    inbox = [d for d in boss_records() if d["channel"] == "inbox" and d["kind"] == "finding_opened"]
    assert sorted(d["notification_id"] for d in inbox) == sorted(f"finding_opened:{f['id']}" for f in owned)  # an inbox item each

    view = wait_for(lambda: (v := run_view(api, run["id"])) and v["deliveries"]["channels"]["inbox"]["sent"] >= len(owned) and v)
    assert view, "the run's view never counted an inbox message for each finding"
    totals = view["deliveries"]
    assert view["status"] == "completed_with_failures" and set(totals["channels"]) == {"inbox", "push", "email"}
    assert totals["channels"]["email"]["sent"] >= 2 and totals["channels"]["email"]["failed"] == 0
    # Push is not configured on the local stack: every push of the run is skipped, and says why.
    assert totals["channels"]["push"]["sent"] == 0 and totals["channels"]["push"]["skipped"] >= 1
    assert {r["reason"] for r in totals["skipped"]} >= {"push_not_configured"}
    listed = api.get("/api/admin/scoring-runs", params={"period": period})
    assert listed.status_code == 200, listed.text
    assert run["id"] in [r["id"] for r in listed.json()["runs"]] and all("deliveries" in r for r in listed.json()["runs"])
    assert org.boss.api.get("/api/admin/scoring-runs", params={"period": period}).status_code == 403
