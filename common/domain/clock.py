"""Time in the users' zone. Belawan runs on WIB (Asia/Jakarta, UTC+7, no DST)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def today_wib() -> date:
    return datetime.now(WIB).date()
