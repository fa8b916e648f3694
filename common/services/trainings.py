"""Training records: ASN record their own, BKPSDM admins anyone's."""

from __future__ import annotations

import hashlib
from datetime import datetime

from pydantic import Field

from common.domain.clock import WIB
from common.domain.errors import Forbidden, Invalid
from common.domain.model import Model
from common.domain.organisation import EmploymentStatus, Role
from common.domain.rules import FindingRule
from common.domain.training import Training, TrainingInput, jp_in_year

from .ports import Caller, UnitOfWork


class TrainingList(Model):
    year: int
    jp: int
    required_jp: int | None = Field(description="the least JP a year the rule asks of me (PNS 20); null when it sets none (PPPK)")
    max_jp: int | None = Field(default=None, description="the most JP a year the rule provides for (PPPK 24)")
    trainings: list[Training]


def record_training(uow: UnitOfWork, caller: Caller, given: TrainingInput, now: datetime, required_jp: int = 20) -> Training:
    nip = given.nip or caller.nip
    if nip is None or (nip != caller.nip and caller.role is not Role.ADMIN):
        raise Forbidden("forbidden")
    if given.end_date > now.astimezone(WIB).date():
        raise Invalid("training_not_finished", details=[{"field": "end_date", "code": "date_in_future"}])
    employee = uow.employees.get(nip)
    if employee is None:
        raise Forbidden("not_an_employee") if nip == caller.nip else Invalid("load_invalid", details=[{"field": "nip", "code": "employee_unknown", "value": nip}])
    # The same training recorded twice (a retried request) is one record.
    key = f"{nip}|{given.title.lower()}|{given.provider.lower()}|{given.start_date}|{given.end_date}"
    training = Training(
        id=hashlib.sha256(key.encode()).hexdigest()[:20],
        nip=nip,
        unit_id=employee.unit_id,
        title=given.title,
        provider=given.provider,
        start_date=given.start_date,
        end_date=given.end_date,
        year=given.end_date.year,
        jp=given.jp,
        certificate_url=given.certificate_url,
        recorded_by=caller.nip or caller.uid,
        recorded_at=now,
    )
    uow.trainings.add(training)
    return training


def my_trainings(uow: UnitOfWork, caller: Caller, year: int, rule: FindingRule | None = None) -> TrainingList:
    """My trainings of the year, against what the rule for my employment status says (PNS or PPPK)."""
    if caller.nip is None:
        raise Forbidden("not_an_employee")
    rule = rule or FindingRule()
    employee = uow.employees.get(caller.nip)
    status = employee.status if employee else EmploymentStatus.PNS
    trainings = uow.trainings.for_nip(caller.nip, year)
    return TrainingList(year=year, jp=jp_in_year(trainings, year), required_jp=rule.training_required(status),
                        max_jp=rule.training_cap(status), trainings=trainings)
