"""The e-performance view of the calling ASN."""

from __future__ import annotations

from datetime import date, datetime

from common.domain.annual import AnnualResult, annual_id
from common.domain.clock import WIB
from common.domain.errors import Forbidden
from common.domain.objections import window_closes
from common.domain.performance import PerformanceView, build_view
from common.domain.period import periods_of_year
from common.domain.reports import report_id
from common.domain.scoring import AsnResult, Outcome
from common.domain.skp import plan_id
from common.domain.training import jp_in_year
from common.settings import Settings

from .ports import Caller, UnitOfWork


def my_performance(uow: UnitOfWork, settings: Settings, caller: Caller, year: int, now: datetime) -> PerformanceView:
    # One batched read for the employee, the SKP, the annual record and the whole year's
    # reports and results, rather than a read per collection (or a query per month).
    nip, periods = caller.nip or "", periods_of_year(year)
    trainings_repo = uow.trainings
    trainings_soon = uow.beside(lambda: trainings_repo.for_nip(nip, year))  # the year's trainings, in flight beside the read
    employee, plan, annual, *rest = uow.employees.get_with(
        nip, (uow.plans, plan_id(nip, year)), (uow.annual, annual_id(nip, year)),
        *((uow.reports, report_id(nip, p)) for p in periods), *((uow.results, f"{nip}_{p}") for p in periods),
    )
    if employee is None:
        raise Forbidden("not_an_employee")
    reports = {r.period: r for r in rest[: len(periods)] if r is not None}
    results = {r.period: r for r in rest[len(periods) :] if r is not None}
    trainings = trainings_soon()
    view = build_view(
        nip=employee.nip,
        name=employee.name,
        unit_id=employee.unit_id,
        year=year,
        plan=plan,
        reports=reports,
        results=results,
        now=now,
        deadline_day=settings.report_deadline_day,
        training_jp=jp_in_year(trainings, year),
        training_required_jp=settings.finding_rule.training_required(employee.status),
        training_max_jp=settings.finding_rule.training_cap(employee.status),
    )
    months = [m.model_copy(update={"objection_until": _objection_until(results.get(m.period), settings, now)}) for m in view.months]
    return view.model_copy(update={"annual": annual, "months": months, "annual_objection_until": _annual_objection_until(annual, settings, now)})


def _open_until(published_at: datetime | None, settings: Settings, now: datetime) -> date | None:
    if published_at is None:
        return None
    closes = window_closes(published_at, settings.objection_window_days)
    return closes if now.astimezone(WIB).date() <= closes else None


def _objection_until(result: AsnResult | None, settings: Settings, now: datetime) -> date | None:
    """The last day to object to a month's predikat, while one may (the rule file_objection applies)."""
    if result is None or result.objection is not None or result.outcome is not Outcome.SCORED or result.predikat is None \
            or result.hasil_kerja is None or result.perilaku_kerja is None:
        return None
    return _open_until(result.published_at, settings, now)


def _annual_objection_until(record: AnnualResult | None, settings: Settings, now: datetime) -> date | None:
    if record is None or record.objection is not None or record.predikat is None or record.hasil_kerja is None \
            or record.perilaku_kerja is None:
        return None
    return _open_until(record.published_at, settings, now)
