"""Builds a small organisation in the test stack and signs its people in.

Each call makes a fresh unit with fresh NIPs, so tests never see each other's data.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from common.domain.organisation import Employee, Role
from common.services import administration
from tests import factories as f
from tools.client import Api, sign_in
from tools.enrol import enrol

PASSWORD = "Rahasia-Uji-2026"


@dataclass
class Member:
    employee: Employee
    api: Api
    token: str

    @property
    def nip(self) -> str:
        return self.employee.nip


@dataclass
class Org:
    unit_id: str
    boss: Member
    team: list[Member]
    admin: Member
    others: dict[str, Member] = field(default_factory=dict)


def _member(stack, employee: Employee, language: str | None = None) -> Member:
    token = sign_in(stack.auth, employee.email, PASSWORD)
    return Member(employee, Api(stack.api, token, language), token)


def make_org(stack, uow, accounts, unique: str, size: int = 3) -> Org:
    """A unit with a supervisor, ``size`` subordinates with SKP plans for this
    year and last year (so tests may use any recent period), and an admin."""
    year = stack.clock().today().year
    unit_id = f"kel-uji-{unique}"
    administration.load_units(uow, [f.unit(unit_id)])
    boss = f.employee(unit_id, email=f"atasan.{unique}@uji.example")
    team = [f.employee(unit_id, supervisor=boss.nip, email=f"asn{i}.{unique}@uji.example") for i in range(size)]
    admin = f.employee(unit_id, role=Role.ADMIN, email=f"admin.{unique}@uji.example")
    everyone = [boss, *team, admin]
    enrol(stack, uow, everyone, PASSWORD, actor="uji", reason="test organisation")
    administration.load_plans(uow, [f.plan(e.nip, y) for e in [boss, *team] for y in (year - 1, year)])
    return Org(
        unit_id=unit_id,
        boss=_member(stack, boss),
        team=[_member(stack, e) for e in team],
        admin=_member(stack, admin),
    )
