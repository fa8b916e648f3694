"""Time in the users' zone, from one clock. Belawan runs on WIB (Asia/Jakarta, UTC+7, no DST).

Every "now" in the system comes from the one clock of its process: the services get
``now`` as an argument from their entrypoint, which reads it here, and what has no
argument to take it (the NIP's "birth date not in the future") reads it here too.
The clock is the real time plus an offset: 0 in production; the local stack and the
tests may set one (``PANTAU_NOW``) to live on another day, e.g. the 1st of January
at 00:05 WIB, and every process of the stack then shares that same offset.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

WIB = ZoneInfo("Asia/Jakarta")


@dataclass(frozen=True)
class Clock:
    offset_seconds: float = 0.0

    def now(self) -> datetime:
        """An aware UTC instant."""
        return datetime.now(timezone.utc) + timedelta(seconds=self.offset_seconds)

    def today(self) -> date:
        """Today in WIB: what day it is in Belawan, whatever zone the machine is in."""
        return self.now().astimezone(WIB).date()

    @classmethod
    def starting_at(cls, moment: datetime) -> "Clock":
        """A clock that reads ``moment`` now and runs on from there."""
        if moment.tzinfo is None:
            raise ValueError("the clock's start needs a time zone, e.g. 2027-01-01T00:05:00+07:00")
        return cls((moment - datetime.now(timezone.utc)).total_seconds())


_clock = Clock()


def install(clock: Clock) -> None:
    """Make ``clock`` this process's clock (at start-up, from the settings)."""
    global _clock
    _clock = clock


def current() -> Clock:
    return _clock


def utcnow() -> datetime:
    return _clock.now()


def today_wib() -> date:
    return _clock.today()
