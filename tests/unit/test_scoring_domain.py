"""Per-ASN outcomes, the unit predikat rule and the SE MenPANRB 3/2023 curve."""

from __future__ import annotations

import pytest

from common.domain import reports as domain
from common.domain.ikm import ikm_from_answers
from common.domain.ratings import Predikat, Rating
from common.domain.rules import UnitRule
from common.domain.scoring import Outcome, UnitPredikat, band, check_curve, score_asn, unit_predikat, unit_result
from tests import factories as f

ON_TIME = f.at("2026-11-03 10:00")
SB, B, BP, K, SK = Predikat.SANGAT_BAIK, Predikat.BAIK, Predikat.BUTUH_PERBAIKAN, Predikat.KURANG, Predikat.SANGAT_KURANG


@pytest.fixture
def people():
    boss = f.employee()
    return boss, f.employee(supervisor=boss.nip)


def score(asn, plan, report):
    return score_asn(nip=asn.nip, name=asn.name, unit_id=asn.unit_id, supervisor_nip=asn.supervisor_nip, period="2026-10", plan=plan, report=report)


def test_no_skp_and_no_report_are_outcomes_not_skips(people):
    _, asn = people
    assert score(asn, None, None).outcome is Outcome.NO_SKP
    result = score(asn, f.plan(asn.nip), None)
    assert result.outcome is Outcome.NO_REPORT and result.predikat is None and [r.code for r in result.why] == ["no_report"]


def test_never_reviewed_gets_the_default_hasil_kerja_and_no_predikat(people):
    _, asn = people
    plan = f.plan(asn.nip)
    report, _, _ = domain.submit(None, asn, plan, "2026-10", f.content(**{"IKI-1": 48, "IKI-2": 100, "IKI-3": 2}), ON_TIME, 5)
    result = score(asn, plan, report)
    assert result.outcome is Outcome.AWAITING_REVIEW
    assert [round(i.capaian, 4) for i in result.indicators] == [1.2, 1.0526, 1.0]
    assert result.hasil_kerja is Rating.SESUAI and result.hasil_kerja_source == "default"  # one above of three
    assert result.perilaku_kerja is None and result.predikat is None


def test_reviewed_uses_the_supervisor_and_the_matrix(people):
    boss, asn = people
    plan = f.plan(asn.nip)
    report, _, _ = domain.submit(None, asn, plan, "2026-10", f.content(), ON_TIME, 5)
    reviewed, _ = domain.review(report, asn, boss.nip, f.review_input(rating=Rating.DI_ATAS), ON_TIME)
    result = score(asn, plan, reviewed)
    assert result.outcome is Outcome.SCORED and result.hasil_kerja_source == "supervisor"
    from common.api.messages import with_reasons

    assert result.predikat is SB and result.reasons == [] and result.why[0].code == "matrix"  # the domain keeps codes
    assert "predikat Sangat Baik" in with_reasons(result, "id").reasons[0] and "predikat Very good" in with_reasons(result, "en").reasons[0]
    assert "by the PermenPANRB 6/2022 matrix" in with_reasons(result, "en").reasons[0]


def test_a_review_of_an_older_revision_does_not_count(people):
    boss, asn = people
    plan = f.plan(asn.nip)
    report, _, _ = domain.submit(None, asn, plan, "2026-10", f.content(), ON_TIME, 5)
    returned, _ = domain.review(report, asn, boss.nip, f.review_input("return", feedback="Perbaiki"), ON_TIME)
    returned_result = score(asn, plan, returned)
    assert returned_result.outcome is Outcome.SCORED  # the supervisor's last word on the revision on file
    resubmitted, _, _ = domain.submit(returned, asn, plan, "2026-10", f.content("baru"), ON_TIME, 5)
    assert score(asn, plan, resubmitted).outcome is Outcome.AWAITING_REVIEW


def test_measure_bands():
    rule = UnitRule()
    assert band(88.31, rule.ikm_bands) is UnitPredikat.ISTIMEWA
    assert band(88.30, rule.ikm_bands) is UnitPredikat.BAIK
    assert band(0.70, rule.on_time_bands) is UnitPredikat.BUTUH_PERBAIKAN
    assert band(0.4999, rule.on_time_bands) is UnitPredikat.SANGAT_KURANG


def test_unit_predikat_is_the_weighted_mean_of_the_bands():
    rule = UnitRule()
    assert unit_predikat(rule, 90, 0.96, 1.12)[0] is UnitPredikat.ISTIMEWA
    # ranks 3 (IKM C), 4 (Baik), 3 -> 0.4*3 + 0.3*4 + 0.3*3 = 3.3 -> Butuh Perbaikan
    predikat, bands = unit_predikat(rule, 70.0, 0.90, 0.95)
    assert predikat is UnitPredikat.BUTUH_PERBAIKAN and bands == {"ikm": "butuh_perbaikan", "on_time": "baik", "capaian": "butuh_perbaikan"}
    # without IKM the other two carry the weight: (4 + 5) / 2 = 4.5 -> rounds up to Istimewa
    assert unit_predikat(rule, None, 0.90, 1.15)[0] is UnitPredikat.ISTIMEWA
    assert unit_predikat(rule, None, None, None) == (None, {})
    heavy = UnitRule(weights={"ikm": 1.0, "on_time": 0.0, "capaian": 0.0})
    assert unit_predikat(heavy, 50.0, 1.0, 1.2)[0] is UnitPredikat.KURANG


def spread(**counts: int) -> list[Predikat]:
    names = {"sb": SB, "b": B, "bp": BP, "k": K, "sk": SK}
    return [names[k] for k, n in counts.items() for _ in range(n)]


@pytest.mark.parametrize(
    "unit, good, bad",
    [
        (UnitPredikat.ISTIMEWA, spread(sb=7, b=3), spread(sb=8, b=2)),
        (UnitPredikat.BAIK, spread(sb=1, b=7, bp=2), spread(b=10)),
        (UnitPredikat.BAIK, spread(b=7, k=1, sk=2), spread(sb=2, b=8)),  # no BP or Kurang at all
        (UnitPredikat.BUTUH_PERBAIKAN, spread(sb=1, b=3, bp=6), spread(sb=2, bp=8)),
        (UnitPredikat.BUTUH_PERBAIKAN, spread(bp=6, b=4), spread(bp=5, b=5)),
        (UnitPredikat.KURANG, spread(k=6, bp=1, sb=1, b=2), spread(k=6, sb=1, b=3)),
        (UnitPredikat.KURANG, spread(k=6, bp=4), spread(k=5, bp=5)),
        (UnitPredikat.SANGAT_KURANG, spread(sk=6, k=1, b=3), spread(sk=6, sb=1, bp=3)),
        (UnitPredikat.SANGAT_KURANG, spread(sk=6, bp=1, b=3), spread(sk=9, b=1)),
    ],
)
def test_the_curve_of_each_unit_predikat(unit, good, bad):
    assert check_curve(unit, good).ok, check_curve(unit, good).violations
    assert not check_curve(unit, bad).ok


def test_most_means_the_largest_group_not_only_at_most_70_percent():
    # Issue 16: an Istimewa unit with 10 Baik and no Sangat Baik passed before.
    check = check_curve(UnitPredikat.ISTIMEWA, spread(b=10))
    assert [(v.kind.value, v.predikat, v.rival, v.rival_count) for v in check.violations] == [("largest", [SB], B, 10)]
    # A Baik unit with 9 Sangat Baik and 1 Kurang: Baik is not the largest group.
    check = check_curve(UnitPredikat.BAIK, spread(sb=9, k=1))
    assert [(v.kind.value, v.count) for v in check.violations] == [("largest", 0)]
    # A tie is not "the largest".
    assert not check_curve(UnitPredikat.BAIK, spread(sb=4, b=4, bp=2)).ok
    assert check_curve(UnitPredikat.BAIK, spread(sb=3, b=4, bp=2, sk=1)).ok


def test_the_bounds_are_whole_people_not_rounded_shares():
    # 7 of 10 is exactly 70%: allowed. 5 of 7 is 71.4%: over. 2 of 3 is 66.7%: allowed.
    assert check_curve(UnitPredikat.ISTIMEWA, spread(sb=7, b=3)).ok
    violations = check_curve(UnitPredikat.ISTIMEWA, spread(sb=5, b=2)).violations
    assert [(v.kind.value, v.percent, v.count, v.share) for v in violations] == [("at_most", 70, 5, 0.7143)]
    assert check_curve(UnitPredikat.ISTIMEWA, spread(sb=2, b=1)).ok
    # Sangat Kurang: Kurang and Butuh Perbaikan count together toward their 10%.
    assert check_curve(UnitPredikat.SANGAT_KURANG, spread(sk=8, k=1, bp=1)).ok
    assert not check_curve(UnitPredikat.SANGAT_KURANG, spread(sk=10)).ok


def test_the_dashboard_draws_the_curve_the_scoring_checks():
    from common.domain.curve import CURVE, BoundKind, share_limits

    for unit, bounds in CURVE.items():
        limits = share_limits(unit)
        for bound in bounds:
            if len(bound.predikat) == 1 and bound.kind in (BoundKind.AT_LEAST, BoundKind.AT_MOST):
                low, high = limits[bound.predikat[0]]
                assert (low if bound.kind is BoundKind.AT_LEAST else high) == bound.percent / 100
    assert share_limits(UnitPredikat.SANGAT_KURANG)[SB] == (None, 0.0)
    assert share_limits(UnitPredikat.KURANG) == {K: (0.6, None), BP: (0.1, None), SB: (None, 0.1)}


def test_the_unit_head_takes_the_unit_predikat_as_hasil_kerja(people):
    from common.domain.scoring import with_head

    camat, lurah = people  # the lurah heads the unit; the camat supervises them
    plan = f.plan(lurah.nip)
    report, _, _ = domain.submit(None, lurah, plan, "2026-10", f.content(), ON_TIME, 5)
    reviewed, _ = domain.review(report, lurah, camat.nip, f.review_input(rating=Rating.DI_ATAS), ON_TIME)
    head = score(lurah, plan, reviewed)
    assert head.predikat is SB
    unit = unit_result("kel-belawan-1", "2026-10", [head], None, UnitRule(), decided=UnitPredikat.BAIK)
    assert unit.predikat is UnitPredikat.BAIK and unit.predikat_status == "set" and unit.proposed_predikat is not UnitPredikat.BAIK
    unit, (after,) = with_head(unit, [head], lurah.nip)
    # Baik -> Sesuai Ekspektasi; Perilaku stays the supervisor's Di Atas: the matrix gives Baik.
    assert (after.hasil_kerja, after.hasil_kerja_source, after.perilaku_kerja, after.predikat) == (
        Rating.SESUAI, "unit_predikat", Rating.DI_ATAS, B)
    from common.api.messages import with_reasons

    assert after.unit_predikat is UnitPredikat.BAIK and "predikat kinerja unit Baik" in with_reasons(after, "id").reasons[0]
    assert unit.curve.counts[B] == 1 and unit.curve.counts[SB] == 0


def test_unit_result_counts_late_and_missing_against_those_expected_to_report(people):
    boss, asn = people
    plan = f.plan(asn.nip)
    on_time, _, _ = domain.submit(None, asn, plan, "2026-10", f.content(), ON_TIME, 5)
    late, _, _ = domain.submit(None, boss, f.plan(boss.nip), "2026-10", f.content(), f.at("2026-11-10 10:00"), 5)
    results = [score(asn, plan, on_time), score(boss, f.plan(boss.nip), late), score(f.employee(), f.plan(f.make_nip()), None), score(f.employee(), None, None)]
    ikm = ikm_from_answers([{f"U{i}": 3 for i in range(1, 10)}])
    unit = unit_result("kel-belawan-1", "2026-10", results, ikm, UnitRule())
    assert (unit.employees, unit.reported, unit.on_time) == (4, 2, 1)
    assert unit.on_time_share == round(1 / 3, 4) and unit.late_share == round(2 / 3, 4)
    assert unit.outcomes == {Outcome.SCORED: 0, Outcome.AWAITING_REVIEW: 2, Outcome.NO_REPORT: 1, Outcome.NO_SKP: 1}
    assert unit.ikm.ikm == 75.0 and unit.predikat is not None
