"""Working days in Indonesia, for the SP4N-LAPOR! due dates.

A working day is Monday to Friday that is neither a national holiday (libur nasional)
nor cuti bersama. Both come from the ``holidays`` package (python-holidays,
``holidays.Indonesia``: the PUBLIC category is the national holidays, GOVERNMENT the
cuti bersama of each year's SKB 3 Menteri), so nobody types Idul Fitri in each year.
The government's decisions that come after the package's release are added through
settings: extra cuti bersama (``PANTAU_CUTI_BERSAMA``), other days off such as a
regional holiday (``PANTAU_HOLIDAYS``), and days the package lists that were cancelled
(``PANTAU_WORKING_DAYS``). Islamic holidays of years the package has not confirmed are
its estimates; the settings correct them when the government fixes the date.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache


@lru_cache(maxsize=64)
def package_days_off(year: int, cuti_bersama: bool) -> frozenset[date]:
    """National holidays (and, when asked, cuti bersama) of one year, from python-holidays."""
    import holidays  # imported on first use: only the functions that compute due dates pay for it

    categories = (holidays.PUBLIC, holidays.GOVERNMENT) if cuti_bersama else (holidays.PUBLIC,)
    return frozenset(holidays.country_holidays("ID", years=year, categories=categories))


@dataclass(frozen=True)
class WorkingCalendar:
    """The days off, as a container: ``day in calendar`` is True on a holiday or cuti bersama."""

    extra: frozenset[date] = field(default_factory=frozenset)  # cuti bersama and other days off from the settings
    working: frozenset[date] = field(default_factory=frozenset)  # listed by the package, yet working days
    package_cuti_bersama: bool = True

    def __contains__(self, day: object) -> bool:
        if not isinstance(day, date) or day in self.working:
            return False
        return day in self.extra or day in package_days_off(day.year, self.package_cuti_bersama)

    def is_working_day(self, day: date) -> bool:
        return day.weekday() < 5 and day not in self

    def add_working_days(self, start: date, days: int) -> date:
        return add_working_days(start, days, self)


def add_working_days(start: date, days: int, holidays) -> date:
    """The day ``days`` working days after ``start``: weekends and every day ``in holidays`` are skipped."""
    current, left = start, days
    while left > 0:
        current += timedelta(days=1)
        if current.weekday() < 5 and current not in holidays:
            left -= 1
    return current
