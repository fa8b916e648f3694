"""The configurable rules, apart from the code that applies them.

``common.settings`` reads them from the environment in every function, so they live here,
with nothing but pydantic and the employment statuses: a function that never scores does not
import the scoring, the findings or the IKM at start-up (import time is cold-start time).
They are re-exported where they apply: ``common.domain.findings``, ``scoring`` and ``ikm``.
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, model_validator

from .model import Model
from .organisation import EmploymentStatus


class FindingRule(Model):
    """Documented and configurable thresholds of the finding rules."""

    late_share: float = Field(default=0.30, description="a unit where at least this share did not report on time")
    u3_bad_mutu: tuple[str, ...] = ("C", "D")
    training_min_jp: dict[EmploymentStatus, int | None] = Field(
        default_factory=lambda: {EmploymentStatus.PNS: 20, EmploymentStatus.PPPK: None},
        description="the least JP of training a year per employment status, below which a finding opens; none: no minimum. "
        "PNS: 20 (PP 11/2017). PPPK: none, their development is capped, not owed (PP 49/2018 art. 40)")
    training_max_jp: dict[EmploymentStatus, int | None] = Field(
        default_factory=lambda: {EmploymentStatus.PNS: None, EmploymentStatus.PPPK: 24},
        description="the most JP of development a year the rule provides for, shown beside the JP (PPPK: 24, PP 49/2018 art. 40)")
    training_check_month: int = Field(default=9, description="checked from the scoring of this month on (end of September)")
    due_days: int = Field(default=30, description="days an owner has to act on a finding")

    @model_validator(mode="before")
    @classmethod
    def _one_minimum_for_everyone(cls, data):
        # The rule before PPPK were told apart had one number, the PNS minimum: it stays that.
        if isinstance(data, dict) and "training_jp" in data:
            data = dict(data)
            data.setdefault("training_min_jp", {EmploymentStatus.PNS: data.pop("training_jp"), EmploymentStatus.PPPK: None})
            data.pop("training_jp", None)
        return data

    def training_required(self, status: EmploymentStatus) -> int | None:
        """The JP a year someone of this status must get, or None when the rule sets no minimum."""
        return self.training_min_jp.get(status)

    def training_cap(self, status: EmploymentStatus) -> int | None:
        return self.training_max_jp.get(status)


class UnitRule(Model):
    """How a unit's predikat follows from its IKM, on-time share and average capaian.

    Each measure is placed in a band (the thresholds are the lower bounds of
    Istimewa, Baik, Butuh Perbaikan and Kurang; below the last is Sangat
    Kurang); the unit predikat is the weighted mean of the bands, rounded to
    the nearest band (halves round up). A measure without data is left out
    and the other weights count in its place.
    """

    ikm_bands: tuple[float, float, float, float] = (88.31, 76.61, 65.00, 50.00)
    on_time_bands: tuple[float, float, float, float] = (0.95, 0.85, 0.70, 0.50)
    capaian_bands: tuple[float, float, float, float] = (1.10, 1.00, 0.90, 0.75)
    weights: dict[str, float] = Field(default_factory=lambda: {"ikm": 0.4, "on_time": 0.3, "capaian": 0.3})


class PopulationBasis(StrEnum):
    PRO_RATA = "pro_rata"  # the period's share of the year's population: a month is 1/12 (the default)
    ANNUAL = "annual"  # the year's population whatever the period (the older convention)
