"""NIP, the 18-digit identity of an ASN.

Layout (DOMAIN.md): birth date YYYYMMDD, TMT (start of service) YYYYMM, a
gender digit (1 male, 2 female), a 3-digit sequence. A NIP whose dates are
impossible is invalid: a calendar date that does not exist, a birth date or
TMT in the future, or a TMT before the 18th birthday (the legal minimum age
for appointment, PP 11/2017 art. 23).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated

from pydantic import AfterValidator
from pydantic_core import PydanticCustomError

from .clock import today_wib

MINIMUM_AGE_AT_TMT = 18
_NIP_RE = re.compile(r"^\d{18}$")


class InvalidNip(ValueError):
    """Raised with a reason code (format, birth_date, tmt_month, birth_future,
    tmt_future, tmt_before_18, gender) that messages translate."""

    def __init__(self, reason: str) -> None:
        self.reason = reason
        super().__init__(f"invalid NIP: {reason}")


@dataclass(frozen=True)
class NipInfo:
    nip: str
    birth_date: date
    tmt_year: int
    tmt_month: int
    gender: str  # "L" or "P"
    sequence: int


def parse_nip(value: str, today: date | None = None) -> NipInfo:
    today = today or today_wib()
    if not isinstance(value, str) or not _NIP_RE.match(value):
        raise InvalidNip("format")
    try:
        birth = date(int(value[0:4]), int(value[4:6]), int(value[6:8]))
    except ValueError:
        raise InvalidNip("birth_date") from None
    tmt_year, tmt_month = int(value[8:12]), int(value[12:14])
    if not 1 <= tmt_month <= 12:
        raise InvalidNip("tmt_month")
    if birth > today:
        raise InvalidNip("birth_future")
    if (tmt_year, tmt_month) > (today.year, today.month):
        raise InvalidNip("tmt_future")
    if (tmt_year, tmt_month) < (birth.year + MINIMUM_AGE_AT_TMT, birth.month):
        raise InvalidNip("tmt_before_18")
    gender_digit = value[14]
    if gender_digit not in "12":
        raise InvalidNip("gender")
    return NipInfo(
        nip=value,
        birth_date=birth,
        tmt_year=tmt_year,
        tmt_month=tmt_month,
        gender="L" if gender_digit == "1" else "P",
        sequence=int(value[15:18]),
    )


def _validate(value: str) -> str:
    try:
        parse_nip(value)
    except InvalidNip as error:
        raise PydanticCustomError(
            "nip_invalid", "invalid NIP: {reason}", {"reason": error.reason}
        ) from None
    return value


Nip = Annotated[str, AfterValidator(_validate)]
"""A str field that only accepts a valid NIP."""
