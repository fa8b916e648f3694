"""IKM exactly as PermenPANRB 14/2017 computes it, at the band edges too."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

import pytest

from common.domain.ikm import (
    KREJCIE_MORGAN_TABLE,
    Mutu,
    Weights,
    ikm_from_answers,
    ikm_from_sums,
    krejcie_morgan,
    krejcie_morgan_formula,
    months_between,
    months_of,
    mutu_of,
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
    assert result.sample.model_dump() == {"population": 100, "required": 80, "reached": False}


def test_no_respondents_is_not_an_error():
    result = ikm_from_sums(0, {})
    assert (result.n, result.ikm, result.mutu, result.weakest) == (0, None, None, [])


def test_impossible_sums_are_refused():
    with pytest.raises(ValueError):
        ikm_from_sums(2, {**sums_for(2, 54), "U1": 9})


@pytest.mark.parametrize("population, sample", [(100, 80), (550, 226), (1000, 278), (100000, 384), (5, 5), (10, 10), (2000000, 384)])
def test_krejcie_morgan_as_domain_md_gives_it(population, sample):
    assert krejcie_morgan(population) == sample


def test_the_table_and_the_formula_agree_within_one_respondent_at_every_row():
    assert all(abs(krejcie_morgan(n) - krejcie_morgan_formula(n)) <= 1 for n, _ in KREJCIE_MORGAN_TABLE)
    assert krejcie_morgan(560) == 234  # between rows: the next row up, never smaller


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
