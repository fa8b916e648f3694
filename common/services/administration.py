"""BKPSDM's loads: units, employees, supervisor links, SKP plans, and the employees' accounts.

A load is checked as a whole before anything is written: one bad row refuses
the whole file with every problem listed, so a half-loaded organisation never
exists. Writes are upserts, so a load that fails halfway (a network error
between batches) is completed by running it again. Accounts follow the employee
records (common/services/accounts.py): created and invited by the system, never
adopted, never given a password by a load.
"""

from __future__ import annotations

from collections import Counter
from datetime import datetime
from typing import Any

from pydantic import ConfigDict

from common.domain.errors import Invalid
from common.domain.model import Model
from common.domain.nip import Nip
from common.domain.organisation import Employee, Unit
from common.domain.skp import SkpPlan
from common.settings import Settings

from .accounts import AccountOutcome, apply_accounts, plan_accounts
from .ports import AccountDirectory, UnitOfWork


class SupervisorLink(Model):
    model_config = ConfigDict(extra="forbid")

    nip: Nip
    supervisor_nip: Nip | None


class LoadResult(Model):
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


def load_employees(
    uow: UnitOfWork,
    accounts: AccountDirectory,
    settings: Settings,
    employees: list[Employee],
    actor: str,
    reason: str | None,
    now: datetime,
) -> LoadResult:
    """Upsert employees, and make each one's account follow the record (created and
    invited, claims rewritten, sessions revoked, disabled or enabled, e-mail moved).
    An e-mail that belongs to an account the system did not create refuses the load (409)."""
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

    previous = uow.employees.get_many(e.nip for e in employees)
    plans = plan_accounts(uow, accounts, employees, previous)  # 409 before anything is written
    uow.employees.put_many(employees)
    outcomes = apply_accounts(uow, accounts, settings, plans, actor, reason, now)
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
