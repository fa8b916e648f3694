"""IKM, the community satisfaction index (PermenPANRB 14/2017), computed exactly.

NRR per unsur = sum of answers / respondents. IKM = sum(NRR x weight) x 25,
from 25 to 100. The weight is 1/9; many offices' spreadsheets use 0.111 or
0.11 instead, which gives slightly lower values, so those conventions are
offered to reproduce old numbers. Arithmetic is done on fractions and rounded
once, half up, to two decimals, so results at the band edges are exact.
Mutu is classified on the converted value (IKM), never on the unconverted NRR.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from fractions import Fraction

from pydantic import Field

from .disclosure import Withheld
from .model import Model
from .rules import PopulationBasis
from .survey import UNSUR_BY_CODE, UNSUR_CODES

TWO_PLACES = Decimal("0.01")


class Weights(StrEnum):
    EXACT = "exact"  # 1/9, the default
    ROUNDED = "rounded"  # 0.111, as many spreadsheets do
    ROUNDED_2 = "rounded2"  # 0.11, the regulation's worked example


WEIGHT = {Weights.EXACT: Fraction(1, 9), Weights.ROUNDED: Fraction(111, 1000), Weights.ROUNDED_2: Fraction(11, 100)}


class Mutu(StrEnum):
    A = "A"
    B = "B"
    C = "C"
    D = "D"


MUTU_LABEL = {Mutu.A: "Sangat Baik", Mutu.B: "Baik", Mutu.C: "Kurang Baik", Mutu.D: "Tidak Baik"}
MUTU_LABEL_EN = {Mutu.A: "Very good", Mutu.B: "Good", Mutu.C: "Poor", Mutu.D: "Bad"}


class Sample(Model):
    population: int | None = Field(description="people served in the period evaluated (see basis)")
    required: int | None = Field(description="Krejcie-Morgan sample size for that population, never more than it")
    reached: bool | None = Field(description="n >= required; a result below it is shown with a warning, not hidden")
    annual_population: int | None = Field(default=None, description="people served in a year, from the unit catalogue")
    basis: PopulationBasis | None = Field(default=None, description="how the period's population follows from the year's")


def period_population(annual: int | None, months: int, basis: PopulationBasis = PopulationBasis.PRO_RATA) -> int | None:
    """People served in a period of ``months`` months: the year's population pro rata (rounded up,
    so a month of a small office still counts its last person), or the year's as it is."""
    if annual is None:
        return None
    if basis is PopulationBasis.ANNUAL or months >= 12:
        return annual
    return max(1, math.ceil(Fraction(annual * months, 12)))


class IkmResult(Model):
    n: int = Field(description="respondents counted (months with 1 to k-1 respondents are left out: see withheld)")
    nrr: dict[str, float | None] | None = Field(
        description="average answer per unsur, 1..4, to three decimals, over the answers given to it; null for an unsur with "
        "too few answers to show")
    answers: dict[str, int] | None = Field(default=None, description="answers per unsur: a paper form's blank unsur is not one")
    incomplete: list[str] = Field(default_factory=list, description="unsur with too few answers: their NRR and the IKM are not shown")
    ikm: float | None = Field(description="25..100, two decimals")
    mutu: Mutu | None
    mutu_label: str | None
    weakest: list[str] = Field(description="unsur with the lowest NRR (several when tied)")
    sample: Sample
    withheld: Withheld = Field(default_factory=Withheld, description="what is left out so no figure reveals one respondent")


def round2(value: Fraction | Decimal) -> Decimal:
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
    return value.quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


def mutu_of(ikm: Decimal) -> Mutu:
    """Bands on the two-decimal IKM: <65.00 D, 65.00-76.60 C, 76.61-88.30 B, 88.31-100 A."""
    if ikm >= Decimal("88.31"):
        return Mutu.A
    if ikm >= Decimal("76.61"):
        return Mutu.B
    if ikm >= Decimal("65.00"):
        return Mutu.C
    return Mutu.D


# The published Krejcie & Morgan (1970) table: population -> sample.
KREJCIE_MORGAN_TABLE: tuple[tuple[int, int], ...] = (
    (10, 10), (15, 14), (20, 19), (25, 24), (30, 28), (35, 32), (40, 36), (45, 40), (50, 44), (55, 48),
    (60, 52), (65, 56), (70, 59), (75, 63), (80, 66), (85, 70), (90, 73), (95, 76), (100, 80), (110, 86),
    (120, 92), (130, 97), (140, 103), (150, 108), (160, 113), (170, 118), (180, 123), (190, 127), (200, 132),
    (210, 136), (220, 140), (230, 144), (240, 148), (250, 152), (260, 155), (270, 159), (280, 162), (290, 165),
    (300, 169), (320, 175), (340, 181), (360, 186), (380, 191), (400, 196), (420, 201), (440, 205), (460, 210),
    (480, 214), (500, 217), (550, 226), (600, 234), (650, 242), (700, 248), (750, 254), (800, 260), (850, 265),
    (900, 269), (950, 274), (1000, 278), (1100, 285), (1200, 291), (1300, 297), (1400, 302), (1500, 306),
    (1600, 310), (1700, 313), (1800, 317), (1900, 320), (2000, 322), (2200, 327), (2400, 331), (2600, 335),
    (2800, 338), (3000, 341), (3500, 346), (4000, 351), (4500, 354), (5000, 357), (6000, 361), (7000, 364),
    (8000, 367), (9000, 368), (10000, 370), (15000, 375), (20000, 377), (30000, 379), (40000, 380),
    (50000, 381), (75000, 382), (1000000, 384),
)


def krejcie_morgan_formula(population: int) -> int:
    """s = X2 N P(1-P) / (d2 (N-1) + X2 P(1-P)), X2 = 3.841, P = 0.5, d = 0.05, rounded up."""
    if population < 1:
        raise ValueError("population must be at least 1")
    chi, p, d = Fraction(3841, 1000), Fraction(1, 2), Fraction(5, 100)
    s = chi * population * p * (1 - p) / (d * d * (population - 1) + chi * p * (1 - p))
    return math.ceil(s)


def krejcie_morgan(population: int) -> int:
    """The sample a unit needs for its population N, never more than N.

    At a tabulated N, the published table (what offices look up: 100 -> 80, 550 -> 226,
    1,000 -> 278). Between two rows, the formula rounded up, kept within the two rows'
    samples (N = 11 -> 11, 31 -> 29, 100,000 -> 383): the formula never exceeds N, and
    the bounds keep a larger office from needing fewer respondents where the table
    rounds a row down. From the last row (1,000,000) on, 384. Below 10, everyone.
    """
    if population < 1:
        raise ValueError("population must be at least 1")
    if population < 10:
        return population
    last_population, last_sample = KREJCIE_MORGAN_TABLE[-1]
    if population >= last_population:
        return last_sample
    index = bisect.bisect_left(_ROWS, population)
    row, sample = KREJCIE_MORGAN_TABLE[index]
    if row == population:
        return sample
    below = KREJCIE_MORGAN_TABLE[index - 1][1]  # population > 10, so there is a row below
    return max(below, min(sample, krejcie_morgan_formula(population)))


_ROWS = [row for row, _ in KREJCIE_MORGAN_TABLE]


def ikm_from_sums(n: int, sums: dict[str, int], weights: Weights = Weights.EXACT, population: int | None = None,
                  answered: dict[str, int] | None = None, min_answers: int = 1, sample: Sample | None = None) -> IkmResult:
    """IKM from the number of respondents, the sum of answers per unsur and, when some left
    an unsur blank, the answers per unsur (``answered``; everyone answered when absent).

    NRR per unsur is over that unsur's own answers (PermenPANRB 14/2017). An unsur with fewer
    than ``min_answers`` answers has no NRR, and then there is no IKM: the nine unsur make it.
    """
    required = krejcie_morgan(population) if population else None
    sample = sample or Sample(population=population, required=required, reached=(n >= required) if required else None)
    if n == 0:
        return IkmResult(n=0, nrr=None, ikm=None, mutu=None, mutu_label=None, weakest=[], sample=sample)
    missing = [code for code in UNSUR_CODES if code not in sums]
    if missing:
        raise ValueError(f"sums missing for {missing}")
    counts = {code: n for code in UNSUR_CODES} | dict(answered or {})
    for code in UNSUR_CODES:
        if not 0 <= counts[code] <= n:
            raise ValueError(f"{code} has {counts[code]} answers from {n} respondents")
        if not counts[code] <= sums[code] <= 4 * counts[code]:
            raise ValueError(f"sum of {code} ({sums[code]}) is impossible for {counts[code]} answers of 1-4")
    floor = max(1, min_answers)
    known = {code: Fraction(sums[code], counts[code]) for code in UNSUR_CODES if counts[code] >= floor}
    incomplete = [code for code in UNSUR_CODES if code not in known]
    nrr = {code: round(float(Decimal(v.numerator) / Decimal(v.denominator)), 3) if v is not None else None
           for code, v in ((c, known.get(c)) for c in UNSUR_CODES)}
    lowest = min(known.values()) if known else None
    base = dict(n=n, nrr=nrr, answers=counts, incomplete=incomplete, weakest=[c for c, v in known.items() if v == lowest], sample=sample)
    if incomplete:
        return IkmResult(**base, ikm=None, mutu=None, mutu_label=None)
    ikm = round2(sum(known.values(), Fraction(0)) * WEIGHT[weights] * 25)
    mutu = mutu_of(ikm)
    return IkmResult(**base, ikm=float(ikm), mutu=mutu, mutu_label=MUTU_LABEL[mutu])


def unsur_mutu(n: int, total: int) -> Mutu | None:
    """One unsur's mutu on the IKM scale (NRR x 25), exactly, from its sum of answers."""
    return mutu_of(round2(Fraction(total, n) * 25)) if n else None


def ikm_from_answers(rows: Sequence[Mapping[str, int | None]], weights: Weights = Weights.EXACT, population: int | None = None) -> IkmResult:
    """IKM of answer rows; an unsur missing from a row (or None) is a blank, not an answer."""
    sums = {code: sum(row.get(code) or 0 for row in rows) for code in UNSUR_CODES}
    answered = {code: sum(1 for row in rows if row.get(code) is not None) for code in UNSUR_CODES}
    return ikm_from_sums(len(rows), sums, weights, population, answered=answered)


def unsur_name(code: str) -> str:
    return UNSUR_BY_CODE[code].name


# -- evaluation periods -------------------------------------------------------

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")
_QUARTER = re.compile(r"^(\d{4})-Q([1-4])$")
_SEMESTER = re.compile(r"^(\d{4})-S([12])$")
_YEAR = re.compile(r"^(\d{4})$")
MONTH_PATTERN = _MONTH.pattern
PERIOD_SPEC_PATTERN = r"^\d{4}(-(0[1-9]|1[0-2]|Q[1-4]|S[12]))?$"  # any of the four, for API documents


def months_of(spec: str) -> list[str]:
    """The months of a period written 2026-10, 2026-Q3, 2026-S2 or 2026."""
    if m := _MONTH.match(spec):
        return [spec]
    if m := _QUARTER.match(spec):
        year, q = int(m.group(1)), int(m.group(2))
        return [f"{year:04d}-{month:02d}" for month in range(3 * q - 2, 3 * q + 1)]
    if m := _SEMESTER.match(spec):
        year, s = int(m.group(1)), int(m.group(2))
        return [f"{year:04d}-{month:02d}" for month in range(6 * s - 5, 6 * s + 1)]
    if m := _YEAR.match(spec):
        return [f"{int(spec):04d}-{month:02d}" for month in range(1, 13)]
    raise ValueError("period must be YYYY-MM, YYYY-Qn, YYYY-Sn or YYYY")


MAX_RANGE_MONTHS = 120  # ten years


class RangeTooLong(ValueError):
    pass


def months_between(first: str, last: str) -> list[str]:
    if not (_MONTH.match(first) and _MONTH.match(last)) or first > last:
        raise ValueError("from and to must be YYYY-MM with from <= to")
    months, (year, month) = [], (int(first[:4]), int(first[5:]))
    while f"{year:04d}-{month:02d}" <= last:
        months.append(f"{year:04d}-{month:02d}")
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)
        if len(months) > MAX_RANGE_MONTHS:
            raise RangeTooLong(f"a range may cover at most {MAX_RANGE_MONTHS} months")
    return months
