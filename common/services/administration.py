"""BKPSDM's loads: units, employees, supervisor links, SKP plans, and account claims.

A load is checked as a whole before anything is written: one bad row refuses
the whole file with every problem listed, so a half-loaded organisation never
exists. Writes are upserts, so a load that fails halfway (a network error
between batches) is completed by running it again.
"""

from __future__ import annotations

import logging
from collections import Counter
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict

from common.domain.errors import Invalid
from common.domain.nip import Nip
from common.domain.organisation import Employee, Unit
from common.domain.skp import SkpPlan

from .ports import AccountDirectory, UnitOfWork

log = logging.getLogger(__name__)


class SupervisorLink(BaseModel):
    model_config = ConfigDict(extra="forbid")

    nip: Nip
    supervisor_nip: Nip | None


class AccountState(StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    NO_EMAIL = "no_email"
    FAILED = "failed"


class AccountOutcome(BaseModel):
    nip: str
    email: str | None
    state: AccountState
    uid: str | None = None
    error: str | None = None


class LoadResult(BaseModel):
    written: int
    accounts: list[AccountOutcome] = []


def _problem(index: int, field: str, code: str, value: Any = None) -> dict[str, Any]:
    return {"field": f"{index}.{field}", "code": code, "value": value}


def load_units(uow: UnitOfWork, units: list[Unit]) -> LoadResult:
    ids = Counter(u.id for u in units)
    problems = [_problem(i, "id", "duplicate", u.id) for i, u in enumerate(units) if ids[u.id] > 1]
    known = {u.id for u in units} | set(uow.units.get_many({u.parent_id for u in units if u.parent_id}))
    problems += [_problem(i, "parent_id", "unit_unknown", u.parent_id) for i, u in enumerate(units) if u.parent_id and u.parent_id not in known]
    if problems:
        raise Invalid("load_invalid", details=problems)
    # A file without a column (say, a units CSV without services) keeps what is stored.
    existing = uow.units.get_many({u.id for u in units})
    merged = [
        existing[u.id].model_copy(update={f: getattr(u, f) for f in u.model_fields_set}) if u.id in existing else u
        for u in units
    ]
    uow.units.put_many(merged)
    return LoadResult(written=len(units))


def claims_for(employee: Employee) -> dict[str, Any]:
    """What the ID token carries. Kept small: Firebase allows 1,000 bytes of claims."""
    return {"role": employee.role.value, "nip": employee.nip, "unit": employee.unit_id}


def load_employees(
    uow: UnitOfWork, accounts: AccountDirectory | None, employees: list[Employee], passwords: dict[str, str] | None = None
) -> LoadResult:
    """Upsert employees, then create or update their Firebase accounts and claims.

    ``passwords`` (email -> password) is for the local demo only; real accounts
    sign in through the agency's flow and never get a password from us.
    """
    problems: list[dict[str, Any]] = []
    nips = Counter(e.nip for e in employees)
    emails = Counter(e.email.lower() for e in employees if e.email)
    for i, e in enumerate(employees):
        if nips[e.nip] > 1:
            problems.append(_problem(i, "nip", "duplicate", e.nip))
        if e.email and emails[e.email.lower()] > 1:
            problems.append(_problem(i, "email", "duplicate", e.email))
        if e.supervisor_nip == e.nip:
            problems.append(_problem(i, "supervisor_nip", "self", e.supervisor_nip))
    units = uow.units.get_many({e.unit_id for e in employees})
    problems += [_problem(i, "unit_id", "unit_unknown", e.unit_id) for i, e in enumerate(employees) if e.unit_id not in units]
    links = {e.nip: e.supervisor_nip for e in employees}
    problems += _link_problems(uow, links, {e.nip: i for i, e in enumerate(employees)})
    if problems:
        raise Invalid("load_invalid", details=problems)

    uow.employees.put_many(employees)
    outcomes = sync_accounts(accounts, employees, passwords or {}) if accounts else []
    return LoadResult(written=len(employees), accounts=outcomes)


def set_supervisors(uow: UnitOfWork, links: list[SupervisorLink]) -> LoadResult:
    current = uow.employees.get_many({link.nip for link in links})
    problems = [_problem(i, "nip", "employee_unknown", link.nip) for i, link in enumerate(links) if link.nip not in current]
    problems += [_problem(i, "supervisor_nip", "self", link.nip) for i, link in enumerate(links) if link.supervisor_nip == link.nip]
    wanted = {link.nip: link.supervisor_nip for link in links}
    problems += _link_problems(uow, wanted, {link.nip: i for i, link in enumerate(links)})
    if problems:
        raise Invalid("load_invalid", details=problems)
    updated = [current[nip].model_copy(update={"supervisor_nip": sup}) for nip, sup in wanted.items()]
    uow.employees.put_many(updated)
    return LoadResult(written=len(updated))


def load_plans(uow: UnitOfWork, plans: list[SkpPlan]) -> LoadResult:
    known = uow.employees.get_many({p.nip for p in plans})
    keys = Counter((p.nip, p.year) for p in plans)
    problems = [_problem(i, "nip", "employee_unknown", p.nip) for i, p in enumerate(plans) if p.nip not in known]
    problems += [_problem(i, "year", "duplicate", p.year) for i, p in enumerate(plans) if keys[(p.nip, p.year)] > 1]
    if problems:
        raise Invalid("load_invalid", details=problems)
    uow.plans.put_many(plans)
    return LoadResult(written=len(plans))


def _link_problems(uow: UnitOfWork, links: dict[str, str | None], row_of: dict[str, int]) -> list[dict[str, Any]]:
    """Supervisors must exist, and following supervisors upward must never come back.

    Walks the chain one level at a time with one batched read per level, so the
    cost grows with the depth of the organisation, not with its size.
    """
    graph: dict[str, str | None] = dict(links)
    frontier = {s for s in links.values() if s and s not in graph}
    while frontier:
        found = uow.employees.get_many(frontier)
        for nip in frontier:
            graph[nip] = found[nip].supervisor_nip if nip in found else "?"  # "?" marks unknown
        frontier = {s for s in (graph[n] for n in frontier) if s and s != "?" and s not in graph}
    problems = []
    for nip, supervisor in links.items():
        if supervisor and graph.get(supervisor) == "?":
            problems.append(_problem(row_of[nip], "supervisor_nip", "employee_unknown", supervisor))
            continue
        seen, current = {nip}, supervisor
        while current and current != "?":
            if current in seen:
                problems.append(_problem(row_of[nip], "supervisor_nip", "cycle", supervisor))
                break
            seen.add(current)
            current = graph.get(current)
    return problems


def sync_accounts(accounts: AccountDirectory, employees: list[Employee], passwords: dict[str, str]) -> list[AccountOutcome]:
    outcomes = []
    for e in employees:
        if not e.email:
            outcomes.append(AccountOutcome(nip=e.nip, email=None, state=AccountState.NO_EMAIL))
            continue
        try:
            uid, created = accounts.ensure_account(e.email, e.name, claims_for(e), passwords.get(e.email))
        except Exception as error:  # one bad account must not stop the others; reported per row
            log.warning("account sync failed", extra={"nip": e.nip, "error": str(error)})
            outcomes.append(AccountOutcome(nip=e.nip, email=e.email, state=AccountState.FAILED, error=str(error)))
            continue
        state = AccountState.CREATED if created else AccountState.UPDATED
        outcomes.append(AccountOutcome(nip=e.nip, email=e.email, state=state, uid=uid))
    return outcomes
