"""HTTP: BKPSDM administration of units, employees, supervisor links and SKP plans."""

from __future__ import annotations

from typing import Annotated, Callable

import functions_framework
from pydantic import AwareDatetime, ConfigDict, Field, StringConstraints

from common.api.http import Api, Call, Reply, Route
from common.domain.errors import Conflict, Invalid
from common.domain.model import Model
from common.domain.nip import Nip
from common.domain.organisation import OVERSIGHT, Employee, Role, Unit, UnitId
from common.domain.skp import SkpPlan
from common.services import accounts, admin_lists, administration
from common.services.accounts import AuditPage, InvitationResult
from common.services.admin_lists import DeliveryList, EmployeeList, UnitList
from common.services.administration import LoadResult, SupervisorLink
from common.services.paging import CursorParam

ADMIN = frozenset({Role.ADMIN})
LOAD_ERRORS = (400, 401, 403, 413, 415, 422)
Reason = Annotated[str, StringConstraints(strip_whitespace=True, min_length=3, max_length=500)]


class UnitsBody(Model):
    model_config = ConfigDict(extra="forbid")
    units: list[Unit] = Field(min_length=1, max_length=500)


class EmployeesBody(Model):
    model_config = ConfigDict(extra="forbid")
    employees: list[Employee] = Field(min_length=1, max_length=500)
    reason: Reason | None = Field(default=None, description="why, for the audit log (e.g. the decree: SK Wali Kota No. ...)")


class InvitationBody(Model):
    model_config = ConfigDict(extra="forbid")
    reason: Reason = Field(description="why, for the audit log (e.g. the first link expired)")


class AuditQuery(Model):
    model_config = ConfigDict(extra="forbid")
    nip: Nip | None = Field(default=None, description="entries about this person only")
    since: AwareDatetime | None = Field(default=None, description="from this moment on (ISO 8601 with its zone)")
    limit: int = Field(default=50, ge=1, le=200)
    cursor: CursorParam = None


class SupervisorsBody(Model):
    model_config = ConfigDict(extra="forbid")
    links: list[SupervisorLink] = Field(min_length=1, max_length=500)


class PlansBody(Model):
    model_config = ConfigDict(extra="forbid")
    plans: list[SkpPlan] = Field(min_length=1, max_length=500)


class EmployeesQuery(Model):
    model_config = ConfigDict(extra="forbid")
    unit_id: UnitId
    limit: int = Field(default=200, ge=1, le=500)
    cursor: CursorParam = None


class UnitsQuery(Model):
    model_config = ConfigDict(extra="forbid")
    limit: int = Field(default=200, ge=1, le=500)
    cursor: CursorParam = None


def _within(key: str, work: Callable[[], LoadResult]) -> LoadResult:
    """Name problems by their place in the body (employees.3.unit_id), like schema errors."""
    try:
        return work()
    except (Invalid, Conflict) as error:
        for detail in error.details:
            detail["field"] = f"{key}.{detail['field']}"
        raise


class DeliveryQuery(Model):
    model_config = ConfigDict(extra="forbid")
    notification_id: str | None = Field(default=None, max_length=300)
    nip: str | None = Field(default=None, max_length=18)
    limit: int = Field(default=100, ge=1, le=500)
    cursor: CursorParam = None


def list_deliveries(call: Call) -> DeliveryList:
    q = call.query
    return admin_lists.deliveries(call.deps.uow, q.notification_id, q.nip, q.limit, q.cursor)


def list_units(call: Call) -> UnitList:
    return admin_lists.units(call.deps.uow, call.query.limit, call.query.cursor)


def put_units(call: Call) -> LoadResult:
    return _within("units", lambda: administration.load_units(call.deps.uow, call.body.units))


def list_employees(call: Call) -> EmployeeList:
    q = call.query
    return admin_lists.employees(call.deps.uow, q.unit_id, q.limit, q.cursor)


def put_employees(call: Call) -> LoadResult:
    d = call.deps
    return _within("employees", lambda: administration.load_employees(
        d.uow, d.accounts, d.settings, call.body.employees, _actor(call), call.body.reason, d.now(),
    ))


def _actor(call: Call) -> str:
    return call.caller.nip or call.caller.uid


def resend_invitation(call: Call) -> Reply:
    result = accounts.resend_invitation(call.deps.uow, _actor(call), call.path["nip"], call.body.reason, call.deps.now())
    return Reply(result, 202)


def read_audit(call: Call) -> AuditPage:
    q = call.query
    return accounts.read_audit(call.deps.uow, q.nip, q.since, q.limit, q.cursor)


def put_supervisors(call: Call) -> LoadResult:
    return _within("links", lambda: administration.set_supervisors(call.deps.uow, call.body.links))


def put_plans(call: Call) -> LoadResult:
    return _within("plans", lambda: administration.load_plans(call.deps.uow, call.body.plans))


_PAGED = "A page at a time: limit, then the next_cursor of each page as cursor, until it is null."
_LOAD_NOTE = " The whole body is checked first: any bad row refuses all of it (422, every problem listed). Upserts: safe to repeat."

api = Api(
    "api_admin",
    [
        Route("GET", "/api/admin/units", list_units, "List units",
              operation_id="listUnits", query=UnitsQuery, response=UnitList, roles=ADMIN, errors=(401, 403, 422), tags=("admin",),
              description=_PAGED),
        Route(
            "PUT", "/api/admin/units", put_units, "Create or update units", operation_id="putUnits", body=UnitsBody, response=LoadResult,
            roles=ADMIN, errors=LOAD_ERRORS, tags=("admin",), description="Up to 500 units." + _LOAD_NOTE,
        ),
        Route(
            "GET", "/api/admin/employees", list_employees, "List a unit's employees", operation_id="listEmployees", query=EmployeesQuery,
            response=EmployeeList, roles=ADMIN, errors=(401, 403, 422), tags=("admin",), description=_PAGED,
        ),
        Route(
            "PUT", "/api/admin/employees", put_employees, "Create or update employees and their accounts", operation_id="putEmployees",
            body=EmployeesBody, response=LoadResult, roles=ADMIN, errors=(*LOAD_ERRORS, 409), tags=("admin",),
            description="Up to 500 employees. NIPs are validated; units and supervisors must exist; supervisor "
            "chains may not loop. Each employee with an e-mail gets an account the system creates, without a "
            "password, and an invitation e-mail to set one; an e-mail that belongs to an account the system did not "
            "create refuses the whole body (409). A changed role, unit or NIP rewrites the account's claims and "
            "revokes its sessions; active: false disables it. Every change is in the audit log." + _LOAD_NOTE,
        ),
        Route(
            "PUT", "/api/admin/supervisors", put_supervisors, "Set supervisor links", operation_id="putSupervisors", body=SupervisorsBody,
            response=LoadResult, roles=ADMIN, errors=LOAD_ERRORS, tags=("admin",), description=_LOAD_NOTE.strip(),
        ),
        Route(
            "PUT", "/api/admin/skp", put_plans, "Create or replace SKP plans",
            operation_id="putSkpPlans", body=PlansBody, response=LoadResult,
            roles=ADMIN, errors=LOAD_ERRORS, tags=("admin",),
            description="One plan per NIP and year; indicators have an aspect, a monthly target, a unit and a direction." + _LOAD_NOTE,
        ),
        Route(
            "POST", "/api/admin/employees/{nip}/invitation", resend_invitation, "Send an employee a new invitation",
            operation_id="resendInvitation",
            body=InvitationBody, response=InvitationResult, status=202, roles=ADMIN,
            errors=(400, 401, 403, 404, 409, 413, 415, 422), tags=("admin",),
            description="A new one-time link to set the password, e-mailed in the person's language (the last one stops "
            "being sent). For someone whose link expired or never arrived. Audited.",
        ),
        Route(
            "GET", "/api/admin/audit", read_audit, "The audit log: every grant and decision about a person",
            operation_id="listAuditEntries",
            query=AuditQuery, response=AuditPage, roles=frozenset(OVERSIGHT), errors=(401, 403, 422), tags=("admin",),
            description="Newest first: accounts created, invited, role or unit changed, deactivated, re-activated, sessions "
            "revoked, and every scoring step, with actor, time, reason, before and after. For BKPSDM and the inspectorate. " + _PAGED,
        ),
        Route(
            "GET", "/api/admin/deliveries", list_deliveries, "Delivery records of notifications",
            operation_id="listDeliveries", query=DeliveryQuery,
            response=DeliveryList, roles=ADMIN, errors=(401, 403, 422), tags=("admin",),
            description="Per person, notification and channel: status, reason and every attempt. Filter by notification_id or nip. "
            + _PAGED,
        ),
    ],
)


@functions_framework.http
def api_admin(request):
    return api.handle(request)
