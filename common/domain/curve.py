"""The organisation's predikat and the distribution curve it sets for its employees
(SE MenPANRB 3/2023).

One definition of the curve, ``CURVE``: the scoring checks a unit against it
(``check_curve``) and the dashboard draws it (``share_limits``), so the two cannot
drift. Shares are compared exactly, in whole people: "at most 70%" of 10 is 7.

"Most" (sebagian besar) means the named predikat is the largest group: more people
than any other single predikat (a tie is not "the largest"), and at most 70%.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from pydantic import Field, field_validator

from .model import Model
from .ratings import Predikat, Rating


class UnitPredikat(StrEnum):
    """Predikat kinerja organisasi: the unit's own result."""

    ISTIMEWA = "istimewa"
    BAIK = "baik"
    BUTUH_PERBAIKAN = "butuh_perbaikan"
    KURANG = "kurang"
    SANGAT_KURANG = "sangat_kurang"


class BoundKind(StrEnum):
    LARGEST = "largest"  # the predikat is the largest group (more than any other single predikat)
    AT_MOST = "at_most"  # at most ``percent`` of the rated employees
    AT_LEAST = "at_least"  # at least ``percent`` of the rated employees
    PRESENT = "present"  # at least one employee with one of the predikat


@dataclass(frozen=True)
class CurveBound:
    """One rule of a unit's curve, about one predikat or a group of them together. A plain
    dataclass: the bounds are written here, never read from outside, so nothing needs validating,
    and no validator is built when a function imports the curve (cold start)."""

    kind: BoundKind
    predikat: tuple[Predikat, ...]  # one predikat, or several counted together
    percent: int | None = None  # the bound, in whole percent, for at_most and at_least

    def holds(self, counts: dict[Predikat, int], rated: int) -> bool:
        n = sum(counts.get(p, 0) for p in self.predikat)
        if self.kind in (BoundKind.AT_MOST, BoundKind.AT_LEAST):
            assert self.percent is not None, "an at_most or at_least bound has its percent"
            if self.kind is BoundKind.AT_MOST:
                return n * 100 <= self.percent * rated
            return n * 100 >= self.percent * rated
        if self.kind is BoundKind.PRESENT:
            return n > 0
        # LARGEST: strictly more than each other predikat
        return all(n > counts.get(other, 0) for other in Predikat if other not in self.predikat)


def _largest(p: Predikat) -> CurveBound:
    return CurveBound(kind=BoundKind.LARGEST, predikat=(p,))


def _at_most(percent: int, *p: Predikat) -> CurveBound:
    return CurveBound(kind=BoundKind.AT_MOST, predikat=p, percent=percent)


def _at_least(percent: int, *p: Predikat) -> CurveBound:
    return CurveBound(kind=BoundKind.AT_LEAST, predikat=p, percent=percent)


def _present(*p: Predikat) -> CurveBound:
    return CurveBound(kind=BoundKind.PRESENT, predikat=p)


SB, B, BP, K, SK = Predikat.SANGAT_BAIK, Predikat.BAIK, Predikat.BUTUH_PERBAIKAN, Predikat.KURANG, Predikat.SANGAT_KURANG

# SE MenPANRB 3/2023, the pola distribusi per predikat kinerja organisasi.
CURVE: dict[UnitPredikat, tuple[CurveBound, ...]] = {
    # Sangat Baik for most (at most 70%); the rest any predikat.
    UnitPredikat.ISTIMEWA: (_largest(SB), _at_most(70, SB)),
    # Baik for most (at most 70%); some Butuh Perbaikan and/or Kurang/Misconduct; Sangat Baik and Sangat Kurang allowed.
    UnitPredikat.BAIK: (_largest(B), _at_most(70, B), _present(BP, K)),
    # At least 60% Butuh Perbaikan; Sangat Baik at most 10%.
    UnitPredikat.BUTUH_PERBAIKAN: (_at_least(60, BP), _at_most(10, SB)),
    # At least 60% Kurang/Misconduct, at least 10% Butuh Perbaikan; Sangat Baik at most 10%.
    UnitPredikat.KURANG: (_at_least(60, K), _at_least(10, BP), _at_most(10, SB)),
    # At least 60% Sangat Kurang, at least 10% Kurang and/or Butuh Perbaikan; no Sangat Baik.
    UnitPredikat.SANGAT_KURANG: (_at_least(60, SK), _at_least(10, K, BP), _at_most(0, SB)),
}


class CurveViolation(Model):
    """A bound of the curve the distribution breaks: a code and its numbers (the words are in common/api/messages.py)."""

    kind: BoundKind
    predikat: list[Predikat]
    percent: int | None = Field(default=None, description="the bound, whole percent")
    count: int = Field(description="employees with the predikat (together, for a group)")
    share: float = Field(description="their share of the rated employees, 0..1")
    rival: Predikat | None = Field(default=None, description="for largest: the other predikat at least as large")
    rival_count: int | None = None


class CurveCheck(Model):
    counts: dict[Predikat, int]
    shares: dict[Predikat, float]
    rated: int
    unit_predikat: UnitPredikat | None = Field(default=None, description="the predikat whose curve was checked")
    violations: list[CurveViolation] = Field(description="each bound of the curve that the distribution breaks")

    @field_validator("violations", mode="before")
    @classmethod
    def _older_records(cls, value):
        # Results stored before the bounds had codes kept sentences; the next run rewrites them,
        # and the finding they opened keeps its evidence, so they are read as no violation.
        return [v for v in value or [] if not isinstance(v, str)]

    @property
    def ok(self) -> bool:
        return not self.violations


def check_curve(unit: UnitPredikat, results: list[Predikat]) -> CurveCheck:
    """The employees' predikat (those who have one) against the curve of the unit's predikat."""
    counts = {p: sum(r is p for r in results) for p in Predikat}
    rated = len(results)
    shares = {p: round(counts[p] / rated, 4) if rated else 0.0 for p in Predikat}
    violations: list[CurveViolation] = []
    if rated:
        for bound in CURVE[unit]:
            if bound.holds(counts, rated):
                continue
            n = sum(counts[p] for p in bound.predikat)
            rival = None
            if bound.kind is BoundKind.LARGEST:
                rival = max((p for p in Predikat if p not in bound.predikat), key=lambda p: counts[p])
            violations.append(CurveViolation(kind=bound.kind, predikat=list(bound.predikat), percent=bound.percent, count=n,
                                             share=round(n / rated, 4), rival=rival, rival_count=counts[rival] if rival else None))
    return CurveCheck(counts=counts, shares=shares, rated=rated, unit_predikat=unit, violations=violations)


def share_limits(unit: UnitPredikat) -> dict[Predikat, tuple[float | None, float | None]]:
    """The least and most share each predikat may have on its own, for drawing the curve.
    Bounds on a group (Kurang and/or Butuh Perbaikan) and the largest-group rule are in ``CURVE``."""
    limits: dict[Predikat, tuple[float | None, float | None]] = {}
    for bound in CURVE[unit]:
        if len(bound.predikat) != 1 or bound.kind not in (BoundKind.AT_MOST, BoundKind.AT_LEAST):
            continue
        low, high = limits.get(bound.predikat[0], (None, None))
        assert bound.percent is not None, "an at_most or at_least bound has its percent"
        share = bound.percent / 100
        limits[bound.predikat[0]] = (share, high) if bound.kind is BoundKind.AT_LEAST else (low, share)
    return limits


# -- the head of a unit ----------------------------------------------------------------------

# The head's Hasil Kerja is the unit's predikat (SE MenPANRB 3/2023: "capaian kinerja satuan
# organisasi yang dipimpin ditetapkan sebagai rating hasil kerja"); the five levels of the
# organisation map onto the three of a rating (docs/rules.md says why this way).
HEAD_RATING: dict[UnitPredikat, Rating] = {
    UnitPredikat.ISTIMEWA: Rating.DI_ATAS,
    UnitPredikat.BAIK: Rating.SESUAI,
    UnitPredikat.BUTUH_PERBAIKAN: Rating.DI_BAWAH,
    UnitPredikat.KURANG: Rating.DI_BAWAH,
    UnitPredikat.SANGAT_KURANG: Rating.DI_BAWAH,
}
