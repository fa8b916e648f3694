"""Issue 16's cases at the edge: PPPK training, the exact capaian, training up to the period's end,
and working days across Idul Fitri."""

from __future__ import annotations

from datetime import date, datetime, timezone

from common.domain.calendar import WorkingCalendar, add_working_days
from common.domain.complaints import due_dates
from common.domain.findings import FindingKind, asn_candidates
from common.domain.organisation import EmploymentStatus
from common.domain.period import last_day
from common.domain.ratings import Rating
from common.domain.rules import FindingRule
from common.domain.scoring import AsnResult, Outcome
from common.domain.skp import Aspect, Direction, Indicator, capaian, category, default_hasil_kerja
from common.domain.training import Training, jp_in_year
from common.settings import Settings

RULE = FindingRule()


def result(period: str = "2026-09") -> AsnResult:
    return AsnResult(nip="199001012015032001", name="Siti Lubis", unit_id="kel-belawan-1", supervisor_nip="198001012005011001",
                     period=period, outcome=Outcome.SCORED)


def training_kinds(jp: int, status: EmploymentStatus, rule: FindingRule = RULE) -> set:
    found = asn_candidates(result(), [None] * 3, [False] * 3, jp, rule, date(2026, 10, 6), status=status)
    return {c.kind for c in found if c.kind is FindingKind.TRAINING_HOURS}


# -- item 5: PPPK are not held to the PNS 20 JP -------------------------------------------------

def test_a_pppk_below_20_jp_has_no_training_finding_a_pns_does():
    assert training_kinds(0, EmploymentStatus.PPPK) == set()
    assert training_kinds(19, EmploymentStatus.PNS) == {FindingKind.TRAINING_HOURS}
    assert training_kinds(20, EmploymentStatus.PNS) == set()
    assert (RULE.training_required(EmploymentStatus.PPPK), RULE.training_cap(EmploymentStatus.PPPK)) == (None, 24)
    assert (RULE.training_required(EmploymentStatus.PNS), RULE.training_cap(EmploymentStatus.PNS)) == (20, None)


def test_the_setting_says_what_applies_to_each_status():
    strict = FindingRule(training_min_jp={EmploymentStatus.PNS: 20, EmploymentStatus.PPPK: 10})
    assert training_kinds(9, EmploymentStatus.PPPK, strict) == {FindingKind.TRAINING_HOURS}
    # The older single number stays the PNS minimum and leaves PPPK without one.
    older = FindingRule.model_validate({"training_jp": 30})
    assert (older.training_required(EmploymentStatus.PNS), older.training_required(EmploymentStatus.PPPK)) == (30, None)


# -- item 6: capaian classified on its exact value --------------------------------------------

def test_89_995_percent_is_below_expectations_not_rounded_to_90():
    indicator = Indicator(id="IKI-1", aspect=Aspect.KUANTITAS, name="Surat keterangan diterbitkan", unit="dokumen",
                          target=100, direction=Direction.HIGHER_IS_BETTER)
    value = capaian(indicator, 89.995)
    assert category(value) is Rating.DI_BAWAH
    assert category(capaian(indicator, 90)) is Rating.SESUAI
    assert category(capaian(indicator, 109.999)) is Rating.SESUAI and category(capaian(indicator, 110)) is Rating.DI_ATAS
    assert default_hasil_kerja([value]) is Rating.DI_BAWAH


def test_a_float_that_is_not_quite_the_threshold_is_not_the_threshold():
    assert category(0.9) is Rating.SESUAI  # 0.9 written is 90%, though the float is 0.90000000000000002
    assert category(0.89999) is Rating.DI_BAWAH and category(1.1) is Rating.DI_ATAS


# -- item 7: training hours up to the period's end --------------------------------------------

def training(end: date, jp: int) -> Training:
    return Training(id=f"t-{end}", nip="199001012015032001", unit_id="kel-belawan-1", title="Pelayanan prima", provider="BPSDM",
                    start_date=end, end_date=end, year=end.year, jp=jp, recorded_by="x",
                    recorded_at=datetime(end.year, end.month, end.day, tzinfo=timezone.utc))


def test_rescoring_september_in_december_counts_only_what_ended_by_september():
    trainings = [training(date(2026, 3, 2), 8), training(date(2026, 9, 30), 8), training(date(2026, 10, 1), 8), training(date(2026, 12, 1), 8)]
    assert last_day("2026-09") == date(2026, 9, 30) and last_day("2026-12") == date(2026, 12, 31) and last_day("2028-02") == date(2028, 2, 29)
    assert jp_in_year(trainings, 2026, until=last_day("2026-09")) == 16
    assert jp_in_year(trainings, 2026, until=last_day("2026-12")) == 32
    assert jp_in_year(trainings, 2026) == 32


# -- item 10: working days from the holidays package ------------------------------------------

def test_a_due_date_across_idul_fitri_skips_the_holidays_and_cuti_bersama():
    calendar = Settings(project_id="p").calendar
    # 2026: Nyepi Thu 19 March, Idul Fitri Sat-Sun 21-22 March; cuti bersama Wed 18, Fri 20, Mon 23, Tue 24 (SKB 3 Menteri).
    for day in (date(2026, 3, 18), date(2026, 3, 19), date(2026, 3, 20), date(2026, 3, 23), date(2026, 3, 24)):
        assert not calendar.is_working_day(day), day
    dates = due_dates(date(2026, 3, 17), calendar)
    assert dates.verify_by == date(2026, 3, 27)  # Wed 25, Thu 26, Fri 27
    assert due_dates(date(2026, 3, 17), frozenset()).verify_by == date(2026, 3, 20)  # weekends only: two days earlier


def test_settings_add_cuti_bersama_and_give_back_cancelled_days():
    base = Settings(project_id="p").calendar
    assert base.is_working_day(date(2026, 3, 25))
    later = Settings(project_id="p", cuti_bersama="2026-03-25", working_days="2026-03-24").calendar
    assert not later.is_working_day(date(2026, 3, 25)) and later.is_working_day(date(2026, 3, 24))
    national_only = Settings(project_id="p", cuti_bersama_from_package=False).calendar
    assert national_only.is_working_day(date(2026, 3, 23)) and not national_only.is_working_day(date(2026, 3, 19))
    assert add_working_days(date(2026, 12, 23), 1, base) == date(2026, 12, 28)  # cuti bersama 24, Natal 25, weekend
    assert WorkingCalendar().is_working_day(date(2026, 1, 2))


def test_a_mean_capaian_is_shown_rounded_down_never_up_to_what_was_not_reached():
    from common.api.messages import percent_down, reason_text

    assert (percent_down(0.89995), percent_down(0.9), percent_down(1.2)) == ("89.9%", "90.0%", "120.0%")
    assert reason_text("mean_capaian", {"capaian": 0.89995}, "en") == "Mean achievement of the indicators 89.9%."
