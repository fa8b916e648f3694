"""Reading the evaluation: the supervisor's team, the unit's result."""

from __future__ import annotations

from pydantic import BaseModel

from common.domain.errors import Forbidden, NotFound
from common.domain.organisation import Role
from common.domain.scoring import AsnResult, UnitResult

from .ports import Caller, UnitOfWork


class TeamResults(BaseModel):
    period: str
    results: list[AsnResult]


class UnitResults(BaseModel):
    period: str
    unit: UnitResult | None
    results: list[AsnResult]


def team_results(uow: UnitOfWork, caller: Caller, period: str) -> TeamResults:
    if caller.nip is None or not uow.employees.subordinates(caller.nip):
        raise Forbidden("not_supervisor")
    return TeamResults(period=period, results=uow.results.for_supervisor(caller.nip, period))


def unit_results(uow: UnitOfWork, caller: Caller, unit_id: str, period: str) -> UnitResults:
    """BKPSDM and the inspectorate see every unit's; a unit head sees their own unit's."""
    unit = uow.units.get(unit_id)
    if unit is None:
        raise NotFound("unit_not_found")
    if caller.role not in (Role.ADMIN, Role.INSPEKTORAT) and (caller.nip is None or caller.nip != unit.head_nip):
        raise Forbidden("not_unit_head")
    return UnitResults(period=period, unit=uow.results.get_unit(unit_id, period), results=uow.results.for_unit(unit_id, period))
