"""Each finding rule at its edge, and the finding lifecycle."""

from __future__ import annotations

from datetime import date

import pytest

from common.domain import reports as domain
from common.domain.errors import Conflict, Invalid
from common.domain.findings import (
    BKPSDM,
    FindingKind,
    FindingRule,
    FindingStatus,
    asn_candidates,
    missed_deadline,
    missed_waktu,
    move,
    unit_candidates,
)
from common.domain.scoring import AsnResult, Outcome, UnitResult
from tests import factories as f

RULE = FindingRule()
TODAY = date(2026, 11, 6)


def result(period: str = "2026-10", supervisor: str | None = "198001012005011001") -> AsnResult:
    return AsnResult(nip="199001012015032001", name="Siti Lubis", unit_id="kel-belawan-1", supervisor_nip=supervisor, period=period, outcome=Outcome.SCORED)


def kinds(candidates) -> set:
    return {c.kind for c in candidates}


def test_waktu_missed_in_two_of_the_last_three_periods():
    assert FindingKind.TIME_MANAGEMENT_TRAINING in kinds(asn_candidates(result(), [True, False, True], [False] * 3, 30, RULE, TODAY))
    assert FindingKind.TIME_MANAGEMENT_TRAINING not in kinds(asn_candidates(result(), [True, False, False], [False] * 3, 30, RULE, TODAY))
    assert FindingKind.TIME_MANAGEMENT_TRAINING not in kinds(asn_candidates(result(), [True, None, None], [False] * 3, 30, RULE, TODAY))


def test_missed_waktu_is_judged_on_the_waktu_indicators_only():
    asn = f.employee()
    plan = f.plan(asn.nip)  # IKI-3 is waktu, 2 days, lower is better
    slow, _, _ = domain.submit(None, asn, plan, "2026-10", f.content(**{"IKI-1": 10, "IKI-3": 3}), f.at("2026-11-01 09:00"), 5)
    quick, _, _ = domain.submit(None, asn, plan, "2026-09", f.content(**{"IKI-1": 10, "IKI-3": 2}), f.at("2026-10-01 09:00"), 5)
    silent, _, _ = domain.submit(None, asn, plan, "2026-08", f.content(**{"IKI-1": 10}), f.at("2026-09-01 09:00"), 5)
    assert (missed_waktu(plan, slow), missed_waktu(plan, quick), missed_waktu(plan, silent), missed_waktu(plan, None)) == (True, False, None, None)


def test_no_report_by_the_deadline_two_periods_in_a_row():
    assert FindingKind.MISSING_REPORTS in kinds(asn_candidates(result(), [None] * 3, [False, True, True], 30, RULE, TODAY))
    assert FindingKind.MISSING_REPORTS not in kinds(asn_candidates(result(), [None] * 3, [True, False, True], 30, RULE, TODAY))
    assert missed_deadline(None) is True


def test_training_hours_from_september_on_to_supervisor_and_bkpsdm():
    august = asn_candidates(result("2026-08"), [None] * 3, [False] * 3, 0, RULE, TODAY)
    september = asn_candidates(result("2026-09"), [None] * 3, [False] * 3, 19, RULE, TODAY)
    enough = asn_candidates(result("2026-09"), [None] * 3, [False] * 3, 20, RULE, TODAY)
    assert FindingKind.TRAINING_HOURS not in kinds(august) | kinds(enough)
    (finding,) = [c for c in september if c.kind is FindingKind.TRAINING_HOURS]
    assert finding.owners == sorted(["198001012005011001", BKPSDM]) and finding.due == date(2026, 12, 31)
    assert finding.finding_id("2026-09") == finding.finding_id("2026-12")  # one a year


def test_an_asn_without_supervisor_goes_to_bkpsdm():
    (finding,) = asn_candidates(result(supervisor=None), [None] * 3, [True, True, True], 30, RULE, TODAY)
    assert finding.owners == [BKPSDM]


def unit(late_share: float | None, violations: list | None = None) -> UnitResult:
    from common.domain.scoring import CurveCheck, UnitPredikat

    curve = CurveCheck(counts={}, shares={}, rated=10, violations=violations or [])
    return UnitResult(unit_id="kel-belawan-1", period="2026-10", employees=10, reported=10, on_time=7, on_time_share=0.7,
                      late_share=late_share, mean_capaian=1.0, ikm=None, predikat=UnitPredikat.BAIK, outcomes={}, curve=curve)


@pytest.mark.parametrize("late_share, u3, raised", [(0.30, None, True), (0.29, None, False), (0.1, "C", True), (0.1, "D", True), (0.1, "B", False)])
def test_workload_review(late_share, u3, raised):
    found = unit_candidates(unit(late_share), "198001012005011001", u3, RULE, TODAY)
    assert (FindingKind.WORKLOAD_REVIEW in kinds(found)) is raised
    if raised:
        (finding,) = [c for c in found if c.kind is FindingKind.WORKLOAD_REVIEW]
        assert finding.owners == sorted(["198001012005011001", BKPSDM])


def test_a_curve_violation_goes_to_the_unit_head_only():
    from common.domain.curve import BoundKind, CurveViolation
    from common.domain.ratings import Predikat

    broken = CurveViolation(kind=BoundKind.AT_MOST, predikat=[Predikat.BAIK], percent=70, count=8, share=0.8)
    (finding,) = unit_candidates(unit(0.1, [broken]), "198001012005011001", None, RULE, TODAY)
    assert finding.kind is FindingKind.DISTRIBUTION_CURVE and finding.owners == ["198001012005011001"]
    from common.api.messages import finding_texts

    title, recommendation = finding_texts(finding.kind.value, finding.params, "id")
    assert "keputusan atasan" in recommendation and title.endswith("kurva unit Baik")
    assert "not the system's" in finding_texts(finding.kind.value, finding.params, "en")[1]
    assert finding.evidence["violations"] == [broken.model_dump(mode="json")]


def test_lifecycle():
    from common.domain.findings import Finding

    now = f.at("2026-11-06 09:00")
    finding = Finding(id="x", kind=FindingKind.MISSING_REPORTS, subject_type="asn", subject_id="n", unit_id="u", period="2026-10",
                      title="t", recommendation="r", evidence={}, owners=["n"], due=TODAY, opened_at=now)
    started = move(finding, FindingStatus.IN_PROGRESS, "n", now, "Sudah dihubungi")
    with pytest.raises(Invalid):
        move(started, FindingStatus.RESOLVED, "n", now, " ")
    resolved = move(started, FindingStatus.RESOLVED, "n", now, "Laporan November sudah masuk tepat waktu.")
    assert resolved.status is FindingStatus.RESOLVED and resolved.resolution_note.startswith("Laporan")
    with pytest.raises(Conflict):
        move(resolved, FindingStatus.OPEN, "n", now, None)


def test_the_words_of_a_finding_come_from_its_params_in_either_language():
    from common.api.messages import finding_texts

    (workload,) = [c for c in unit_candidates(unit(0.30), "198001012005011001", "C", RULE, TODAY) if c.kind is FindingKind.WORKLOAD_REVIEW]
    assert workload.params == {"late_share": 0.30, "u3_mutu": "C"}
    assert finding_texts("workload_review", workload.params, "id")[0] == (
        "Tinjau beban kerja: 30% pegawai tidak melapor tepat waktu; unsur Waktu Penyelesaian (U3) bermutu C")
    september = asn_candidates(result("2026-09"), [None] * 3, [False] * 3, 12, RULE, TODAY)
    (training,) = [c for c in september if c.kind is FindingKind.TRAINING_HOURS]
    assert finding_texts("training_hours", training.params, "en")[0] == "Siti Lubis: only 12 JP of training in 2026 (entitled to at least 20 JP)"
