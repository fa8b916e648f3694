"""Who holds a position right now: the atasan of a team, the head of a unit.

Being a supervisor or a unit head is not a role in the token: it follows from the data
at the time of the request (common.domain.organisation.supervises and heads), read
here for the caller whose employee record the API has just checked.
"""

from __future__ import annotations

from common.domain.errors import Forbidden, NotFound
from common.domain.organisation import OVERSIGHT, Employee, Unit, heads, supervises

from .ports import Caller, Repositories, UnitOfWork


def team_of(uow: UnitOfWork, caller: Caller) -> list[Employee]:
    """The active people the caller supervises now (a subordinate's unit is read only when it differs)."""
    if caller.nip is None:
        return []
    linked = [e for e in uow.employees.subordinates(caller.nip) if e.active]
    elsewhere = uow.units.get_many({e.unit_id for e in linked if e.unit_id != caller.unit_id})
    return [e for e in linked if supervises(caller.nip, caller.unit_id, e, elsewhere.get(e.unit_id))]


def is_supervisor_of(uow: Repositories, caller: Caller, employee: Employee) -> bool:
    """Inside a transaction too: it reads only through the repositories."""
    unit = uow.units.get(employee.unit_id) if employee.unit_id != caller.unit_id else None
    return supervises(caller.nip, caller.unit_id, employee, unit)


def may_see_unit(caller: Caller, unit: Unit) -> bool:
    """BKPSDM and the inspectorate see every unit; a unit head their own, while they head it."""
    return caller.role in OVERSIGHT or heads(unit, caller.nip, caller.unit_id)


def unit_for(uow: UnitOfWork, caller: Caller, unit_id: str) -> Unit:
    """The unit, if the caller may see it now: 404 for none, 403 for another head's."""
    unit = uow.units.get(unit_id)
    if unit is None:
        raise NotFound("unit_not_found")
    if not may_see_unit(caller, unit):
        raise Forbidden("not_unit_head")
    return unit
