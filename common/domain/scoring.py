"""The monthly evaluation: each ASN's ratings and predikat, each unit's result,
and the check of the employees' predikat against the unit's curve.

Rules: PermenPANRB 6/2022 (predikat matrix, default Hasil Kerja), SE MenPANRB
3/2023 (distribution curve per unit predikat). What the regulation leaves
open is decided here and documented in docs/rules.md.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from fractions import Fraction

from pydantic import Field

from .curve import HEAD_RATING, CurveCheck, UnitPredikat, check_curve
from .ikm import IkmResult
from .model import Model
from .objections import ObjectionSummary
from .ratings import Predikat, Rating, predikat
from .reports import Decision, Report
from .rules import UnitRule
from .skp import Aspect, SkpPlan, capaian, category, default_hasil_kerja, exact, mean_capaian

__all__ = ["CurveCheck", "UnitPredikat", "check_curve"]  # the curve lives in .curve; these names stay importable from here


class Outcome(StrEnum):
    SCORED = "scored"  # reviewed: the supervisor's ratings and the matrix
    AWAITING_REVIEW = "awaiting_review"  # reported, never reviewed: default Hasil Kerja, no Perilaku, no predikat
    NO_REPORT = "no_report"  # nothing reported for the period: no ratings, no predikat
    NO_SKP = "no_skp"  # no SKP plan for the year: nothing to measure against


class IndicatorScore(Model):
    indicator_id: str
    aspect: Aspect
    target: float
    realisasi: float
    capaian: float
    category: Rating


class Reason(Model):
    """One reason of a result: a code and its numbers; the words are in common/api/messages.py."""

    code: str = Field(description="no_skp, no_report, awaiting_review, matrix, mean_capaian or returned")
    params: dict[str, str | float | None] = Field(default_factory=dict)


def _reason(code: str, **params) -> Reason:
    return Reason(code=code, params={k: (v.value if isinstance(v, StrEnum) else v) for k, v in params.items()})


class AsnResult(Model):
    nip: str
    name: str
    unit_id: str
    supervisor_nip: str | None
    period: str
    outcome: Outcome
    report_id: str | None = None
    late: bool | None = None
    indicators: list[IndicatorScore] = Field(default_factory=list)
    capaian: float | None = Field(default=None, description="mean capaian of the reported indicators, not rounded")
    hasil_kerja: Rating | None = None
    hasil_kerja_source: str | None = Field(
        default=None, description="supervisor; default (derived from capaian); unit_predikat (a unit head: the unit's predikat); "
        "or objection (the decision on an upheld keberatan)")
    unit_predikat: UnitPredikat | None = Field(default=None, description="for a unit head: the unit's predikat their Hasil Kerja follows")
    perilaku_kerja: Rating | None = None
    predikat: Predikat | None = None
    why: list[Reason] = Field(default_factory=list, description="why this outcome and predikat, as codes and numbers")
    reasons: list[str] = Field(default_factory=list, description="why, in the request's language (rendered from why by the API)")
    published_at: datetime | None = Field(
        default=None, description="when a predikat of this period was first published: the objection window runs from it")
    objection: ObjectionSummary | None = Field(
        default=None, description="the keberatan against this result: the original ratings, its status and the decision")

    @property
    def decided_by_objection(self) -> bool:
        return bool(self.objection and self.objection.decision and self.objection.decision.changes_ratings)


def with_objection(result: AsnResult, summary: ObjectionSummary | None) -> AsnResult:
    """The result with its objection: an upheld (or partly upheld) decision holds over the scoring's
    ratings, whatever a later run computes; the original ones stay in ``objection.original``."""
    if summary is None:
        return result
    decision = summary.decision
    if decision is None or not decision.changes_ratings or result.outcome is not Outcome.SCORED:
        return result.model_copy(update={"objection": summary})
    why = [_reason("objection", decision=decision.decision, hasil_kerja=decision.hasil_kerja, perilaku_kerja=decision.perilaku_kerja,
                   predikat=decision.predikat, original=summary.original.predikat),
           *[r for r in result.why if r.code != "objection"]]
    return result.model_copy(update={"objection": summary, "hasil_kerja": decision.hasil_kerja, "perilaku_kerja": decision.perilaku_kerja,
                                     "predikat": decision.predikat, "hasil_kerja_source": "objection", "why": why})


def published(result: AsnResult, previous: AsnResult | None, now: datetime) -> AsnResult:
    """A predikat is published the first time a run writes one for the period; later runs keep that time."""
    if result.predikat is None:
        return result
    first = previous.published_at if previous is not None and previous.predikat is not None and previous.published_at else now
    return result.model_copy(update={"published_at": first})


def score_asn(
    *, nip: str, name: str, unit_id: str, supervisor_nip: str | None, period: str, plan: SkpPlan | None, report: Report | None
) -> AsnResult:
    base = {"nip": nip, "name": name, "unit_id": unit_id, "supervisor_nip": supervisor_nip, "period": period}
    if plan is None:
        return AsnResult(**base, outcome=Outcome.NO_SKP, why=[_reason("no_skp")])
    if report is None:
        return AsnResult(**base, outcome=Outcome.NO_REPORT, why=[_reason("no_report")])

    indicators = []
    for entry in report.content.realisasi:
        indicator = plan.indicator(entry.indicator_id)
        if indicator is None:
            continue  # an indicator removed from the plan after the report: it no longer counts
        value = capaian(indicator, entry.value)
        indicators.append(
            IndicatorScore(indicator_id=indicator.id, aspect=indicator.aspect, target=indicator.target,
                           realisasi=entry.value, capaian=value, category=category(value))
        )
    exact_mean = mean_capaian([i.capaian for i in indicators])
    mean = float(exact_mean) if exact_mean is not None else None
    reported = {**base, "report_id": report.id, "late": report.late, "indicators": indicators, "capaian": mean}
    review = _review_of_current_revision(report)
    if review is None:
        derived = default_hasil_kerja([i.capaian for i in indicators]) if indicators else None
        return AsnResult(
            **reported,
            outcome=Outcome.AWAITING_REVIEW,
            hasil_kerja=derived,
            hasil_kerja_source="default" if derived else None,
            why=[_reason("awaiting_review")],
        )
    result = predikat(review.hasil_kerja, review.perilaku_kerja)
    why = [_reason("matrix", hasil_kerja=review.hasil_kerja, perilaku_kerja=review.perilaku_kerja, predikat=result, source="supervisor")]
    if mean is not None:
        why.append(_reason("mean_capaian", capaian=mean))
    if review.decision is Decision.RETURN:
        why.append(_reason("returned"))
    return AsnResult(**reported, outcome=Outcome.SCORED, hasil_kerja=review.hasil_kerja, hasil_kerja_source="supervisor",
                     perilaku_kerja=review.perilaku_kerja, predikat=result, why=why)


def _review_of_current_revision(report: Report):
    """The supervisor's latest review, if it is about the revision now on file."""
    latest = report.latest_review
    return latest if latest is not None and latest.revision == report.revision else None


def as_unit_head(result: AsnResult, unit: UnitPredikat) -> AsnResult:
    """A unit head's Hasil Kerja is the unit's predikat (SE MenPANRB 3/2023), mapped by
    ``HEAD_RATING``; their Perilaku Kerja stays their supervisor's, the matrix gives the predikat."""
    if result.outcome not in (Outcome.SCORED, Outcome.AWAITING_REVIEW) or result.decided_by_objection:
        return result  # a decided keberatan holds over the unit's predikat too
    rating = HEAD_RATING[unit]
    changes: dict = {"hasil_kerja": rating, "hasil_kerja_source": "unit_predikat", "unit_predikat": unit}
    if result.outcome is Outcome.SCORED and result.perilaku_kerja is not None:
        changes["predikat"] = predikat(rating, result.perilaku_kerja)
        changes["why"] = [
            _reason("matrix", hasil_kerja=rating, perilaku_kerja=result.perilaku_kerja, predikat=changes["predikat"],
                    source="unit_predikat", unit_predikat=unit),
            *[r for r in result.why if r.code != "matrix"],
        ]
    return result.model_copy(update=changes)


# -- the unit ------------------------------------------------------------------

_RANK = {UnitPredikat.SANGAT_KURANG: 1, UnitPredikat.KURANG: 2, UnitPredikat.BUTUH_PERBAIKAN: 3, UnitPredikat.BAIK: 4, UnitPredikat.ISTIMEWA: 5}
_BY_RANK = {rank: p for p, rank in _RANK.items()}


def band(value: float | Fraction, thresholds: tuple[float, float, float, float]) -> UnitPredikat:
    """The band of a measure, on its exact value (an on-time share of 94.996% is not 95%)."""
    for limit, result in zip(thresholds, (UnitPredikat.ISTIMEWA, UnitPredikat.BAIK, UnitPredikat.BUTUH_PERBAIKAN, UnitPredikat.KURANG)):
        if exact(value) >= exact(limit):
            return result
    return UnitPredikat.SANGAT_KURANG


def unit_predikat(rule: UnitRule, ikm: float | None, on_time: float | Fraction | None,
                  mean_capaian: float | Fraction | None) -> tuple[UnitPredikat | None, dict[str, str]]:
    measures = {
        "ikm": band(ikm, rule.ikm_bands) if ikm is not None else None,
        "on_time": band(on_time, rule.on_time_bands) if on_time is not None else None,
        "capaian": band(mean_capaian, rule.capaian_bands) if mean_capaian is not None else None,
    }
    known = {k: v for k, v in measures.items() if v is not None}
    if not known:
        return None, {}
    total = sum(rule.weights[k] for k in known)
    mean = sum(_RANK[v] * rule.weights[k] for k, v in known.items()) / total
    return _BY_RANK[min(5, max(1, int(mean + 0.5)))], {k: v.value for k, v in known.items()}


class PredikatDecision(Model):
    """The leader above's decision on a unit's predikat (SE MenPANRB 3/2023): who, when, why.
    Kept with the unit's result, newest last in ``UnitResult.decisions``, so a later decision
    (or an objection's, issue 17) adds to the record instead of replacing it."""

    predikat: UnitPredikat
    proposed: UnitPredikat | None = Field(description="the computed proposal the leader above saw")
    status: str = Field(description="confirmed (kept the proposal) or set (chose another)")
    by: str = Field(description="the NIP (or account) of the leader above")
    at: datetime
    reason: str


class UnitResult(Model):
    unit_id: str
    period: str
    employees: int
    reported: int
    on_time: int
    on_time_share: float | None
    late_share: float | None
    mean_capaian: float | None
    ikm: IkmResult | None
    predikat: UnitPredikat | None = Field(description="the unit's predikat: the leader above's decision, else the computed proposal")
    proposed_predikat: UnitPredikat | None = Field(default=None, description="computed from the measures: the proposal")
    predikat_status: str | None = Field(
        default=None, description="proposed (no decision yet), confirmed (the leader above kept the proposal) or set (they chose another)")
    bands: dict[str, str] = Field(default_factory=dict, description="the band of each measure that fed the proposal")
    outcomes: dict[Outcome, int]
    curve: CurveCheck | None
    decisions: list[PredikatDecision] = Field(default_factory=list, description="the leader above's decisions, oldest first; the last holds")

    @property
    def decision(self) -> PredikatDecision | None:
        return self.decisions[-1] if self.decisions else None


def unit_result(unit_id: str, period: str, results: list[AsnResult], ikm: IkmResult | None, rule: UnitRule,
                decided: UnitPredikat | None = None) -> UnitResult:
    """The unit's measures, the proposed predikat, and the curve of the predikat that holds:
    ``decided`` (the leader above's) when there is one."""
    expected = [r for r in results if r.outcome is not Outcome.NO_SKP]
    reported = [r for r in expected if r.outcome is not Outcome.NO_REPORT]
    on_time = [r for r in reported if not r.late]
    capaians = [r.capaian for r in reported if r.capaian is not None]
    exact_on_time = Fraction(len(on_time), len(expected)) if expected else None
    exact_capaian = mean_capaian(capaians)
    proposed, bands = unit_predikat(rule, ikm.ikm if ikm and ikm.ikm is not None else None, exact_on_time, exact_capaian)
    effective = decided or proposed
    status = None if effective is None else "proposed" if decided is None else "confirmed" if decided is proposed else "set"
    unit = UnitResult(
        unit_id=unit_id,
        period=period,
        employees=len(results),
        reported=len(reported),
        on_time=len(on_time),
        on_time_share=round(float(exact_on_time), 4) if exact_on_time is not None else None,
        late_share=round(float(1 - exact_on_time), 4) if exact_on_time is not None else None,
        mean_capaian=round(float(exact_capaian), 4) if exact_capaian is not None else None,
        ikm=ikm,
        predikat=effective,
        proposed_predikat=proposed,
        predikat_status=status,
        bands=bands,
        outcomes={o: sum(r.outcome is o for r in results) for o in Outcome},
        curve=None,
    )
    return with_curve(unit, results)


def with_curve(unit: UnitResult, results: list[AsnResult]) -> UnitResult:
    """The curve check of the unit's predikat over the employees who have a predikat."""
    rated = [r.predikat for r in results if r.predikat is not None]
    return unit.model_copy(update={"curve": check_curve(unit.predikat, rated) if unit.predikat else None})


def with_head(unit: UnitResult, results: list[AsnResult], head_nip: str | None) -> tuple[UnitResult, list[AsnResult]]:
    """The head takes the unit's predikat as their Hasil Kerja; the curve is checked again with them."""
    if head_nip is None or unit.predikat is None or not any(r.nip == head_nip for r in results):
        return unit, results
    results = [as_unit_head(r, unit.predikat) if r.nip == head_nip else r for r in results]
    return with_curve(unit, results), results


def decide(unit: UnitResult, decided: UnitPredikat, results: list[AsnResult], head_nip: str | None,
           by: str, at: datetime, reason: str) -> tuple[UnitResult, list[AsnResult]]:
    """The leader above set or confirmed the unit's predikat after the scoring: the curve and the
    head's Hasil Kerja follow the decision, which is added to the unit's record."""
    status = "confirmed" if decided is unit.proposed_predikat else "set"
    decision = PredikatDecision(predikat=decided, proposed=unit.proposed_predikat, status=status, by=by, at=at, reason=reason)
    changed = unit.model_copy(update={"predikat": decided, "predikat_status": status, "decisions": [*unit.decisions, decision]})
    return with_head(with_curve(changed, results), results, head_nip)


def rescored(unit: UnitResult, previous: UnitResult | None) -> UnitResult:
    """A re-scored unit keeps the decisions already taken on its predikat (a run never undoes one)."""
    if previous is None or not previous.decisions:
        return unit
    return unit.model_copy(update={"decisions": previous.decisions})
