"""IKM exactly as PermenPANRB 14/2017 computes it, at the band edges too."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from common.domain.ikm import (
    KREJCIE_MORGAN_TABLE,
    Mutu,
    PopulationBasis,
    Weights,
    ikm_from_answers,
    ikm_from_sums,
    krejcie_morgan,
    krejcie_morgan_formula,
    months_between,
    months_of,
    mutu_of,
    period_population,
)
from common.domain.survey import UNSUR_CODES


def sums_for(n: int, total: int) -> dict[str, int]:
    """Spread ``total`` over the nine unsur, each between n and 4n."""
    base, extra = divmod(total, 9)
    sums = {code: base + (1 if i < extra else 0) for i, code in enumerate(UNSUR_CODES)}
    assert all(n <= v <= 4 * n for v in sums.values())
    return sums


def find(target: str, weights: Weights = Weights.EXACT) -> tuple[int, int]:
    """Respondents and answer total whose IKM rounds to exactly ``target``."""
    weight = {Weights.EXACT: Fraction(1, 9), Weights.ROUNDED: Fraction(111, 1000), Weights.ROUNDED_2: Fraction(11, 100)}[weights]
    goal = Decimal(target)
    for n in range(1, 2000):
        for total in range(9 * n, 36 * n + 1):
            value = Fraction(total, n) * weight * 25
            if goal - Decimal("0.005") <= Decimal(value.numerator) / Decimal(value.denominator) < goal + Decimal("0.005"):
                return n, total
    raise AssertionError(f"no data gives {target}")


@pytest.mark.parametrize(
    "value, mutu",
    [("64.99", Mutu.D), ("65.00", Mutu.C), ("76.60", Mutu.C), ("76.61", Mutu.B), ("88.30", Mutu.B), ("88.31", Mutu.A), ("100.00", Mutu.A), ("25.00", Mutu.D)],
)
def test_band_edges_from_real_data(value, mutu):
    n, total = find(value)
    result = ikm_from_sums(n, sums_for(n, total))
    assert Decimal(str(result.ikm)).quantize(Decimal("0.01")) == Decimal(value)
    assert result.mutu is mutu
    assert mutu_of(Decimal(value)) is mutu


def test_half_way_values_round_up():
    # 25 * 137889 / (9 * 5000) = 76.605 exactly: half up gives 76.61, so B, not C.
    result = ikm_from_sums(5000, sums_for(5000, 137889))
    assert result.ikm == 76.61 and result.mutu is Mutu.B


def test_exact_and_rounded_weights():
    rows = [{code: 3 for code in UNSUR_CODES}] * 10
    assert ikm_from_answers(rows).ikm == 75.0
    assert ikm_from_answers(rows, Weights.ROUNDED).ikm == 74.93  # 27 * 0.111 * 25
    assert ikm_from_answers(rows, Weights.ROUNDED_2).ikm == 74.25  # 27 * 0.11 * 25
    best = [{code: 4 for code in UNSUR_CODES}]
    assert ikm_from_answers(best).ikm == 100.0 and ikm_from_answers(best).mutu_label == "Sangat Baik"
    assert ikm_from_answers(best, Weights.ROUNDED).ikm == 99.9


def test_rounded_weights_can_move_a_unit_across_a_band():
    n, total = find("88.31")
    exact = ikm_from_sums(n, sums_for(n, total))
    rounded = ikm_from_sums(n, sums_for(n, total), Weights.ROUNDED)
    assert exact.mutu is Mutu.A and rounded.mutu is Mutu.B and rounded.ikm < exact.ikm


def test_nrr_weakest_and_sample():
    rows = [
        {"U1": 4, "U2": 3, "U3": 1, "U4": 4, "U5": 3, "U6": 3, "U7": 4, "U8": 1, "U9": 3},
        {"U1": 4, "U2": 3, "U3": 2, "U4": 4, "U5": 3, "U6": 3, "U7": 4, "U8": 2, "U9": 3},
    ]
    result = ikm_from_answers(rows, population=100)
    assert result.n == 2
    assert result.nrr["U3"] == 1.5 and result.nrr["U1"] == 4.0
    assert result.weakest == ["U3", "U8"]
    assert result.sample.model_dump(include={"population", "required", "reached"}) == {"population": 100, "required": 80, "reached": False}


def test_no_respondents_is_not_an_error():
    result = ikm_from_sums(0, {})
    assert (result.n, result.ikm, result.mutu, result.weakest) == (0, None, None, [])


def test_impossible_sums_are_refused():
    with pytest.raises(ValueError):
        ikm_from_sums(2, {**sums_for(2, 54), "U1": 9})


@pytest.mark.parametrize("population, sample", [(100, 80), (550, 226), (1000, 278), (5, 5), (10, 10), (1000000, 384), (2000000, 384)])
def test_krejcie_morgan_reads_the_table_at_its_rows(population, sample):
    assert krejcie_morgan(population) == sample


@pytest.mark.parametrize("population, sample", [(11, 11), (31, 29), (12, 12), (99, 79), (560, 229), (100000, 383)])
def test_between_rows_the_formula_gives_the_sample(population, sample):
    # The next row up asked 14 of 11 people and 32 of 31; the formula never asks more than N.
    assert krejcie_morgan(population) == sample == krejcie_morgan_formula(population)


def test_between_rows_the_formula_stays_within_the_rows_around_it():
    # The table rounds 550 down to 226 where the formula gives 227: 549 people need no more than 550.
    assert krejcie_morgan_formula(549) == 227 and krejcie_morgan(549) == 226 == krejcie_morgan(550)


def test_the_sample_is_never_more_than_the_population():
    assert all(krejcie_morgan(n) <= n for n in range(1, 3000))
    assert all(krejcie_morgan(n) <= krejcie_morgan(n + 1) for n in range(1, 80000)), "a larger office never needs fewer"


def test_the_table_and_the_formula_agree_within_one_respondent_at_every_row():
    assert all(abs(krejcie_morgan(n) - krejcie_morgan_formula(n)) <= 1 for n, _ in KREJCIE_MORGAN_TABLE)


@pytest.mark.parametrize("months, population, sample", [(1, 200, 132), (3, 600, 234), (6, 1200, 291), (12, 2400, 331)])
def test_a_period_is_held_against_its_own_population(months, population, sample):
    # Bagan Deli serves 2,400 a year: a month needs 132 respondents, not the year's 331.
    assert period_population(2400, months) == population
    assert krejcie_morgan(period_population(2400, months)) == sample


def test_the_yearly_population_can_still_be_used_and_small_offices_round_up():
    assert period_population(2400, 1, PopulationBasis.ANNUAL) == 2400
    assert period_population(7, 1) == 1 and period_population(13, 1) == 2  # 13/12 people a month: 2, never 0
    assert period_population(None, 1) is None


def test_a_blank_unsur_counts_only_the_answers_given():
    full = {f"U{i}": 4 for i in range(1, 10)}
    rows = [full, {**full, "U3": None}, {**full, "U3": 1}]
    result = ikm_from_answers(rows)
    assert result.n == 3
    assert result.answers["U3"] == 2 and result.answers["U1"] == 3
    assert result.nrr["U3"] == 2.5  # (4 + 1) / 2, not (4 + 1) / 3
    # IKM = (8 x 4 + 2.5) / 9 x 25 = 95.83
    assert result.ikm == 95.83 and result.incomplete == []


def test_an_unsur_with_too_few_answers_shows_no_nrr_and_no_ikm():
    sums = {f"U{i}": 12 for i in range(1, 10)} | {"U8": 3}
    result = ikm_from_sums(3, sums, answered={"U8": 1}, min_answers=2)
    assert result.nrr["U8"] is None and result.nrr["U1"] == 4.0
    assert result.ikm is None and result.mutu is None and result.incomplete == ["U8"]
    assert "U8" not in result.weakest
    with pytest.raises(ValueError):
        ikm_from_sums(3, sums, answered={"U8": 4})  # more answers than respondents
    with pytest.raises(ValueError):
        ikm_from_sums(3, {**sums, "U8": 8}, answered={"U8": 1})  # one answer cannot sum to 8


@pytest.mark.parametrize(
    "spec, months",
    [
        ("2026-10", ["2026-10"]),
        ("2026-Q3", ["2026-07", "2026-08", "2026-09"]),
        ("2026-S1", [f"2026-0{m}" for m in range(1, 7)]),
        ("2026", [f"2026-{m:02d}" for m in range(1, 13)]),
    ],
)
def test_periods(spec, months):
    assert months_of(spec) == months


def test_ranges_and_bad_periods():
    assert months_between("2025-11", "2026-02") == ["2025-11", "2025-12", "2026-01", "2026-02"]
    for bad in ("2026-Q5", "2026-S3", "26", "2026-13"):
        with pytest.raises(ValueError):
            months_of(bad)
    with pytest.raises(ValueError):
        months_between("2026-05", "2026-01")
