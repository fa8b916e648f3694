"""The Firestore adapter against the emulator: round trips, transactions, the outbox query."""

from __future__ import annotations

from datetime import timedelta

import pytest

from common.domain import reports as domain
from common.domain.events import Event
from tests import factories as f

NOW = f.at("2026-11-03 10:00")


def test_models_round_trip_with_enums_and_timestamps(uow, unique):
    unit = f.unit(f"kel-rt-{unique}")
    boss = f.employee(unit.id)
    asn = f.employee(unit.id, supervisor=boss.nip)
    uow.units.put_many([unit])
    uow.employees.put_many([boss, asn])
    plan = f.plan(asn.nip)
    uow.plans.put_many([plan])
    report, _, _ = domain.submit(None, asn, plan, "2026-10", f.content(), NOW, 5)
    reviewed, _ = domain.review(report, asn, boss.nip, f.review_input(), NOW + timedelta(days=1))
    uow.reports.put(reviewed)

    assert uow.units.get(unit.id) == unit
    assert uow.employees.get(asn.nip) == asn
    assert uow.plans.for_year(asn.nip, 2026) == plan
    assert uow.reports.get(reviewed.id) == reviewed
    assert [e.nip for e in uow.employees.subordinates(boss.nip)] == [asn.nip]
    assert {e.nip for e in uow.employees.in_unit(unit.id)} == {boss.nip, asn.nip}
    assert set(uow.reports.get_many([reviewed.id, "nothing_here"])) == {reviewed.id}
    stored = uow.client.collection("reports").document(reviewed.id).get().to_dict()
    assert stored["submitted_at"].tzinfo is not None  # a Firestore Timestamp, not text


def test_a_failing_transaction_leaves_nothing(uow, unique):
    unit = f.unit(f"kel-tx-{unique}")

    def work(tx):
        tx.units.get(unit.id)
        tx.units.put_many([unit])
        raise RuntimeError("halfway")

    with pytest.raises(RuntimeError):
        uow.transaction(work)
    assert uow.units.get(unit.id) is None


def test_a_read_after_a_write_in_a_transaction_is_refused_like_the_fake_does(uow, unique):
    unit = f.unit(f"kel-raw-{unique}")

    def work(tx):
        tx.units.put_many([unit])
        tx.units.get(unit.id)

    with pytest.raises(Exception) as error:
        uow.transaction(work)
    assert "read" in str(error.value).lower()


def test_the_outbox_returns_old_pending_events_oldest_first(uow, unique):
    events = [Event.of("report.submitted", f"{unique}:{i}", NOW + timedelta(seconds=i), {"report_id": unique}) for i in range(3)]
    for event in events:
        uow.outbox.add([event])
    uow.outbox.mark_published([events[1].id], NOW + timedelta(minutes=1))
    uow.outbox.mark_failed([events[2].id], "down")
    pending = [e for e in uow.outbox.pending(NOW + timedelta(seconds=5), 500) if e.event.data.get("report_id") == unique]
    assert [e.event.id for e in pending] == [events[0].id, events[2].id]
    assert pending[1].attempts == 1 and pending[1].last_error == "down"
    newer_only = [e for e in uow.outbox.pending(NOW, 500) if e.event.data.get("report_id") == unique]
    assert [e.event.id for e in newer_only] == [events[0].id]
