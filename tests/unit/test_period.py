from datetime import datetime, timezone

import pytest

from common.domain.clock import WIB
from common.domain.period import (
    is_future,
    next_period,
    parse_period,
    period_of,
    previous_period,
    report_deadline,
)


@pytest.mark.parametrize("bad", ["2026-13", "2026-00", "2026-1", "26-10", "2026/10", "", "1999-12", "2026-10-01"])
def test_malformed_periods_are_refused(bad):
    with pytest.raises(ValueError):
        parse_period(bad)


def test_neighbouring_periods_cross_the_year():
    assert next_period("2026-12") == "2027-01"
    assert previous_period("2027-01") == "2026-12"
    assert next_period("2026-03") == "2026-04"


def test_deadline_is_the_end_of_the_fifth_of_the_next_month_in_wib():
    deadline = report_deadline("2026-10", 5)
    assert deadline == datetime(2026, 11, 6, 0, 0, tzinfo=WIB)
    assert report_deadline("2026-12", 5) == datetime(2027, 1, 6, tzinfo=WIB)
    assert report_deadline("2026-10", 10) == datetime(2026, 11, 11, tzinfo=WIB)


def test_period_of_uses_wib_not_utc():
    # 2026-10-31 18:00 UTC is already 1 November in Jakarta.
    assert period_of(datetime(2026, 10, 31, 18, 0, tzinfo=timezone.utc)) == "2026-11"


def test_future_periods():
    now = datetime(2026, 11, 27, 10, tzinfo=WIB)
    assert is_future("2026-12", now)
    assert not is_future("2026-11", now)
    assert not is_future("2025-12", now)
