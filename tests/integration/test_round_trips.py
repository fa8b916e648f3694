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
    return make_org(stack, uow, accounts, unique, size=3)  # three alike requests of each kind


def report_body(period: str) -> dict:
    return {"period": period, "realisasi": [{"indicator_id": "IKI-1", "value": 42}], "narrative": "Melayani 42 permohonan.",
            "evidence": ["https://drive.example.go.id/bukti/register.pdf"]}


def review_body() -> dict:
    values = ["berorientasi_pelayanan", "akuntabel", "kompeten", "harmonis", "loyal", "adaptif", "kolaboratif"]
    return {"decision": "accept", "hasil_kerja": "sesuai_ekspektasi", "perilaku": {v: "sesuai_ekspektasi" for v in values}}


def bearer(token: str) -> dict:
    return {"Authorization": f"Bearer {token}"}


def fewest(trips, name: str, calls: list) -> list:
    """Each call measured; the calls pinned for every one, the waits for the fewest.

    Waits are read off the calls' times. On a loaded machine a call can start only after the
    one beside it has answered (the emulator answers in 2 ms, quicker than a busy thread gets
    on), which adds a wait the code does not make; nothing can take one away. So the fewest of
    a few alike requests is the code's count: a change that adds a wait fails every one."""
    results = [measure(trips, call) for call in calls]
    for _, cost in results:
        assert cost.by_name() == EXPECTED[name], cost.calls
    best = min((cost for _, cost in results), key=lambda cost: cost.sequential)
    print(f"{name}:", best.sequential, best.by_name())
    assert best.sequential == WAITS[name], [cost.timeline() for _, cost in results]
    return [response for response, _ in results]


def test_report_submission_and_review(counted, org, clock):
    trips, functions = counted
    reports = functions.client("api_reports")
    boss = org.boss
    period = period_of(clock.now())
    reports.post("/api/reports", json=report_body(previous_period(period)), headers=bearer(org.team[0].token))  # warm: clients, certificates

    def submit(asn):
        return lambda: reports.post("/api/reports", json=report_body(period), headers={**bearer(asn.token), "Idempotency-Key": f"trips-{asn.nip}"})

    submitted = fewest(trips, "submit", [submit(asn) for asn in org.team])  # each ASN's first report of the month
    assert [r.status_code for r in submitted] == [201] * len(org.team), [r.get_data(as_text=True) for r in submitted]
    replays = fewest(trips, "replay", [submit(asn) for asn in org.team])
    assert all(r.headers.get("Idempotent-Replayed") == "true" for r in replays)

    def review(response):
        report_id = response.get_json()["report"]["id"]
        return lambda: reports.post(f"/api/reports/{report_id}/review", json=review_body(), headers=bearer(boss.token))

    reviewed = fewest(trips, "review", [review(r) for r in submitted])
    assert [r.status_code for r in reviewed] == [200] * len(submitted), [r.get_data(as_text=True) for r in reviewed]


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
    sent = fewest(trips, "survey", [lambda i=i: send(f"trip-{unique}-{i}", f"127.0.20.{2 + i}") for i in range(3)])  # three senders
    assert [r.status_code for r in sent] == [201] * 3, [r.get_data(as_text=True) for r in sent]


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
    read = fewest(trips, "performance", [lambda: me.get("/api/me/performance", headers=bearer(asn.token))] * 3)
    assert [r.status_code for r in read] == [200] * 3, [r.get_data(as_text=True) for r in read]


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
    # No token; the transaction: begin, one batched read (the client key, the unit, the sender's
    # two rate-limit counters), commit; the publish beside one commit of the sender's count (kept
    # out of the response's commit).
    "survey": {"firestore.BatchGetDocuments": 1, "firestore.BeginTransaction": 1, "firestore.Commit": 2, "pubsub.Publish": 1},
    # The revocation check beside who is asking; one batched read (employee, SKP, the annual
    # record, twelve reports and results) beside the year's trainings (one query).
    "performance": {"auth.accounts:lookup": 1, "firestore.BatchGetDocuments": 2, "firestore.RunQuery": 1},
}


# The waits: calls in flight at once are one (who is asking is read beside the revocation check,
# the sender's count beside the survey's publish, e-performance's trainings beside its batched read). Submission and
# survey intake wait as often as the necessary floor (bench/floor.py).
WAITS: dict[str, int] = {"submit": 5, "replay": 4, "review": 6, "survey": 4, "performance": 2}
