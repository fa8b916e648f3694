"""The e-performance view of the calling ASN."""

from __future__ import annotations

from datetime import datetime

from common.domain.annual import annual_id
from common.domain.errors import Forbidden
from common.domain.performance import PerformanceView, build_view
from common.domain.period import periods_of_year
from common.domain.reports import report_id
from common.domain.training import jp_in_year
from common.settings import Settings

from .ports import Caller, UnitOfWork


def my_performance(uow: UnitOfWork, settings: Settings, caller: Caller, year: int, now: datetime) -> PerformanceView:
    employee = uow.employees.get(caller.nip) if caller.nip else None
    if employee is None:
        raise Forbidden("not_an_employee")
    plan = uow.plans.for_year(employee.nip, year)
    # One batched read for the whole year rather than a query per month.
    by_id = uow.reports.get_many(report_id(employee.nip, p) for p in periods_of_year(year))
    reports = {r.period: r for r in by_id.values()}
    results = {r.period: r for r in uow.results.get_many(f"{employee.nip}_{p}" for p in periods_of_year(year)).values()}
    trainings = uow.trainings.for_nip(employee.nip, year)
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
    return view.model_copy(update={"annual": uow.annual.get(annual_id(employee.nip, year))})
