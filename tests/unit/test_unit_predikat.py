"""The organisation's predikat: proposed by the scoring, set or confirmed by the leader above,
kept over later runs, feeding the curve and the unit head's Hasil Kerja."""

from __future__ import annotations

import pytest

from common.domain import reports as domain
from common.domain.curve import UnitPredikat
from common.domain.errors import Forbidden, NotFound
from common.domain.organisation import Role, Unit
from common.domain.ratings import Rating
from common.services import scoring
from common.services.ports import Caller
from common.services.unit_predikat import PredikatDecisionInput, decide_unit_predikat
from common.settings import Settings
from tests import factories as f
from tests.fakes import FakeUnitOfWork

NOW = f.at("2026-11-06 02:00")
LATER = f.at("2026-11-07 09:00")
SETTINGS = Settings(project_id="demo-test")
REASON = "Perjanjian kinerja kelurahan tercapai seluruhnya pada Oktober."


@pytest.fixture
def world():
    uow = FakeUnitOfWork()
    camat = f.employee("kec-x")
    lurah = f.employee("kel-a", supervisor=camat.nip)
    staff = [f.employee("kel-a", supervisor=lurah.nip) for _ in range(3)]
    uow.units.put_many([Unit(id="kec-x", name="Kecamatan X", kind="kecamatan", head_nip=camat.nip),
                        Unit(id="kel-a", name="Kelurahan A", parent_id="kec-x", head_nip=lurah.nip)])
    uow.employees.put_many([camat, lurah, *staff])
    uow.plans.put_many([f.plan(e.nip) for e in [camat, lurah, *staff]])
    for person, rater, rating in [(lurah, camat, Rating.DI_ATAS), *[(s, lurah, Rating.SESUAI) for s in staff]]:
        report, _, _ = domain.submit(None, person, f.plan(person.nip), "2026-10", f.content(), f.at("2026-11-02 09:00"), 5)
        reviewed, _ = domain.review(report, person, rater.nip, f.review_input(rating=rating), f.at("2026-11-03 09:00"))
        uow.reports.put(reviewed)
    return uow, camat, lurah, staff


def run(uow, run_id):
    started = scoring.start_run(uow, "2026-10", "admin", NOW, run_id=run_id)
    for unit_id in started.units:
        scoring.score_unit(uow, SETTINGS, started.id, started.period, unit_id, NOW)


def caller(person, role=Role.ASN) -> Caller:
    return Caller(uid=f"u-{person.nip}", nip=person.nip, role=role, unit_id=person.unit_id)


def test_the_camat_sets_the_kelurahan_predikat_and_it_drives_the_curve_and_the_lurah(world):
    uow, camat, lurah, staff = world
    run(uow, "r1")
    proposed = uow.results.get_unit("kel-a", "2026-10")
    assert proposed.predikat_status == "proposed" and proposed.predikat is proposed.proposed_predikat is not None
    head = next(r for r in uow.results.for_unit("kel-a", "2026-10") if r.nip == lurah.nip)
    assert head.hasil_kerja_source == "unit_predikat" and head.unit_predikat is proposed.predikat  # even before a decision

    chosen = UnitPredikat.KURANG if proposed.proposed_predikat is not UnitPredikat.KURANG else UnitPredikat.BAIK
    decided = decide_unit_predikat(uow, caller(camat), "kel-a", PredikatDecisionInput(period="2026-10", predikat=chosen, reason=REASON), LATER)
    assert (decided.predikat, decided.predikat_status, decided.proposed_predikat) == (chosen, "set", proposed.proposed_predikat)
    assert decided.curve.unit_predikat is chosen and decided.decision.by == camat.nip and decided.decision.reason == REASON
    head = next(r for r in uow.results.for_unit("kel-a", "2026-10") if r.nip == lurah.nip)
    assert head.unit_predikat is chosen and head.hasil_kerja is (Rating.DI_BAWAH if chosen is UnitPredikat.KURANG else Rating.SESUAI)
    (entry,) = [e for e in uow.state.audit.values() if e.action == "unit_predikat.decided"]
    assert (entry.actor, entry.reason, entry.outputs["predikat"], entry.nip) == (camat.nip, REASON, chosen.value, lurah.nip)

    run(uow, "r2")  # a later run keeps the decision and recomputes the rest
    again = uow.results.get_unit("kel-a", "2026-10")
    assert (again.predikat, again.predikat_status, len(again.decisions)) == (chosen, "set", 1)
    assert next(r for r in uow.results.for_unit("kel-a", "2026-10") if r.nip == lurah.nip).unit_predikat is chosen

    confirmed = decide_unit_predikat(uow, caller(camat), "kel-a", PredikatDecisionInput(
        period="2026-10", predikat=proposed.proposed_predikat, reason=REASON), LATER)
    assert confirmed.predikat_status == "confirmed" and [d.status for d in confirmed.decisions] == ["set", "confirmed"]


def test_only_the_leader_above_decides(world):
    uow, camat, lurah, staff = world
    run(uow, "r1")
    before = dict(uow.state.unit_results), dict(uow.state.audit)
    given = PredikatDecisionInput(period="2026-10", predikat=UnitPredikat.ISTIMEWA, reason=REASON)
    for someone in (caller(lurah), caller(staff[0]), caller(staff[0], Role.ADMIN)):  # BKPSDM does not decide for the camat
        with pytest.raises(Forbidden):
            decide_unit_predikat(uow, someone, "kel-a", given, LATER)
    with pytest.raises(Forbidden):
        decide_unit_predikat(uow, caller(camat), "kec-x", given, LATER)  # the camat's own unit is the wali kota's to set
    assert (dict(uow.state.unit_results), dict(uow.state.audit)) == before
    admin = caller(f.employee("bkpsdm"), Role.ADMIN)
    assert decide_unit_predikat(uow, admin, "kec-x", given, LATER).predikat is UnitPredikat.ISTIMEWA


def test_an_unscored_period_or_an_unknown_unit_is_not_found(world):
    uow, camat, *_ = world
    given = PredikatDecisionInput(period="2026-10", predikat=UnitPredikat.BAIK, reason=REASON)
    for unit_id in ("kel-a", "kel-none"):
        with pytest.raises(NotFound):
            decide_unit_predikat(uow, caller(camat), unit_id, given, LATER)
    with pytest.raises(ValueError):
        PredikatDecisionInput(period="2026-10", predikat=UnitPredikat.BAIK, reason="ok")  # a reason says why
