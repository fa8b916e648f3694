"""The network round trips of the busiest requests, pinned: a change that adds one fails here.

Each request is served by its function built from main.py in this process, on the real
clients against the local stack, with every Firestore and Pub/Sub RPC and every Auth HTTP
request counted (tests/roundtrips.py). In production each is a few milliseconds in the
region: this count is what an ASN on a weak signal waits for, more than the emulator's time.
"""

from __future__ import annotations

import pytest

from common.domain.period import period_of, previous_period
from tests.integration.org import make_org
from tests.roundtrips import InProcess, counting, measure


@pytest.fixture(scope="module")
def counted(stack):
    with counting(stack.project) as trips:
        yield trips, InProcess()


@pytest.fixture
def org(stack, uow, accounts, unique):
    return make_org(stack, uow, accounts, unique, size=1)


def report_body(period: str) -> dict:
    return {"period": period, "realisasi": [{"indicator_id": "IKI-1", "value": 42}], "narrative": "Melayani 42 permohonan.",
            "evidence": ["https://drive.example.go.id/bukti/register.pdf"]}


def review_body() -> dict:
    values = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]
    return {"decision": "accept", "hasil_kerja": "sesuai_ekspektasi", "perilaku": {v: "sesuai_ekspektasi" for v in values}}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def test_report_submission_and_review(counted, org, clock):
    trips, functions = counted
    reports = functions.client("api_reports")
    asn, boss = org.team[0], org.boss
    period = period_of(clock.now())
    reports.post("/api/reports", json=report_body(previous_period(period)), headers=bearer(asn.token))  # warm: clients, certificates

    response, cost = measure(trips, lambda: reports.post("/api/reports", json=report_body(period),
                                                           headers={**bearer(asn.token), "Idempotency-Key": f"trips-{asn.nip}"}))
    assert response.status_code == 201, response.get_data(as_text=True)
    print("report submission:", cost.sequential, cost.by_name())
    assert cost.by_name() == EXPECTED["submit"], cost.calls
    assert cost.sequential == WAITS["submit"], cost.timeline()
    report_id = response.get_json()["report"]["id"]

    replay, cost = measure(trips, lambda: reports.post("/api/reports", json=report_body(period),
                                                         headers={**bearer(asn.token), "Idempotency-Key": f"trips-{asn.nip}"}))
    assert replay.headers.get("Idempotent-Replayed") == "true"
    print("replayed submission:", cost.sequential, cost.by_name())
    assert cost.by_name() == EXPECTED["replay"], cost.calls
    assert cost.sequential == WAITS["replay"], cost.timeline()

    reviewed, cost = measure(trips, lambda: reports.post(f"/api/reports/{report_id}/review", json=review_body(), headers=bearer(boss.token)))
    assert reviewed.status_code == 200, reviewed.get_data(as_text=True)
    print("review:", cost.sequential, cost.by_name())
    assert cost.by_name() == EXPECTED["review"], cost.calls
    assert cost.sequential == WAITS["review"], cost.timeline()


def test_survey_intake(counted, stack, uow, unique, clock):
    from common.domain.organisation import ServiceType, Unit
    from common.services import administration

    trips, functions = counted
    unit = Unit(id=f"kel-trip-{unique}", name="Kelurahan Uji", services=[ServiceType(id="sk", name="Domisili", standard_days=1)])
    administration.load_units(uow, [unit])
    surveys = functions.client("api_surveys")
    today = clock.now().astimezone(__import__("common.domain.clock", fromlist=["WIB"]).WIB).date().isoformat()

    def send(key: str, address: str):
        body = {"unit_id": unit.id, "service_id": "sk", "service_date": today, "answers": {f"U{k}": 3 for k in range(1, 10)}, "client_key": key}
        return surveys.post("/api/surveys", json=body, environ_base={"REMOTE_ADDR": address})

    send(f"warm-{unique}", "127.0.20.1")
    response, cost = measure(trips, lambda: send(f"trip-{unique}", "127.0.20.2"))
    assert response.status_code == 201, response.get_data(as_text=True)
    print("survey intake:", cost.sequential, cost.by_name())
    assert cost.by_name() == EXPECTED["survey"], cost.calls
    assert cost.sequential == WAITS["survey"], cost.timeline()


def test_e_performance_read(counted, org, clock):
    trips, functions = counted
    asn = org.team[0]
    period = period_of(clock.now())
    reports = functions.client("api_reports")
    for month in range(1, int(period[5:]) + 1):  # every month of the year so far has its report
        sent = reports.post("/api/reports", json=report_body(f"{period[:4]}-{month:02d}"), headers=bearer(asn.token))
        assert sent.status_code == 201, sent.get_data(as_text=True)
    me = functions.client("api_me")
    me.get("/api/me/performance", headers=bearer(asn.token))  # warm
    response, cost = measure(trips, lambda: me.get("/api/me/performance", headers=bearer(asn.token)))
    assert response.status_code == 200, response.get_data(as_text=True)
    print("e-performance:", cost.sequential, cost.by_name())
    assert cost.by_name() == EXPECTED["performance"], cost.calls
    assert cost.sequential == WAITS["performance"], cost.timeline()


# The counts by RPC. What is left above the necessary floor (bench/floor.py) is said in
# docs/rules.md, "Round trips"; lower one here when a change removes a round trip.
EXPECTED: dict[str, dict[str, int]] = {
    # Auth's account look-up (the revocation check); who is asking (employee + account); the
    # transaction: begin, one batched read (employee, SKP, report, idempotency record, files),
    # commit; the publish. The outbox relay marks the entry published from Pub/Sub's receipt.
    "submit": {"auth.accounts:lookup": 1, "firestore.BatchGetDocuments": 2, "firestore.BeginTransaction": 1,
               "firestore.Commit": 1, "pubsub.Publish": 1},
    # A replay reads the same and commits nothing new (the read-only commit ends the transaction).
    "replay": {"auth.accounts:lookup": 1, "firestore.BatchGetDocuments": 2, "firestore.BeginTransaction": 1, "firestore.Commit": 1},
    # The revocation check, who is asking; the transaction: begin, the report, then its author
    # (named inside it), commit; the publish.
    "review": {"auth.accounts:lookup": 1, "firestore.BatchGetDocuments": 3, "firestore.BeginTransaction": 1,
               "firestore.Commit": 1, "pubsub.Publish": 1},
    # No token; the sender's rate-limit documents, both keys in one query, beside the
    # transaction's begin and its read of the key + unit; commit; the publish beside one commit of
    # the sender's count (kept out of the response's commit).
    "survey": {"firestore.RunQuery": 1, "firestore.BatchGetDocuments": 1, "firestore.BeginTransaction": 1,
               "firestore.Commit": 2, "pubsub.Publish": 1},
    # The revocation check beside who is asking; one batched read (employee, SKP, the annual
    # record, twelve reports and results) beside the year's trainings (one query).
    "performance": {"auth.accounts:lookup": 1, "firestore.BatchGetDocuments": 2, "firestore.RunQuery": 1},
}


# The waits: calls in flight at once are one (who is asking is read beside the revocation check,
# the survey's rate-limit query beside its transaction's begin and first read and the sender's
# count beside the publish, e-performance's trainings beside its batched read). Submission and
# survey intake wait as often as the necessary floor (bench/floor.py).
WAITS: dict[str, int] = {"submit": 5, "replay": 4, "review": 6, "survey": 4, "performance": 2}
