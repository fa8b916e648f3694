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


def test_blank_unsur_are_summed_by_the_database_and_the_ikm_counts_each_unsur_apart(uow, unique):
    from common.domain.ikm import Weights
    from common.domain.organisation import ServiceType
    from common.domain.survey import PartialAnswers
    from common.services.survey_figures import read_totals
    from common.services.surveys import PaperResponse, import_paper

    unit = f.unit(f"kel-blank-{unique}", services=[ServiceType(id="sk", name="Domisili", standard_days=1)])
    uow.units.put_many([unit])
    full = {f"U{i}": 3 for i in range(1, 10)}
    rows = [PaperResponse(answers=PartialAnswers(**full)) for _ in range(3)]
    rows.append(PaperResponse(answers=PartialAnswers(**{**full, "U4": None, "U9": None})))
    rows.append(PaperResponse(answers=PartialAnswers(**{**full, "U9": None, "U1": 4})))
    assert import_paper(uow, unit.id, "2026-10", rows, NOW) == 5
    totals = read_totals(uow, unit.id, ["2026-10"])
    assert (totals.n, totals.blank) == (5, {"U4": 1, "U9": 2})
    assert totals.answered()["U9"] == 3 and totals.sums["U9"] == 9 and totals.sums["U1"] == 16
    result = totals.ikm(Weights.EXACT)
    assert result.answers["U9"] == 3 and result.nrr["U9"] == 3.0 and result.nrr["U1"] == 3.2 and result.ikm is not None


def test_the_annual_record_round_trips_with_its_history(uow, unique):
    from common.domain.annual import decide, propose
    from common.domain.organisation import FunctionalLevel
    from common.domain.ratings import Rating
    from common.domain.scoring import AsnResult, Outcome

    unit_id, nip, boss = f"kel-an-{unique}", f.make_nip(), f.make_nip()
    months = [AsnResult(nip=nip, name="Siti", unit_id=unit_id, supervisor_nip=boss, period=f"2026-{m:02d}", outcome=Outcome.SCORED,
                        hasil_kerja=Rating.SESUAI, perilaku_kerja=Rating.SESUAI) for m in range(1, 13)]
    record = decide(propose(2026, nip, "Siti", unit_id, boss, months, FunctionalLevel.AHLI_MUDA), Rating.DI_ATAS, Rating.DI_ATAS, boss, NOW, "x")
    uow.annual.put_many([record])
    assert uow.annual.get(record.id) == record
    assert uow.annual.for_unit(unit_id, 2026) == [record] and uow.annual.for_supervisor(boss, 2026) == [record]
    assert uow.annual.for_unit(unit_id, 2025) == [] and set(uow.annual.get_many([record.id, "none_2026"])) == {record.id}
    assert record.angka_kredit == 37.5
