"""SKP (Sasaran Kinerja Pegawai): the yearly performance plan and its capaian.

Targets are monthly, because evaluation here is monthly: an indicator
"surat keterangan diterbitkan, 40 dokumen" means 40 a month.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from typing import Annotated

from pydantic import ConfigDict, Field, model_validator

from .model import Model
from .nip import Nip
from .ratings import Rating, summarise

CAPAIAN_CAP = 1.20
ABOVE_FROM = 1.10
MEETS_FROM = 0.90


def exact(value: float | Fraction) -> Fraction:
    """A number as the person wrote it (89.995 is 89995/1000, not the float nearest to it), so
    comparisons with thresholds are exact. A float is taken at its shortest decimal form."""
    return value if isinstance(value, Fraction) else Fraction(Decimal(repr(float(value))))


class Aspect(StrEnum):
    KUANTITAS = "kuantitas"
    KUALITAS = "kualitas"
    WAKTU = "waktu"


class Direction(StrEnum):
    HIGHER_IS_BETTER = "higher_is_better"
    LOWER_IS_BETTER = "lower_is_better"


IndicatorId = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9._-]{0,31}$")]


class Indicator(Model):
    model_config = ConfigDict(extra="forbid")

    id: IndicatorId
    name: str = Field(min_length=3, max_length=300)
    aspect: Aspect
    target: float = Field(gt=0, allow_inf_nan=False)
    unit: str = Field(min_length=1, max_length=40, description="satuan, e.g. dokumen, %, hari")
    direction: Direction = Direction.HIGHER_IS_BETTER

    @property
    def is_percentage(self) -> bool:
        return self.unit.strip() in {"%", "persen"}


class SkpPlan(Model):
    model_config = ConfigDict(extra="forbid")

    nip: Nip
    year: int = Field(ge=2000, le=2100)
    indicators: list[Indicator] = Field(min_length=1, max_length=30)

    @model_validator(mode="after")
    def _unique_ids(self) -> "SkpPlan":
        ids = [i.id for i in self.indicators]
        if len(ids) != len(set(ids)):
            raise ValueError("indicator ids must be unique within a plan")
        return self

    @property
    def id(self) -> str:
        return plan_id(self.nip, self.year)

    def indicator(self, indicator_id: str) -> Indicator | None:
        return next((i for i in self.indicators if i.id == indicator_id), None)


def plan_id(nip: str, year: int) -> str:
    return f"{nip}_{year}"


def capaian_exact(indicator: Indicator, realisasi: float) -> Fraction:
    """Achievement against target, direction-aware, capped at 120% (DOMAIN.md), exactly.

    Less-is-better indicators are inverted (target / realisasi); a realisasi of
    0 there is the best possible result and gets the cap.
    """
    cap = exact(CAPAIAN_CAP)
    if indicator.direction is Direction.LOWER_IS_BETTER:
        ratio = cap if realisasi == 0 else exact(indicator.target) / exact(realisasi)
    else:
        ratio = exact(realisasi) / exact(indicator.target)
    return min(ratio, cap)


def capaian(indicator: Indicator, realisasi: float) -> float:
    """The capaian as a number to store and show; it is not rounded, so what is classified
    (``category``) is what was achieved: 89.995% stays below 90%. Round only for display."""
    return float(capaian_exact(indicator, realisasi))


def category(capaian_value: float | Fraction) -> Rating:
    """Above at >= 110%, meets at 90-110%, below under 90%, on the exact value."""
    value = exact(capaian_value)
    if value >= exact(ABOVE_FROM):
        return Rating.DI_ATAS
    if value >= exact(MEETS_FROM):
        return Rating.SESUAI
    return Rating.DI_BAWAH


def mean_capaian(values: Sequence[float | Fraction]) -> Fraction | None:
    """The mean of capaian values, exactly (a band or category is read from it)."""
    return sum((exact(v) for v in values), Fraction(0)) / len(values) if values else None


def default_hasil_kerja(capaian_values: list[float]) -> Rating:
    """Hasil Kerja when the supervisor gave none: the documented default rule."""
    return summarise([category(c) for c in capaian_values])


def realisasi_problem(indicator: Indicator, value: float) -> str | None:
    """Why a realisasi is impossible for this indicator, or None when it is fine."""
    if not math.isfinite(value):
        return "not_finite"
    if value < 0:
        return "negative"
    if indicator.is_percentage and value > 100:
        return "over_100_percent"
    return None
