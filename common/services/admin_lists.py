"""BKPSDM's lists of units, employees and delivery records, a page at a time."""

from __future__ import annotations

from pydantic import Field

from common.domain.errors import Invalid
from common.domain.model import Model
from common.domain.notifications import Delivery
from common.domain.organisation import Employee, Unit

from .paging import NEXT_CURSOR, Keyset
from .ports import UnitOfWork

UNITS = Keyset("units", tuple[str])  # by id
EMPLOYEES = Keyset("employees", tuple[str, str])  # by name, then NIP
DELIVERIES = Keyset("deliveries", tuple[str])  # by id: notification, person, channel


class UnitList(Model):
    units: list[Unit] = Field(description="by id")
    next_cursor: str | None = Field(default=None, description=NEXT_CURSOR)


class EmployeeList(Model):
    employees: list[Employee] = Field(description="by name, then NIP")
    next_cursor: str | None = Field(default=None, description=NEXT_CURSOR)


class DeliveryList(Model):
    deliveries: list[Delivery] = Field(description="by id: notification, person, channel")
    next_cursor: str | None = Field(default=None, description=NEXT_CURSOR)


def units(uow: UnitOfWork, limit: int, cursor: str | None) -> UnitList:
    after = UNITS.decode(cursor, {})
    rows = uow.units.page(limit + 1, after[0] if after else None)
    page, next_cursor = UNITS.page(rows, limit, lambda u: (u.id,), {})
    return UnitList(units=page, next_cursor=next_cursor)


def employees(uow: UnitOfWork, unit_id: str, limit: int, cursor: str | None) -> EmployeeList:
    filters = {"unit_id": unit_id}
    rows = uow.employees.in_unit_by_name(unit_id, limit + 1, EMPLOYEES.decode(cursor, filters))
    page, next_cursor = EMPLOYEES.page(rows, limit, lambda e: (e.name, e.nip), filters)
    return EmployeeList(employees=page, next_cursor=next_cursor)


def deliveries(uow: UnitOfWork, notification_id: str | None, nip: str | None, limit: int, cursor: str | None) -> DeliveryList:
    if not (notification_id or nip):
        raise Invalid("delivery_filter_required", details=[{"field": "notification_id", "code": "missing"}])
    filters = {"notification_id": notification_id, "nip": nip}
    after = DELIVERIES.decode(cursor, filters)
    rows = uow.notifications.deliveries(notification_id=notification_id, nip=nip, limit=limit + 1, after=after[0] if after else None)
    page, next_cursor = DELIVERIES.page(rows, limit, lambda d: (d.id,), filters)
    return DeliveryList(deliveries=page, next_cursor=next_cursor)
