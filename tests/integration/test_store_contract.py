"""One contract, two stores: every case runs against the unit tests' MemoryStore and the
Firestore emulator, so the fakes cannot answer a call differently from Firestore.

The repositories and their specific queries are one code on top of a Store
(common/adapters/store.py); what could drift is the store itself: the values it keeps, how it
filters, orders, pages, projects and aggregates, and a transaction's rules. Each case builds its
data through the store or a real repository and asserts what comes back.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime, timedelta, timezone

import pytest
from google.api_core.exceptions import AlreadyExists, NotFound

from common.adapters.store import Increment, Query
from common.adapters.unit_of_work import UnitOfWork
from common.domain.events import Event
from common.domain.organisation import Unit
from common.domain.survey import Answers, Source, SurveyResponse
from common.services.events import confirm_published
from common.services.ports import AuditEntry
from tests.fakes import FakePublisher, FakeUnitOfWork

NOW = datetime(2026, 11, 3, 3, 0, tzinfo=timezone.utc)
# The Firestore cases reach the stack through getfixturevalue, which the conftest's mark cannot
# see: the whole module runs with the stack's tests, so the pure run never starts a second stack.
pytestmark = pytest.mark.stack


@pytest.fixture(params=["memory", "firestore"])
def store_uow(request) -> UnitOfWork:
    """A unit of work on an empty database: a dictionary, or a fresh emulator project."""
    if request.param == "memory":
        return FakeUnitOfWork(now=lambda: NOW)
    request.getfixturevalue("stack")  # the emulator, started once for the session
    from google.cloud import firestore

    from common.adapters.firestore import FirestoreUnitOfWork

    client = firestore.Client(project=f"demo-contract-{uuid.uuid4().hex[:8]}")
    return FirestoreUnitOfWork(client, publisher=FakePublisher(), now=lambda: NOW)


def ids(rows: list[tuple[str, dict]]) -> list[str]:
    return [doc_id for doc_id, _ in rows]


def seed(store, collection: str, docs: dict[str, dict]) -> None:
    store.set_all([(f"{collection}/{doc_id}", data) for doc_id, data in docs.items()])


# -- values ----------------------------------------------------------------------------------

def test_values_come_back_as_firestore_keeps_them(store_uow):
    store = store_uow.store
    data = {"none": None, "yes": True, "n": 7, "x": 2.5, "text": "Bagan Deli", "raw": b"\x00\x01",
            "at": datetime(2026, 11, 3, 10, 0, tzinfo=timezone(timedelta(hours=7))),
            "list": [1, "a", None], "map": {"inner": {"deep": 1}}}
    store.set("values/one", data)
    back = store.get("values/one")
    assert back == {**data, "at": datetime(2026, 11, 3, 3, 0, tzinfo=timezone.utc)}
    assert back["at"].utcoffset() == timedelta(0)  # a Timestamp comes back in UTC
    assert store.get("values/none") is None


def test_many_reads_return_only_what_exists_and_a_repository_ignores_ids_firestore_cannot_hold(store_uow):
    store_uow.units.put_many([Unit(id="kel-a", name="Kelurahan A"), Unit(id="kel-b", name="Kelurahan B")])
    assert set(store_uow.store.get_all(["units/kel-a", "units/kel-x", "units/kel-a"])) == {"units/kel-a"}
    found = store_uow.units.get_many(["kel-b", "kel-x", "no/such", "__reserved__", "", "kel-b"])
    assert sorted(found) == ["kel-b"] and found["kel-b"].name == "Kelurahan B"
    assert store_uow.units.get("a/b") is None and store_uow.units.get("..") is None


# -- queries ---------------------------------------------------------------------------------

PEOPLE = {
    "p1": {"unit": "kel-a", "score": 80, "tags": ["pns", "kepala"], "at": NOW, "name": "Ani"},
    "p2": {"unit": "kel-a", "score": 95.5, "tags": ["pppk"], "at": NOW + timedelta(hours=1), "name": "Budi"},
    "p3": {"unit": "kel-b", "score": 80, "tags": ["pns"], "at": NOW - timedelta(hours=1), "name": "Citra"},
    "p4": {"unit": "kel-b", "score": "n/a", "tags": [], "at": NOW, "name": "Dedi"},
    "p5": {"unit": "kel-c", "tags": ["pns"], "at": NOW + timedelta(days=1), "name": "Eka"},
}


@pytest.fixture
def people(store_uow):
    seed(store_uow.store, "people", PEOPLE)
    return store_uow.store


@pytest.mark.parametrize("filters, expected", [
    ([("unit", "==", "kel-a")], ["p1", "p2"]),
    ([("unit", "in", ["kel-b", "kel-c", "kel-z"])], ["p3", "p4", "p5"]),
    ([("tags", "array_contains", "pns")], ["p1", "p3", "p5"]),
    ([("score", ">=", 80)], ["p1", "p3", "p2"]),  # a range orders by its field; text and a missing field are not numbers
    ([("score", ">", 80)], ["p2"]),
    ([("score", "==", 80.0)], ["p1", "p3"]),  # 80 and 80.0 are one number
    ([("at", "<", NOW + timedelta(minutes=1)), ("at", ">=", NOW)], ["p1", "p4"]),
    ([("unit", "==", "kel-a"), ("tags", "array_contains", "pns")], ["p1"]),
    ([("name", ">=", "B"), ("name", "<", "D")], ["p2", "p3"]),
    ([("unit", "==", "kel-z")], []),
])
def test_filters(people, filters, expected):
    query = Query("people")
    for path, op, value in filters:
        query = query.where(path, op, value)
    assert ids(people.query(query)) == expected  # without an order: by the range's field, then by document id


def test_ordering_puts_ties_in_id_order_and_leaves_out_documents_without_the_field(people):
    assert ids(people.query(Query("people").order_by("score"))) == ["p1", "p3", "p2", "p4"]  # numbers before text; p5 has none
    assert ids(people.query(Query("people").order_by("score", descending=True))) == ["p4", "p2", "p3", "p1"]
    assert ids(people.query(Query("people").order_by("at").order_by("name", descending=True))) == ["p3", "p4", "p1", "p2", "p5"]


def test_pages_follow_on_from_the_last_row_seen(people):
    base = Query("people").where("unit", "in", ["kel-a", "kel-b", "kel-c"]).order_by("at", descending=True).order_by("name", descending=True)
    seen, after = [], None
    while True:
        query = base.take(2) if after is None else base.take(2).start_after(*after)
        rows = people.query(query)
        if not rows:
            break
        seen += ids(rows)
        last = rows[-1][1]
        after = (last["at"], last["name"])
    assert seen == ["p5", "p2", "p4", "p1", "p3"]
    assert ids(people.query(base)) == seen  # the pages together are the whole, once each


def test_a_projection_returns_only_the_named_fields(people):
    rows = people.query(Query("people").where("unit", "==", "kel-a").select("name", "score"))
    assert rows == [("p1", {"name": "Ani", "score": 80}), ("p2", {"name": "Budi", "score": 95.5})]


def test_subcollections_are_their_own_collections(store_uow):
    store = store_uow.store
    store.set_all([("inbox/n1/items/a", {"read": False}), ("inbox/n1/items/b", {"read": True}), ("inbox/n2/items/c", {"read": False})])
    assert ids(store.query(Query("inbox/n1/items").where("read", "==", False))) == ["a"]
    assert store.get("inbox/n1") is None  # a parent with subcollections need not exist


def test_aggregations_count_and_sum_numbers_only(people):
    assert people.aggregate(Query("people"), {"n": ("count", None)}) == {"n": 5}
    assert people.aggregate(Query("people"), {"total": ("sum", "score")}) == {"total": 255.5}  # the text is no number
    # Beside a sum, a count counts the documents that have the summed field: p5 has no score.
    assert people.aggregate(Query("people"), {"n": ("count", None), "total": ("sum", "score")}) == {"n": 4, "total": 255.5}
    assert people.aggregate(Query("people"), {"n": ("count", None), "none": ("sum", "missing")}) == {"n": 0, "none": 0}
    store = people
    store.set_all([("nulls/a", {"s": 1, "m": {"x": 2}}), ("nulls/b", {"s": None, "m": {"x": None}}), ("nulls/c", {"s": "t", "m": {}}),
                   ("nulls/d", {"m": {"x": 3}})])
    assert store.aggregate(Query("nulls"), {"n": ("count", None), "t": ("sum", "s")}) == {"n": 3, "t": 1}  # a null is a field
    assert store.aggregate(Query("nulls"), {"n": ("count", None), "t": ("sum", "m.x")}) == {"n": 3, "t": 5}
    assert store.aggregate(Query("nulls"), {"t": ("sum", "s"), "u": ("sum", "m.x")}) == {"t": 1, "u": 2}
    assert people.aggregate(Query("people").where("unit", "==", "kel-z"), {"n": ("count", None)}) == {"n": 0}
    many = {f"s{i}": ("sum", "score") for i in range(7)}  # more than the five Firestore computes in one query
    assert people.aggregate(Query("people").where("unit", "==", "kel-a"), many) == {alias: 175.5 for alias in many}


# -- writes ----------------------------------------------------------------------------------

def test_create_refuses_an_existing_document_and_update_a_missing_one(store_uow):
    store = store_uow.store
    store.create("counters/a", {"n": 1, "keep": "x"})
    with pytest.raises(AlreadyExists):
        store.create("counters/a", {"n": 2})
    with pytest.raises(NotFound):
        store.update("counters/missing", {"n": 1})
    store.update("counters/a", {"n": Increment(2), "nested.deep": "y"})
    assert store.get("counters/a") == {"n": 3, "keep": "x", "nested": {"deep": "y"}}
    store.delete("counters/a")
    store.delete("counters/a")  # deleting what is gone is no error
    assert store.get("counters/a") is None


def test_a_merge_creates_a_missing_document_and_keeps_the_fields_it_does_not_name(store_uow):
    store = store_uow.store
    store.write_all([("merge", "counters/m", {"n": Increment(1), "at": "x"})])  # alone: the document's own call
    store.write_all([("merge", "counters/m", {"n": Increment(1)}), ("merge", "counters/o", {"n": Increment(3)})])  # a batch
    assert store.get_all(["counters/m", "counters/o"]) == {"counters/m": {"n": 2, "at": "x"}, "counters/o": {"n": 3}}
    store_uow.transaction(lambda tx: tx.store.write_all([("merge", "counters/m", {"at": "y"})]))  # in a transaction
    assert store.get("counters/m") == {"n": 2, "at": "y"}


def test_many_writes_beyond_one_batch(store_uow):
    store_uow.store.set_all([(f"bulk/{i:04d}", {"i": i}) for i in range(450)])
    assert store_uow.store.aggregate(Query("bulk"), {"n": ("count", None), "sum": ("sum", "i")}) == {"n": 450, "sum": sum(range(450))}
    store_uow.store.update_all([f"bulk/{i:04d}" for i in range(450)], {"done": True})
    assert store_uow.store.aggregate(Query("bulk").where("done", "==", True), {"n": ("count", None)}) == {"n": 450}


# -- transactions ----------------------------------------------------------------------------

def test_a_transaction_that_fails_leaves_nothing_and_publishes_nothing(store_uow):
    event = Event.of("scoring.completed", key="2026-10-run", occurred_at=NOW, data={"run_id": "2026-10-run"})

    def work(tx):
        tx.units.get("kel-a")
        tx.units.put(Unit(id="kel-a", name="Kelurahan A"))
        tx.emit([event])
        raise RuntimeError("halfway")

    with pytest.raises(RuntimeError):
        store_uow.transaction(work)
    assert store_uow.units.get("kel-a") is None
    assert store_uow.outbox.get(event.id) is None and store_uow.publisher.published == []


def test_a_transaction_writes_its_events_and_publishes_them_after_commit(store_uow):
    event = Event.of("scoring.completed", key="2026-10-run", occurred_at=NOW, data={"run_id": "2026-10-run"})

    def work(tx):
        tx.units.get("kel-a")
        tx.units.put(Unit(id="kel-a", name="Kelurahan A"))
        tx.emit([event, event])  # the same event twice is one
        return "done"

    assert store_uow.transaction(work) == "done"
    assert store_uow.units.get("kel-a").name == "Kelurahan A"
    assert [e.id for e in store_uow.publisher.published] == [event.id]
    assert store_uow.outbox.get(event.id).published_at is None  # until the relay reads its receipt
    assert confirm_published(store_uow.outbox, store_uow.publisher, NOW, 10) == 1
    assert store_uow.outbox.pending(NOW + timedelta(minutes=1), 10) == []
    assert confirm_published(store_uow.outbox, store_uow.publisher, NOW, 10) == 0  # acknowledged: taken once


@pytest.mark.parametrize("publish_fails", [False, True])
def test_writes_after_a_commit_go_out_in_a_commit_of_their_own(store_uow, publish_fails):
    from common.adapters.store import metered

    event = Event.of("survey.submitted", key=f"after-{publish_fails}", occurred_at=NOW, data={"unit_id": "kel-a"})
    store_uow.publisher.fail = publish_fails

    def work(tx):
        tx.units.get("kel-a")
        tx.units.put(Unit(id="kel-a", name="Kelurahan A"))
        tx.emit([event])
        tx.after_commit(lambda later: later.store.set_all([("counted/a", {"n": 1}), ("counted/b", {"n": 2})]))

    with metered() as meter:
        store_uow.transaction(work)
    assert meter.writes == 2 + 2 + publish_fails  # the unit and its outbox entry; the two after; a failure noted
    assert store_uow.store.get_all(["counted/a", "counted/b"]) == {"counted/a": {"n": 1}, "counted/b": {"n": 2}}
    entry = store_uow.outbox.get(event.id)
    assert entry.published_at is None and (entry.attempts == 1) == publish_fails


def test_a_deferred_store_refuses_reads(store_uow):
    from common.adapters.store import Deferred

    deferred = Deferred(store_uow.store)
    with pytest.raises(TypeError):
        deferred.get("units/kel-a")
    deferred.set("units/kel-a", {"name": "A"})
    deferred.update("units/kel-a", {"name": "B"})
    assert store_uow.store.get("units/kel-a") is None  # nothing before the commit
    deferred.commit()
    assert store_uow.store.get("units/kel-a") == {"name": "B"}  # in order, in one commit


def test_a_read_beside_a_transaction_answers_with_its_result_or_its_error(store_uow):
    seed(store_uow.store, "units", {"kel-a": {"name": "A"}})
    found = store_uow.beside(lambda: store_uow.store.get("units/kel-a"))
    failed = store_uow.beside(lambda: 1 / 0)
    assert store_uow.transaction(lambda tx: tx.store.get("units/kel-a")) == found() == {"name": "A"}
    with pytest.raises(ZeroDivisionError):
        failed()  # raised where the answer is asked for, not where the read started


def test_a_read_after_a_write_in_a_transaction_is_refused(store_uow):
    def work(tx):
        tx.store.set("units/kel-a", {"name": "A"})
        tx.store.get("units/kel-a")

    with pytest.raises(Exception, match="(?i)read after write"):
        store_uow.transaction(work)
    assert store_uow.store.get("units/kel-a") is None


def test_a_create_in_a_transaction_conflicts_with_an_existing_document(store_uow):
    store_uow.store.set("units/kel-a", {"name": "A"})
    with pytest.raises(AlreadyExists):
        store_uow.transaction(lambda tx: tx.store.create("units/kel-a", {"name": "B"}))
    assert store_uow.store.get("units/kel-a") == {"name": "A"}


# -- specific queries on top ---------------------------------------------------------------

def test_the_audit_log_pages_newest_first_with_ties_broken_by_id(store_uow):
    entries = [AuditEntry(id=f"e{i:02d}", at=NOW + timedelta(minutes=i // 3), actor="admin", action="role.granted",
                          subject="employee", nip="198501012010011001" if i % 2 else "199001012015032002", reason="uji") for i in range(12)]
    store_uow.audit.append_many(entries)
    pages, before = [], None
    while page := store_uow.audit.find_entries(None, None, 5, before):
        pages.append([e.id for e in page])
        before = (page[-1].at, page[-1].id)
    assert pages == [["e11", "e10", "e09", "e08", "e07"], ["e06", "e05", "e04", "e03", "e02"], ["e01", "e00"]]
    mine = store_uow.audit.find_entries("198501012010011001", NOW + timedelta(minutes=2), 10, None)
    assert [e.id for e in mine] == ["e11", "e09", "e07"]


def test_survey_totals_span_more_months_than_one_in_filter_takes(store_uow):
    months = [f"{2024 + m // 12}-{m % 12 + 1:02d}" for m in range(36)]  # three years: 36 months > 30
    responses = [SurveyResponse(receipt=f"SKM-{i}", unit_id="kel-a", service_id="sk", service_date=date(int(p[:4]), int(p[5:]), 10), period=p,
                                submitted_at=datetime(int(p[:4]), int(p[5:]), 10, 3, tzinfo=timezone.utc), source=Source.PAPER,
                                answers=Answers(**{f"U{k}": 3 if i % 2 else 4 for k in range(1, 10)}), complaint=False, lowest_score=3)
                 for i, p in enumerate(months)]
    store_uow.surveys.put_many(responses)
    n, sums = store_uow.surveys.totals("kel-a", months)
    assert n == 36 and sums["U1"] == 18 * 3 + 18 * 4
    assert store_uow.surveys.count("kel-a", months[:3]) == 3 and store_uow.surveys.count("kel-b", months) == 0


def test_rate_limit_counters_count_each_hit_and_are_read_with_the_unit_and_key(store_uow):
    limits = store_uow.rate_limits
    limits.hit(["window-a", "day-a"], expire_at=NOW + timedelta(days=1))
    limits.hit(["window-a", "day-a"], expire_at=NOW + timedelta(days=1))
    limits.hit(["window-b", "day-a"], expire_at=NOW + timedelta(days=1))
    assert limits.counts(["window-a", "day-a"]) == [2, 3]
    assert limits.counts(["window-c", "day-c"]) == [0, 0]
    store_uow.units.put_many([Unit(id="kel-a", name="Kelurahan A")])
    first, unit, counted = store_uow.transaction(
        lambda tx: tx.survey_keys.get_with_unit("no-such-key", "kel-a", tx.rate_limits.paths(["window-a", "day-a"])))
    assert first is None and unit is not None and unit.id == "kel-a"
    assert limits.counts_in(counted, ["window-a", "day-a"]) == [2, 3]


def test_objection_queries_list_page_find_the_overdue_and_run_in_a_transaction(store_uow):
    from datetime import date as day

    from common.domain.objections import Objection, ObjectionStatus, Ratings

    ratings = Ratings(hasil_kerja="sesuai_ekspektasi", perilaku_kerja="sesuai_ekspektasi", predikat="baik")

    def objection(nip: str, period: str, unit: str, minutes: int, due: day, status=ObjectionStatus.SUBMITTED) -> Objection:
        return Objection(id=f"{nip}_{period}", nip=nip, name=f"P {nip}", unit_id=unit, period=period, annual=len(period) == 4,
                         reason="x" * 20, rater_nip="r1", decider="d1", decider_nip="d1", original=ratings, status=status,
                         open=status is not ObjectionStatus.DECIDED, filed_at=NOW + timedelta(minutes=minutes),
                         window_closed_on=day(2026, 11, 17), due=due)

    rows = [objection("n1", "2026-10", "kel-a", 0, day(2026, 11, 10)), objection("n2", "2026-10", "kel-a", 1, day(2026, 11, 12)),
            objection("n3", "2026-10", "kel-b", 1, day(2026, 11, 9)), objection("n4", "2026-09", "kel-a", 2, day(2026, 10, 1), ObjectionStatus.DECIDED),
            objection("n5", "2026", "kel-a", 3, day(2026, 11, 11), ObjectionStatus.RESPONDED)]
    store_uow.objections.put_many(rows)
    repo = store_uow.objections
    assert sorted(o.id for o in repo.for_unit_period("kel-a", "2026-10")) == ["n1_2026-10", "n2_2026-10"]
    assert [o.id for o in store_uow.transaction(lambda tx: tx.objections.for_unit_period("kel-b", "2026-10"))] == ["n3_2026-10"]
    first = repo.listed("decider", "d1", None, 2)
    assert [o.id for o in first] == ["n5_2026", "n4_2026-09"]
    rest = repo.listed("decider", "d1", None, 10, (first[-1].filed_at, first[-1].id))
    assert [o.id for o in rest] == ["n3_2026-10", "n2_2026-10", "n1_2026-10"]  # ties on filed_at broken by id, descending
    assert [o.id for o in repo.listed("unit_id", "kel-a", "submitted", 10)] == ["n2_2026-10", "n1_2026-10"]
    assert [o.id for o in repo.listed("nip", "n4", None, 10)] == ["n4_2026-09"]
    assert [o.id for o in repo.overdue(day(2026, 11, 12), 10)] == ["n3_2026-10", "n1_2026-10", "n5_2026"]  # open, due before, by due
