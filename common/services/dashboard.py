"""What the dashboard shows each role, shaped for charts and the tables beside them.

Every figure comes from the same services and stored results the rest of the
API uses, so the dashboard never disagrees with a report or an export.
"""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from common.domain.complaints import Investigation, InvestigationStatus, InvestigationSummary
from common.domain.curve import CURVE, CurveViolation, UnitPredikat, share_limits
from common.domain.errors import Forbidden
from common.domain.findings import Finding, FindingStatus
from common.domain.ikm import IkmResult, Weights
from common.domain.model import Model
from common.domain.organisation import OVERSIGHT, Role, heads
from common.domain.period import parse_period, period_of, periods_of_year
from common.domain.ratings import Predikat
from common.domain.reports import report_id
from common.domain.rules import PopulationBasis
from common.domain.skp import plan_id
from common.domain.survey import UNSUR
from common.settings import Settings

from . import reporting
from .findings import my_findings
from .ports import Caller, UnitOfWork
from .positions import team_of, unit_for
from .reporting import TeamReports
from .survey_figures import unit_figures

# -- the supervisor ---------------------------------------------------------------------


class UnitName(Model):
    id: str
    name: str


class Me(Model):
    nip: str | None
    name: str | None
    role: Role
    unit_id: str | None
    supervises: int = Field(description="direct subordinates")
    heads: list[str] = Field(description="units this person heads")
    views: list[str] = Field(description="dashboard views open to this person: team, unit, investigations, runs (BKPSDM)")
    units: list[UnitName] = Field(description="the units this person may open: all for BKPSDM and the inspectorate, else those they head")


def who_am_i(uow: UnitOfWork, caller: Caller) -> Me:
    """What the dashboard shows this person, from the employee record and the units now."""
    employee = uow.employees.get(caller.nip) if caller.nip else None
    team = team_of(uow, caller)
    units = uow.units.all()
    heading = [u.id for u in units if heads(u, caller.nip, caller.unit_id)]
    everyone = caller.role in OVERSIGHT
    openable = [UnitName(id=u.id, name=u.name) for u in units if everyone or u.id in heading]
    views = (["team"] if team else []) + (["unit"] if heading or everyone else []) + (["investigations"] if everyone else [])
    views += ["runs"] if caller.role is Role.ADMIN else []
    return Me(nip=caller.nip, name=employee.name if employee else None, role=caller.role, unit_id=caller.unit_id,
              supervises=len(team), heads=heading, views=views, units=openable)


class TrendPoint(Model):
    period: str
    capaian: float | None = Field(description="mean capaian of the month's reported indicators, 0..1.2")


class MemberTrend(Model):
    nip: str
    name: str
    points: list[TrendPoint]


class TeamDashboard(Model):
    period: str
    reports: TeamReports
    late: int = Field(description="reports this period first submitted after the deadline")
    trends: list[MemberTrend]
    recommendations: list[Finding] = Field(description="my open findings and recommendations")


def team_dashboard(uow: UnitOfWork, settings: Settings, caller: Caller, period: str, now: datetime) -> TeamDashboard:
    reports = reporting.team_reports(uow, settings, caller, period, now)  # 403 unless a supervisor
    year = parse_period(period)[0]
    months = [p for p in periods_of_year(year) if p <= period]
    team = reports.members
    plans = uow.plans.get_many(plan_id(m.nip, year) for m in team)
    stored = uow.reports.get_many(report_id(m.nip, p) for m in team for p in months)
    trends = []
    for member in team:
        plan = plans.get(plan_id(member.nip, year))
        points = []
        for p in months:
            report = stored.get(report_id(member.nip, p))
            points.append(TrendPoint(period=p, capaian=_mean_capaian(plan, report)))
        trends.append(MemberTrend(nip=member.nip, name=member.name, points=points))
    open_findings = [f for f in my_findings(uow, caller, None, 200).findings if f.status is not FindingStatus.RESOLVED]
    late = sum(1 for m in team if m.late)
    return TeamDashboard(period=period, reports=reports, late=late, trends=trends, recommendations=open_findings)


def _mean_capaian(plan, report) -> float | None:
    from common.domain.skp import capaian

    if plan is None or report is None:
        return None
    values = [capaian(i, e.value) for e in report.content.realisasi if (i := plan.indicator(e.indicator_id))]
    return round(sum(values) / len(values), 4) if values else None


# -- the unit head and BKPSDM --------------------------------------------------------------


class MonthIkm(Model):
    period: str
    n: int
    ikm: float | None
    mutu: str | None
    withheld: bool = Field(default=False, description="fewer respondents than the survey's minimum: no figure")


class UnsurNrr(Model):
    code: str
    name: str
    nrr: float | None
    answers: int = Field(default=0, description="answers given to the unsur this year so far (a blank on a paper form is not one)")


class CurveBar(Model):
    predikat: Predikat
    count: int
    share: float
    min_share: float | None = Field(description="the least share the unit's curve asks for, if any")
    max_share: float | None = Field(description="the most share the unit's curve allows, if any")
    largest: bool = Field(default=False, description="the curve asks this predikat to be the largest group")


class CurveRule(Model):
    """One bound of the unit's curve (common/domain/curve.py), whether the distribution keeps it, in words."""

    kind: str = Field(description="largest, at_most, at_least or present")
    predikat: list[Predikat] = Field(description="one predikat, or several counted together")
    percent: int | None
    holds: bool
    text: str = Field(default="", description="the bound in the request's language")


class PersonLine(Model):
    nip: str
    name: str
    outcome: str
    late: bool | None
    predikat: str | None


class ObjectionLine(Model):
    """An open keberatan of the unit: who, which period, where it stands, whether it is past its due date."""

    id: str
    nip: str
    name: str
    period: str
    status: str
    decider: str = Field(description="the decider's NIP, or role:admin for BKPSDM")
    due: str = Field(description="YYYY-MM-DD, the last day for the decision")
    overdue: bool


class UnitDashboard(Model):
    unit_id: str
    unit_name: str
    period: str
    ikm_by_month: list[MonthIkm]
    ikm_year: IkmResult | None
    unsur: list[UnsurNrr] = Field(description="NRR per unsur over the year so far")
    unit_predikat: UnitPredikat | None
    unit_predikat_status: str | None = Field(default=None, description="proposed, confirmed or set by the leader above")
    curve: list[CurveBar] = Field(description="the employees' predikat against the curve of the unit predikat")
    curve_rules: list[CurveRule] = Field(default_factory=list, description="every bound of the unit predikat's curve and whether it holds")
    curve_breaks: list[CurveViolation] = Field(default_factory=list, description="the broken bounds, as codes and numbers")
    curve_violations: list[str] = Field(default_factory=list, description="the broken bounds, in the request's language")
    late: list[PersonLine]
    missing: list[PersonLine]
    on_time_share: float | None
    findings: list[Finding]
    investigations: list[InvestigationSummary] = Field(description="id, status and due dates only: the rest is the inspectorate's")
    objections: list[ObjectionLine] = Field(default_factory=list, description="the unit's open objections (keberatan), overdue first")


def unit_dashboard(uow: UnitOfWork, caller: Caller, unit_id: str, period: str, min_respondents: int,
                   basis: PopulationBasis = PopulationBasis.PRO_RATA, now: datetime | None = None) -> UnitDashboard:
    """The unit's view; the HTTP layer puts the curve's codes into words (``curve_rules[].text``, ``curve_violations``)."""

    unit = unit_for(uow, caller, unit_id)
    year = parse_period(period)[0]
    months = [p for p in periods_of_year(year) if p <= period]
    figures = unit_figures(uow, unit, months, min_respondents)
    by_month = []
    for month in months:
        totals, shown = figures.by_month[month], month in figures.months
        result = totals.ikm(Weights.EXACT, min_respondents) if totals.n and shown else None
        by_month.append(MonthIkm(period=month, n=totals.n, ikm=result.ikm if result else None,
                                 mutu=result.mutu.value if result and result.mutu else None, withheld=not shown))
    ikm_year = figures.result(Weights.EXACT, unit.population_served, basis) if figures.unit.n else None
    unsur = [UnsurNrr(code=u.code, name=u.name, nrr=ikm_year.nrr[u.code] if ikm_year and ikm_year.nrr else None,
                      answers=ikm_year.answers[u.code] if ikm_year and ikm_year.answers else 0) for u in UNSUR]

    unit_result = uow.results.get_unit(unit_id, period)
    people = uow.results.for_unit(unit_id, period)
    curve: list[CurveBar] = []
    rules: list[CurveRule] = []
    if unit_result and unit_result.curve and unit_result.predikat:
        checked = unit_result.curve
        bounds = share_limits(unit_result.predikat)  # the one definition the scoring checked against
        largest = {b.predikat[0] for b in CURVE[unit_result.predikat] if b.kind.value == "largest"}
        curve = [
            CurveBar(predikat=p, count=checked.counts.get(p, 0), share=checked.shares.get(p, 0.0),
                     min_share=bounds.get(p, (None, None))[0], max_share=bounds.get(p, (None, None))[1], largest=p in largest)
            for p in Predikat
        ]
        rules = [CurveRule(kind=b.kind.value, predikat=list(b.predikat), percent=b.percent,
                           holds=b.holds(checked.counts, checked.rated) or not checked.rated)
                 for b in CURVE[unit_result.predikat]]
    line = lambda r: PersonLine(nip=r.nip, name=r.name, outcome=r.outcome.value, late=r.late, predikat=r.predikat.value if r.predikat else None)  # noqa: E731
    findings = sorted(uow.findings.unresolved_in_unit(unit_id), key=lambda f: (f.due, f.id))
    investigations = [InvestigationSummary.of(i) for i in uow.investigations.list(None, unit_id, 50)]
    pending = [o for status in ("submitted", "responded") for o in uow.objections.listed("unit_id", unit_id, status, 100)]
    objections = sorted(
        (ObjectionLine(id=o.id, nip=o.nip, name=o.name, period=o.period, status=o.status.value, decider=o.decider, due=o.due.isoformat(),
                       overdue=now is not None and o.is_overdue(now)) for o in pending),
        key=lambda line: (not line.overdue, line.due, line.id))
    return UnitDashboard(
        unit_id=unit.id, unit_name=unit.name, period=period, ikm_by_month=by_month, ikm_year=ikm_year, unsur=unsur,
        unit_predikat=unit_result.predikat if unit_result else None,
        unit_predikat_status=unit_result.predikat_status if unit_result else None, curve=curve, curve_rules=rules,
        curve_breaks=unit_result.curve.violations if unit_result and unit_result.curve else [],
        late=[line(r) for r in people if r.late], missing=[line(r) for r in people if r.outcome.value == "no_report"],
        on_time_share=unit_result.on_time_share if unit_result else None, findings=findings, investigations=investigations,
        objections=objections,
    )


# -- the inspectorate --------------------------------------------------------------------


class UnitCount(Model):
    unit_id: str
    open: int
    in_progress: int
    closed: int


class InvestigationDashboard(Model):
    investigations: list[Investigation] = Field(description="newest first; each lists up to 50 of the complaints behind it "
                                                "(picture.counted_complaints says how many there were)")
    by_unit: list[UnitCount]
    unit_names: dict[str, str] = Field(default_factory=dict, description="unit id -> name, for the units listed")
    overdue: list[str] = Field(description="ids of open or in-progress investigations past a due date")


def investigation_dashboard(uow: UnitOfWork, caller: Caller, now: datetime) -> InvestigationDashboard:
    if caller.role not in OVERSIGHT:
        raise Forbidden("role_required", roles="inspektorat, admin")
    items = uow.investigations.list(None, None, 200)
    units: dict[str, UnitCount] = {}
    today = now.date()
    overdue = []
    for item in items:
        count = units.setdefault(item.unit_id, UnitCount(unit_id=item.unit_id, open=0, in_progress=0, closed=0))
        setattr(count, item.status.value, getattr(count, item.status.value) + 1)
        due = item.due.verify_by if item.status is InvestigationStatus.OPEN else item.due.follow_up_by
        if item.status is not InvestigationStatus.CLOSED and due < today:
            overdue.append(item.id)
    names = {u.id: u.name for u in uow.units.get_many(units).values()}
    return InvestigationDashboard(investigations=items, by_unit=sorted(units.values(), key=lambda u: u.unit_id), overdue=overdue,
                                  unit_names=names)


def default_period(now: datetime) -> str:
    return period_of(now)
