"""The annual evaluation: the proposal from the months, the supervisor's decision, the curve,
angka kredit pro rata, the XLSX and the view in e-performance."""

from __future__ import annotations

import io

import pytest

from common.domain.annual import angka_kredit, decide, median_rating, propose
from common.domain.curve import UnitPredikat
from common.domain.errors import Forbidden, NotFound
from common.domain.organisation import FunctionalLevel, Role, Unit
from common.domain.ratings import Predikat, Rating
from common.domain.scoring import AsnResult, Outcome
from common.services import annual, performance
from common.services.ports import Caller
from common.settings import Settings
from tests import factories as f
from tests.fakes import FakeUnitOfWork

A, S, D = Rating.DI_ATAS, Rating.SESUAI, Rating.DI_BAWAH
NOW = f.at("2027-01-10 09:00")


def month(m: int, hk: Rating | None, pk: Rating | None, outcome: Outcome = Outcome.SCORED) -> AsnResult:
    return AsnResult(nip="199001012015032001", name="Siti", unit_id="kel-a", supervisor_nip=None, period=f"2026-{m:02d}",
                     outcome=outcome, hasil_kerja=hk, perilaku_kerja=pk)


def test_the_proposal_is_the_median_of_the_rated_months_lower_middle_on_a_tie():
    assert median_rating([A, A, S]) is A and median_rating([A, S]) is S and median_rating([D, S, A, A]) is S
    assert median_rating([]) is None
    months = [month(m, A, S) for m in range(1, 8)] + [month(m, S, S) for m in range(8, 13)]
    months[11] = month(12, S, None, Outcome.AWAITING_REVIEW)  # not rated by the supervisor: not in the proposal
    record = propose(2026, "199001012015032001", "Siti", "kel-a", None, months, None)
    assert (record.months_rated, record.months_in_position) == (11, 12)
    assert (record.proposed_hasil_kerja, record.proposed_perilaku_kerja, record.proposed_predikat) == (A, S, Predikat.BAIK)
    assert (record.status, record.predikat, record.angka_kredit) == ("proposed", None, None)


@pytest.mark.parametrize("p, level, months, credit", [
    (Predikat.SANGAT_BAIK, FunctionalLevel.AHLI_PERTAMA, 12, 18.75),
    (Predikat.BAIK, FunctionalLevel.AHLI_MUDA, 12, 25.0),
    (Predikat.BUTUH_PERBAIKAN, FunctionalLevel.AHLI_MADYA, 12, 28.125),
    (Predikat.KURANG, FunctionalLevel.TERAMPIL, 12, 2.5),
    (Predikat.SANGAT_KURANG, FunctionalLevel.AHLI_UTAMA, 12, 12.5),
    (Predikat.BAIK, FunctionalLevel.AHLI_PERTAMA, 5, 5.208),  # a partial year: 12.5 x 5/12
    (Predikat.SANGAT_BAIK, FunctionalLevel.PEMULA, 7, 3.281),  # 3.75 x 1.5 x 7/12 = 3.28125
])
def test_angka_kredit_is_the_coefficient_times_the_predikat_share_pro_rata(p, level, months, credit):
    assert angka_kredit(p, level, months) == credit


def test_a_decision_sets_the_predikat_by_the_matrix_and_keeps_history():
    record = propose(2026, "199001012015032001", "Siti", "kel-a", None, [month(m, S, S, Outcome.SCORED) for m in range(3, 13)],
                     FunctionalLevel.AHLI_PERTAMA)
    first = decide(record, A, A, "sup", NOW, None)
    assert (first.predikat, first.status, first.angka_kredit) == (Predikat.SANGAT_BAIK, "decided", 15.625)  # 12.5 x 1.5 x 10/12
    second = decide(first, D, S, "sup", NOW, "Target tidak tercapai di semester dua")
    assert [d.predikat for d in second.decisions] == [Predikat.SANGAT_BAIK, Predikat.BUTUH_PERBAIKAN] and second.predikat is Predikat.BUTUH_PERBAIKAN
    # A new proposal (a late review) keeps the decisions.
    again = propose(2026, record.nip, record.name, record.unit_id, None, [month(m, A, A) for m in range(3, 13)], FunctionalLevel.AHLI_PERTAMA, second)
    assert again.proposed_predikat is Predikat.SANGAT_BAIK and again.predikat is Predikat.BUTUH_PERBAIKAN and len(again.decisions) == 2


@pytest.fixture
def world():
    uow = FakeUnitOfWork()
    lurah = f.employee("kel-a")
    staff = [f.employee("kel-a", supervisor=lurah.nip, functional_level=FunctionalLevel.AHLI_PERTAMA), f.employee("kel-a", supervisor=lurah.nip)]
    uow.units.put_many([Unit(id="kel-a", name="Kelurahan A", head_nip=lurah.nip)])
    uow.employees.put_many([lurah, *staff])
    results = []
    for m in range(1, 13):
        for person, rating in ((staff[0], A), (staff[1], S)):
            results.append(AsnResult(nip=person.nip, name=person.name, unit_id="kel-a", supervisor_nip=lurah.nip, period=f"2026-{m:02d}",
                                     outcome=Outcome.SCORED, hasil_kerja=rating, perilaku_kerja=S))
    uow.results.put_many(results, "r")
    return uow, lurah, staff


def caller(person, role=Role.ASN) -> Caller:
    return Caller(uid=f"u-{person.nip}", nip=person.nip, role=role, unit_id=person.unit_id)


def test_bkpsdm_prepares_the_supervisor_decides_the_unit_sees_its_curve(world):
    uow, lurah, staff = world
    run = annual.run_year(uow, 2026, None, "admin", NOW)
    assert (run.units, run.records) == (1, 3)
    team = annual.team_year(uow, caller(lurah), 2026)
    assert {r.nip: r.proposed_predikat for r in team.records} == {staff[0].nip: Predikat.BAIK, staff[1].nip: Predikat.BAIK}
    with pytest.raises(Forbidden):
        annual.decide_year(uow, caller(staff[1]), staff[0].nip, 2026, annual.AnnualDecisionInput(hasil_kerja=A, perilaku_kerja=A), NOW)
    decided = annual.decide_year(uow, caller(lurah), staff[0].nip, 2026,
                                 annual.AnnualDecisionInput(hasil_kerja=A, perilaku_kerja=A, reason="Melampaui target sepanjang tahun"), NOW)
    assert (decided.predikat, decided.angka_kredit) == (Predikat.SANGAT_BAIK, 18.75)
    (entry,) = [e for e in uow.state.audit.values() if e.action == "annual.decided"]
    assert (entry.actor, entry.nip, entry.outputs["angka_kredit"]) == (lurah.nip, staff[0].nip, 18.75)

    annual.run_year(uow, 2026, "kel-a", "admin", NOW)  # again: the decision stays
    assert uow.annual.get(f"{staff[0].nip}_2026").predikat is Predikat.SANGAT_BAIK

    from common.domain.scoring import UnitResult
    uow.results.put_unit(UnitResult(unit_id="kel-a", period="2026-12", employees=3, reported=3, on_time=3, on_time_share=1.0,
                                    late_share=0.0, mean_capaian=1.0, ikm=None, predikat=UnitPredikat.BAIK, outcomes={}, curve=None), "r")
    view = annual.unit_year(uow, caller(lurah), "kel-a", 2026)
    assert (view.unit_predikat, view.decided, view.proposed) == (UnitPredikat.BAIK, 1, 2)
    assert not view.curve.ok and {v.kind.value for v in view.curve.violations} >= {"largest", "present"}
    with pytest.raises(Forbidden):
        annual.unit_year(uow, caller(staff[0]), "kel-a", 2026)

    from openpyxl import load_workbook

    from common.adapters.annual_sheet import annual_xlsx
    from common.api.messages import predikat_label, rating_label
    sheet = load_workbook(io.BytesIO(annual_xlsx(view, predikat_label, rating_label))).active
    rows = {row[0]: row for row in sheet.iter_rows(min_row=7, values_only=True)}
    assert rows[staff[0].nip][9] == "Sangat Baik" and rows[staff[0].nip][11] == 18.75 and rows[staff[1].nip][10] == "usulan"

    mine = performance.my_performance(uow, Settings(project_id="p"), caller(staff[0]), 2026, NOW)
    assert mine.annual is not None and mine.annual.predikat is Predikat.SANGAT_BAIK


def test_no_year_prepared_or_no_such_person_is_not_found(world):
    uow, lurah, staff = world
    given = annual.AnnualDecisionInput(hasil_kerja=S, perilaku_kerja=S)
    with pytest.raises(NotFound):
        annual.decide_year(uow, caller(lurah), staff[0].nip, 2026, given, NOW)
    with pytest.raises(NotFound):
        annual.decide_year(uow, caller(lurah), "199901012020011001", 2026, given, NOW)
    with pytest.raises(NotFound):
        annual.run_year(uow, 2026, "kel-none", "admin", NOW)
