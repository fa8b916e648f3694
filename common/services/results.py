"""Reading the evaluation: the supervisor's team, the unit's result."""

from __future__ import annotations

from common.domain.errors import Forbidden
from common.domain.model import Model
from common.domain.scoring import AsnResult, UnitResult

from .ports import Caller, UnitOfWork
from .positions import team_of, unit_for


class TeamResults(Model):
    period: str
    results: list[AsnResult]


class UnitResults(Model):
    period: str
    unit: UnitResult | None
    results: list[AsnResult]


def team_results(uow: UnitOfWork, caller: Caller, period: str) -> TeamResults:
    """The results of the people the caller supervises now (not of a team they have left)."""
    team = {e.nip for e in team_of(uow, caller)}
    if not team:
        raise Forbidden("not_supervisor")
    return TeamResults(period=period, results=[r for r in uow.results.for_supervisor(caller.nip or "", period) if r.nip in team])


def unit_results(uow: UnitOfWork, caller: Caller, unit_id: str, period: str) -> UnitResults:
    """BKPSDM and the inspectorate see every unit's; a unit head sees their own unit's."""
    unit_for(uow, caller, unit_id)  # 404 or 403 before anything is read
    return UnitResults(period=period, unit=uow.results.get_unit(unit_id, period), results=uow.results.for_unit(unit_id, period))
