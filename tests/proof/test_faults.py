"""Faults: Firestore stops answering during requests and during a scoring run.

The emulator is frozen (SIGSTOP to its process group) and thawed again, so it stops answering
without losing its data. Requests must fail with a retryable 503 and leave no partial write;
event handlers must fail so Pub/Sub delivers again; after the thaw everything completes with
nothing lost or doubled. (A publish failing after a write is proven in
tests/integration/test_report_rules.py: the event goes out later through the outbox.)
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import requests
from google.cloud.firestore_v1.base_query import FieldFilter

from common.domain.organisation import ServiceType
from common.domain.period import period_of
from common.services import administration
from tests.integration.org import make_org
from tests.integration.test_report_flow import body
from tools.client import Api
from tools.stack import Stack


@pytest.fixture
def control(stack):
    stack_control = Stack(Path(stack.state_dir), project=stack.project)
    info = stack_control.running()
    yield stack_control, info
    stack_control.resume(info, "firestore")  # never leave the emulator frozen


def wait_for(predicate, timeout: float = 60):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(0.5)


def test_requests_during_an_outage_answer_503_and_write_nothing_half(stack, uow, accounts, unique, control, clock):
    stack_control, info = control
    org = make_org(stack, uow, accounts, unique, size=1)
    asn = org.team[0]
    unit = uow.units.get(org.unit_id)
    administration.load_units(uow, [unit.model_copy(update={"services": [ServiceType(id="sk", name="Domisili", standard_days=1)]})])
    period = period_of(clock.now())
    key = {"Idempotency-Key": f"outage-{unique}-0001"}
    survey = {"unit_id": org.unit_id, "service_id": "sk", "service_date": clock.today().isoformat(),
              "answers": {f"U{i}": 3 for i in range(1, 10)}, "client_key": f"outage-{unique}"}

    from concurrent.futures import ThreadPoolExecutor

    reader = Api(stack.api, token=asn.api.session.headers["Authorization"].removeprefix("Bearer "))  # a session of its own

    def timed(call):
        started = time.monotonic()
        return call(), time.monotonic() - started

    stack_control.pause(info, "firestore")
    try:
        # The three at once: each waits out the 10 s Firestore limit, so together they take one.
        with ThreadPoolExecutor(max_workers=3) as pool:
            calls = [pool.submit(timed, lambda: asn.api.post("/api/reports", json=body(period), headers=key, timeout=60)),
                     pool.submit(timed, lambda: requests.post(f"{stack.api}/api/surveys", json=survey,
                                                              headers={"X-Forwarded-For": "203.0.113.77"}, timeout=60)),
                     pool.submit(timed, lambda: reader.get("/api/me/performance", timeout=60))]
            (report, elapsed), (survey_reply, _), (view, _) = (c.result() for c in calls)
    finally:
        stack_control.resume(info, "firestore")

    for response in (report, survey_reply, view):
        assert response.status_code == 503, response.text
        assert response.json()["error"]["code"] == "unavailable" and response.headers["Retry-After"]
    assert elapsed < 30  # a quick, retryable answer, not a hung request

    # Nothing half done: a report exists with its revision and its event, or not at all.
    report_id = f"{asn.nip}_{period}"
    stored = uow.reports.get(report_id)
    revision = uow.client.collection("reports").document(report_id).collection("revisions").document("1").get().exists
    event = uow.client.collection("outbox").document(f"report.submitted:{report_id}:1").get().exists
    assert (stored is not None) == revision == event

    # The app retries with the same key: one report, one revision, one event.
    again = asn.api.post("/api/reports", json=body(period), headers=key)
    assert again.status_code in (200, 201), again.text
    assert [s.id for s in uow.client.collection("reports").document(report_id).collection("revisions").stream()] == ["1"]
    survey_again = requests.post(f"{stack.api}/api/surveys", json=survey, headers={"X-Forwarded-For": "203.0.113.77"}, timeout=30)
    assert survey_again.status_code == 201
    assert uow.surveys.totals(org.unit_id, [period])[0] == 1


def test_event_handlers_fail_during_an_outage_and_catch_up_after(stack, uow, unique, control, clock):
    """A survey-submitted event arriving while Firestore is frozen is redelivered by Pub/Sub until it works."""
    import json

    from google.cloud import pubsub_v1

    stack_control, info = control
    unit_id = f"kel-outage-{unique}"
    from common.domain.organisation import Unit

    administration.load_units(uow, [Unit(id=unit_id, name="Kelurahan Gangguan", services=[ServiceType(id="sk", name="Domisili", standard_days=1)])])
    publisher = pubsub_v1.PublisherClient()
    event = {"id": f"survey.submitted:outage-{unique}", "type": "survey.submitted", "occurred_at": clock.now().isoformat(),
             "data": {"unit_id": unit_id, "receipt": f"outage-{unique}", "complaint": False}}
    stack_control.pause(info, "firestore")
    try:
        publisher.publish(publisher.topic_path(stack.project, "survey-submitted"), json.dumps(event).encode()).result(timeout=10)
        time.sleep(13)  # the push fails at least once (10 s Firestore limit) while frozen
    finally:
        stack_control.resume(info, "firestore")
    picture = wait_for(lambda: uow.client.collection("complaint_pictures").document(unit_id).get().to_dict(), timeout=60)
    assert picture is not None and picture["responses"] == 0
    log = Path(info.state_dir, "logs", "gateway.log").read_text()
    assert "survey_events" in log


def test_a_scoring_run_survives_an_outage_with_nothing_lost_or_doubled(stack, uow, accounts, unique, control, clock):
    from common.services.scoring import run_progress, start_run

    stack_control, info = control
    org = make_org(stack, uow, accounts, unique, size=2)
    period = period_of(clock.now())
    org.team[0].api.post("/api/reports", json=body(period))
    run = start_run(uow, period, "test", clock.now())
    stack_control.pause(info, "firestore")
    time.sleep(12)  # units being pushed now fail (10 s Firestore limit) and go back to Pub/Sub
    stack_control.resume(info, "firestore")
    finished = wait_for(lambda: (r := run_progress(uow, run.id)).status != "running" and r, timeout=120)
    assert finished, run_progress(uow, run.id)
    assert finished.status == "completed" and finished.failed == 0 and finished.done == finished.total
    results = uow.results.for_unit(org.unit_id, period)
    assert sorted(r.nip for r in results) == sorted([org.boss.nip, org.admin.nip, *[m.nip for m in org.team]])
    findings = [d.id for d in uow.client.collection("findings").where(filter=FieldFilter("unit_id", "==", org.unit_id)).stream()]
    assert len(findings) == len(set(findings))
    audits = [d for d in uow.client.collection("audit").where(filter=FieldFilter("subject", "==", f"{org.unit_id}/{period}")).stream()
              if d.to_dict()["inputs"] and d.id.endswith(f"{run.id}:{org.unit_id}")]
    assert len(audits) == 1  # scored once, however often the message came back
