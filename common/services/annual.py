"""The annual evaluation: BKPSDM computes the year's proposals from the monthly results, each
supervisor decides their team's year, the unit sees its curve and BKPSDM its angka kredit."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from common.domain.annual import AnnualResult, annual_id, decide, propose
from common.domain.curve import CurveCheck, UnitPredikat, check_curve
from common.domain.errors import Forbidden, NotFound
from common.domain.model import Model
from common.domain.ratings import Rating
from common.domain.reports import report_id

from .ports import AuditEntry, Caller, Repositories, UnitOfWork
from .positions import is_supervisor_of, team_of, unit_for

Year = Annotated[int, Field(ge=2020, le=2100)]


class AnnualRunInput(Model):
    model_config = ConfigDict(extra="forbid")

    year: Year
    unit_id: str | None = Field(default=None, max_length=60, description="one unit; every unit when omitted")


class AnnualRun(Model):
    year: int
    units: int
    records: int = Field(description="annual records written (proposals; decisions already taken are kept)")


class AnnualDecisionInput(Model):
    model_config = ConfigDict(extra="forbid")

    hasil_kerja: Rating
    perilaku_kerja: Rating
    reason: Annotated[str, StringConstraints(strip_whitespace=True, max_length=2000)] | None = Field(
        default=None, description="why, when the year's ratings differ from the proposal; kept in the audit log")


class UnitAnnual(Model):
    unit_id: str
    year: int
    unit_predikat: UnitPredikat | None = Field(description="the organisation's predikat for the year: December's, as the leader above left it")
    curve: CurveCheck | None = Field(description="the decided annual predikat against that predikat's curve")
    decided: int
    proposed: int
    records: list[AnnualResult]


class TeamAnnual(Model):
    year: int
    records: list[AnnualResult]


def run_year(uow: UnitOfWork, year: int, unit_id: str | None, actor: str, now: datetime) -> AnnualRun:
    """Proposals for every active employee of the unit(s), from their twelve months. Running it again
    (after a late review) refreshes the proposals and keeps the decisions."""
    if unit_id:
        one = uow.units.get(unit_id)
        if one is None:
            raise NotFound("unit_not_found")
        units = [one]
    else:
        units = uow.units.all()
    written = 0
    for unit in units:
        written += _propose_unit(uow, unit.id, year, actor, now)
    return AnnualRun(year=year, units=len(units), records=written)


def _propose_unit(uow: UnitOfWork, unit_id: str, year: int, actor: str, now: datetime) -> int:
    employees = sorted((e for e in uow.employees.in_unit(unit_id) if e.active), key=lambda e: e.nip)
    periods = [f"{year:04d}-{m:02d}" for m in range(1, 13)]
    monthly = uow.results.get_many(report_id(e.nip, p) for e in employees for p in periods)

    def work(tx: Repositories) -> int:
        previous = tx.annual.get_many(annual_id(e.nip, year) for e in employees)
        records = [
            propose(year, e.nip, e.name, e.unit_id, e.supervisor_nip, [monthly[k] for p in periods if (k := report_id(e.nip, p)) in monthly],
                    e.functional_level, previous.get(annual_id(e.nip, year)))
            for e in employees
        ]
        if records:
            tx.annual.put_many(records)
        tx.audit.append(AuditEntry(id=f"annual.proposed:{unit_id}:{year}:{now.isoformat()}", at=now, actor=actor, action="annual.proposed",
                                   subject=f"{unit_id}/{year}", inputs={"employees": len(employees), "monthly_results": len(monthly)},
                                   outputs={"proposed": {r.nip: r.proposed_predikat.value if r.proposed_predikat else None for r in records}}))
        return len(records)

    return uow.transaction(work)


def decide_year(uow: UnitOfWork, caller: Caller, nip: str, year: int, given: AnnualDecisionInput, now: datetime) -> AnnualResult:
    """The supervisor's annual ratings for one of their team; the matrix gives the predikat."""
    employee = uow.employees.get(nip)
    if employee is None:
        raise NotFound("employee_not_found", nip=nip)
    if not is_supervisor_of(uow, caller, employee) or caller.nip is None:
        raise Forbidden("not_supervisor")
    supervisor = caller.nip

    def work(tx: Repositories) -> AnnualResult:
        record = tx.annual.get(annual_id(nip, year))
        if record is None:
            raise NotFound("annual_not_found")  # BKPSDM computes the year's proposals first
        decided = decide(record, given.hasil_kerja, given.perilaku_kerja, supervisor, now, given.reason)
        tx.annual.put_many([decided])
        tx.audit.append(AuditEntry(
            id=f"annual.decided:{nip}:{year}:{len(decided.decisions)}", at=now, actor=supervisor, action="annual.decided",
            subject=f"{nip}/{year}", nip=nip, reason=given.reason,
            inputs={"proposed": record.proposed_predikat.value if record.proposed_predikat else None, "months_rated": record.months_rated},
            outputs={"hasil_kerja": given.hasil_kerja.value, "perilaku_kerja": given.perilaku_kerja.value, "predikat": decided.predikat.value if decided.predikat else None,
                     "angka_kredit": decided.angka_kredit},
        ))
        return decided

    return uow.transaction(work)


def team_year(uow: UnitOfWork, caller: Caller, year: int) -> TeamAnnual:
    team = {e.nip for e in team_of(uow, caller)}
    if not team:
        raise Forbidden("not_supervisor")
    return TeamAnnual(year=year, records=[r for r in uow.annual.for_supervisor(caller.nip or "", year) if r.nip in team])


def unit_year(uow: UnitOfWork, caller: Caller, unit_id: str, year: int) -> UnitAnnual:
    """The unit's year: every record, and the curve of the decided annual predikat."""
    unit_for(uow, caller, unit_id)  # 404 or 403 before anything is read
    records = uow.annual.for_unit(unit_id, year)
    december = uow.results.get_unit(unit_id, f"{year:04d}-12")
    organisation = december.predikat if december else None
    decided = [r.predikat for r in records if r.predikat is not None]
    curve = check_curve(organisation, decided) if organisation else None
    return UnitAnnual(unit_id=unit_id, year=year, unit_predikat=organisation, curve=curve, decided=len(decided),
                      proposed=len(records) - len(decided), records=records)


def my_year(uow: UnitOfWork, nip: str, year: int) -> AnnualResult | None:
    return uow.annual.get(annual_id(nip, year))
