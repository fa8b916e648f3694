"""The e-performance view: an ASN's own progress through the year, computed on read.

Computed from the SKP plan and the year's reports each time it is asked for,
so it is always current ("real time") and never disagrees with the reports.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from statistics import fmean

from pydantic import Field

from .annual import AnnualResult
from .model import Model
from .objections import ObjectionSummary
from .period import period_of, periods_of_year, report_deadline
from .ratings import Predikat, Rating
from .reports import Decision, Report
from .scoring import AsnResult, Outcome, Reason
from .skp import Indicator, SkpPlan, capaian, category


class MonthState(StrEnum):
    SUBMITTED = "submitted"
    RETURNED = "returned"
    ACCEPTED = "accepted"
    MISSING = "missing"  # the deadline passed without a report
    OPEN = "open"  # no report yet, still before the deadline


class MonthCapaian(Model):
    period: str
    realisasi: float | None = None
    capaian: float | None = Field(default=None, description="0..1.2, direction-aware, capped at 120%")
    category: Rating | None = None


class IndicatorProgress(Model):
    indicator: Indicator
    months: list[MonthCapaian]
    capaian_to_date: float | None = Field(default=None, description="mean of the monthly capaian reported so far")
    category_to_date: Rating | None = None


class Feedback(Model):
    revision: int
    reviewed_at: datetime
    reviewer_nip: str
    decision: Decision
    hasil_kerja: Rating
    perilaku_kerja: Rating
    feedback: str | None


class MonthProgress(Model):
    period: str
    state: MonthState
    deadline: datetime
    report_id: str | None = None
    revision: int | None = None
    submitted_at: datetime | None = None
    late: bool | None = None
    evidence_file_count: int | None = Field(default=None, description="verified evidence files attached to the report")
    feedback: list[Feedback] = Field(default_factory=list)
    predikat: Predikat | None = Field(default=None, description="set once the monthly scoring has run")
    outcome: Outcome | None = Field(default=None, description="the scoring's outcome: scored, awaiting_review, no_report, no_skp")
    why: list[Reason] = Field(default_factory=list, description="why this predikat, from the scoring, as codes")
    reasons: list[str] = Field(default_factory=list, description="why this predikat, in the request's language")
    objection: ObjectionSummary | None = Field(default=None, description="my keberatan against this month's predikat and its outcome")
    objection_until: date | None = Field(
        default=None, description="while I may still object to this month's predikat: the last day (WIB) to file; null otherwise")


class PerformanceView(Model):
    nip: str
    name: str
    unit_id: str
    year: int
    current_period: str
    has_skp: bool
    indicators: list[IndicatorProgress]
    capaian_to_date: float | None = Field(default=None, description="mean over indicators")
    months: list[MonthProgress]
    training_jp: int = Field(default=0, description="JP of training recorded this year")
    training_required_jp: int | None = Field(
        default=20, description="the least JP a year the rule asks of this person (PNS 20, PP 11/2017); null when none (PPPK)")
    training_max_jp: int | None = Field(default=None, description="the most JP a year the rule provides for (PPPK 24, PP 49/2018 art. 40)")
    annual: AnnualResult | None = Field(default=None, description="the year's evaluation once BKPSDM prepared it: proposal, decision, angka kredit")
    annual_objection_until: date | None = Field(
        default=None, description="while I may still object to the year's predikat: the last day (WIB) to file; null otherwise")


def build_view(
    *,
    nip: str,
    name: str,
    unit_id: str,
    year: int,
    plan: SkpPlan | None,
    reports: dict[str, Report],
    results: dict[str, AsnResult],
    now: datetime,
    deadline_day: int,
    training_jp: int = 0,
    training_required_jp: int | None = 20,
    training_max_jp: int | None = None,
) -> PerformanceView:
    current = period_of(now)
    periods = [p for p in periods_of_year(year) if p <= current]
    months = [_month(p, reports.get(p), results.get(p), now, deadline_day) for p in periods]
    indicators = [_indicator(i, periods, reports) for i in plan.indicators] if plan else []
    known = [i.capaian_to_date for i in indicators if i.capaian_to_date is not None]
    return PerformanceView(
        nip=nip,
        name=name,
        unit_id=unit_id,
        year=year,
        current_period=current,
        has_skp=plan is not None,
        indicators=indicators,
        capaian_to_date=round(fmean(known), 4) if known else None,
        months=months,
        training_jp=training_jp,
        training_required_jp=training_required_jp,
        training_max_jp=training_max_jp,
    )


def _month(period: str, report: Report | None, result: AsnResult | None, now: datetime, deadline_day: int) -> MonthProgress:
    deadline = report_deadline(period, deadline_day)
    scored = {"predikat": result.predikat, "outcome": result.outcome, "why": result.why, "reasons": result.reasons,
              "objection": result.objection} if result else {}
    if report is None:
        state = MonthState.MISSING if now >= deadline else MonthState.OPEN
        return MonthProgress(period=period, state=state, deadline=deadline, **scored)
    return MonthProgress(
        period=period,
        state=MonthState(report.status.value),
        deadline=report.deadline,
        report_id=report.id,
        revision=report.revision,
        submitted_at=report.submitted_at,
        late=report.late,
        evidence_file_count=len(report.evidence_files),
        feedback=[
            Feedback(
                revision=r.revision,
                reviewed_at=r.reviewed_at,
                reviewer_nip=r.reviewer_nip,
                decision=r.decision,
                hasil_kerja=r.hasil_kerja,
                perilaku_kerja=r.perilaku_kerja,
                feedback=r.feedback,
            )
            for r in report.reviews
        ],
        **scored,
    )


def _indicator(indicator: Indicator, periods: list[str], reports: dict[str, Report]) -> IndicatorProgress:
    months = []
    for period in periods:
        report = reports.get(period)
        entry = next((e for e in report.content.realisasi if e.indicator_id == indicator.id), None) if report else None
        if entry is None:
            months.append(MonthCapaian(period=period))
            continue
        value = capaian(indicator, entry.value)
        months.append(MonthCapaian(period=period, realisasi=entry.value, capaian=value, category=category(value)))
    known = [m.capaian for m in months if m.capaian is not None]
    to_date = round(fmean(known), 4) if known else None
    return IndicatorProgress(
        indicator=indicator,
        months=months,
        capaian_to_date=to_date,
        category_to_date=category(to_date) if to_date is not None else None,
    )
