"""Offices (unit kerja) and the people who work in them."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import ConfigDict, Field

from .model import Model
from .nip import Nip

# A plain pattern rather than email-validator: the address only has to be
# usable as a Firebase Auth login, and the extra dependency costs cold start.
Email = Annotated[str, Field(pattern=r"^[^@\s]+@[^@\s]+\.[^@\s]+$", max_length=254)]

UnitId = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$", examples=["kel-belawan-1"])]


class Role(StrEnum):
    """Access role carried in the Firebase custom claims.

    Being a supervisor (atasan) or a unit head is not a role: it follows from
    the data (supervisor links, the unit's head) and is checked there.
    """

    ASN = "asn"
    ADMIN = "admin"  # BKPSDM
    INSPEKTORAT = "inspektorat"


class Language(StrEnum):
    ID = "id"
    EN = "en"


class EmploymentStatus(StrEnum):
    PNS = "PNS"
    PPPK = "PPPK"


class FunctionalLevel(StrEnum):
    """Jenjang jabatan fungsional, with the annual angka kredit coefficient (PermenPANRB 1/2023)."""

    PEMULA = "pemula"
    TERAMPIL = "terampil"
    MAHIR = "mahir"
    PENYELIA = "penyelia"
    AHLI_PERTAMA = "ahli_pertama"
    AHLI_MUDA = "ahli_muda"
    AHLI_MADYA = "ahli_madya"
    AHLI_UTAMA = "ahli_utama"


class ServiceType(Model):
    """A service (jenis layanan) in a unit's catalogue."""

    model_config = ConfigDict(extra="forbid")

    id: Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{1,39}$", examples=["sk-domisili"])]
    name: str = Field(min_length=3, max_length=200)
    standard_days: int = Field(ge=0, le=365, description="service standard time in working days")


class Unit(Model):
    model_config = ConfigDict(extra="forbid")

    id: UnitId
    name: str = Field(min_length=3, max_length=200)
    kind: str = Field(default="kelurahan", max_length=40, description="kecamatan, kelurahan, badan, ...")
    parent_id: UnitId | None = None
    head_nip: Nip | None = None
    services: list[ServiceType] = Field(default_factory=list, max_length=100, description="the catalogue of services (jenis layanan)")
    population_served: int | None = Field(
        default=None, ge=1, le=100_000_000, description="people served per year; sets the Krejcie-Morgan sample size of the survey"
    )


class Employee(Model):
    model_config = ConfigDict(extra="forbid")

    nip: Nip
    name: str = Field(min_length=2, max_length=200)
    email: Email | None = None
    unit_id: UnitId
    supervisor_nip: Nip | None = None
    jabatan: str = Field(default="", max_length=200, description="position title")
    status: EmploymentStatus = EmploymentStatus.PNS
    functional_level: FunctionalLevel | None = Field(
        default=None, description="jenjang of a functional position (jabatan fungsional), for angka kredit; none for others")
    role: Role = Role.ASN
    language: Language = Language.ID
    active: bool = True


OVERSIGHT = frozenset({Role.ADMIN, Role.INSPEKTORAT})  # BKPSDM and the inspectorate see every unit


def supervises(supervisor_nip: str | None, supervisor_unit: str | None, employee: Employee, employee_unit: Unit | None) -> bool:
    """Whether someone is, right now, the atasan of ``employee``.

    The supervisor link names them, and they still work where the link makes sense: in the
    employee's unit, or in the unit above it (the camat supervises the lurah). Someone moved
    to another unit stops supervising the staff they left, even before BKPSDM relinks them.
    """
    if supervisor_nip is None or employee.supervisor_nip != supervisor_nip:
        return False
    return supervisor_unit == employee.unit_id or (employee_unit is not None and employee_unit.parent_id == supervisor_unit)


def heads(unit: Unit, nip: str | None, unit_of_person: str | None) -> bool:
    """Whether the person heads ``unit`` now: named as its head, and still working there."""
    return nip is not None and unit.head_nip == nip and unit_of_person == unit.id
