"""The monthly evaluation period, written YYYY-MM as users say it."""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AfterValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from .clock import WIB

_PERIOD_RE = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


def parse_period(value: str) -> tuple[int, int]:
    match = _PERIOD_RE.match(value) if isinstance(value, str) else None
    if not match or not 2000 <= int(match.group(1)) <= 2100:
        raise ValueError("period must be YYYY-MM")
    return int(match.group(1)), int(match.group(2))


def _validate(value: str) -> str:
    try:
        parse_period(value)
    except ValueError:
        raise PydanticCustomError("period_invalid", "period must be YYYY-MM, e.g. 2026-10") from None
    return value


Period = Annotated[str, AfterValidator(_validate), WithJsonSchema({"type": "string", "pattern": r"^(20\d\d|2100)-(0[1-9]|1[0-2])$", "examples": ["2026-10"]})]
"""A str field that only accepts YYYY-MM with a real month."""


def period_of(moment: datetime, tz: ZoneInfo = WIB) -> str:
    local = moment.astimezone(tz)
    return f"{local.year:04d}-{local.month:02d}"


def next_period(period: str) -> str:
    year, month = parse_period(period)
    return f"{year + month // 12:04d}-{month % 12 + 1:02d}"


def previous_period(period: str) -> str:
    year, month = parse_period(period)
    return f"{year - (month == 1):04d}-{(month - 2) % 12 + 1:02d}"


def period_start(period: str, tz: ZoneInfo = WIB) -> datetime:
    year, month = parse_period(period)
    return datetime.combine(date(year, month, 1), time(0), tzinfo=tz)


def report_deadline(period: str, deadline_day: int, tz: ZoneInfo = WIB) -> datetime:
    """The first instant that is late: the end of ``deadline_day`` of the next month.

    With the default day 5, a report for 2026-10 is on time until
    2026-11-05 23:59:59 WIB and late from 2026-11-06 00:00 WIB.
    """
    year, month = parse_period(period)
    year, month = (year + 1, 1) if month == 12 else (year, month + 1)  # 2100-12, the last period, is due in 2101
    return datetime.combine(date(year, month, deadline_day) + timedelta(days=1), time(0), tzinfo=tz)


def is_future(period: str, now: datetime, tz: ZoneInfo = WIB) -> bool:
    return period > period_of(now, tz)


def last_day(period: str) -> date:
    """The period's last day (WIB): what happened by then counts for it."""
    year, month = parse_period(period)
    return (date(year + month // 12, month % 12 + 1, 1)) - timedelta(days=1)


def periods_of_year(year: int) -> list[str]:
    return [f"{year:04d}-{month:02d}" for month in range(1, 13)]


def year_of(period: str) -> int:
    return parse_period(period)[0]
