"""The one cursor every list pages with: opaque, bound to its list and filters, checked on the way in."""

from __future__ import annotations

import base64
import json
from datetime import date, datetime, timedelta, timezone

import pytest

from common.domain.errors import Invalid
from common.services.paging import Keyset, merged

NEWEST = Keyset("test-newest", tuple[datetime, str])
DUE = Keyset("test-due", tuple[int, date, str])
AT = datetime(2026, 10, 1, 3, 0, tzinfo=timezone.utc)


def _forged(payload) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload).encode()).decode().rstrip("=")


def test_a_cursor_names_the_position_after_the_last_row():
    rows = [(AT - timedelta(minutes=i), f"r{i}") for i in range(5)]
    page, cursor = NEWEST.page(rows[:4], 3, lambda r: r, {"nip": "1"})
    assert page == rows[:3]
    assert NEWEST.decode(cursor, {"nip": "1"}) == rows[2]
    assert NEWEST.page(rows[:3], 3, lambda r: r, {})[1] is None  # nothing past it: the last page
    assert NEWEST.page([], 3, lambda r: r, {}) == ([], None)
    assert NEWEST.decode(None, {}) is None


def test_keys_of_dates_and_ranks_round_trip():
    key = (1, date(2026, 11, 30), "f-1")
    assert DUE.decode(DUE.encode(key, {"status": None}), {"status": None}) == key


@pytest.mark.parametrize("cursor", [
    "not-base64!", "", "AAAA", _forged({"a": 1}), _forged(["test-newest"]), _forged([1, 2, 3]),
    _forged(["test-newest", "another-scope", ["2026-10-01T03:00:00+00:00", "r"]]),
    _forged(["test-newest", None, ["yesterday", "r"]]),
])
def test_anything_not_made_here_is_cursor_invalid(cursor):
    with pytest.raises(Invalid) as raised:
        NEWEST.decode(cursor, {})
    assert raised.value.code == "cursor_invalid" and raised.value.details == [{"field": "cursor", "code": "cursor_invalid"}]


def test_a_naive_moment_in_a_well_formed_cursor_is_refused():
    good = NEWEST.encode((AT, "r"), {})
    name, scope, _ = json.loads(base64.urlsafe_b64decode(good + "=" * (-len(good) % 4)))
    with pytest.raises(Invalid):
        NEWEST.decode(_forged([name, scope, ["2026-10-01T03:00:00", "r"]]), {})
    assert NEWEST.decode(_forged([name, scope, ["2026-10-01T04:00:00+01:00", "r"]]), {}) == (AT, "r")  # a position, nothing more


def test_a_cursor_belongs_to_its_list_and_its_filters():
    cursor = NEWEST.encode((AT, "r"), {"status": "open"})
    with pytest.raises(Invalid):
        NEWEST.decode(cursor, {"status": "closed"})
    with pytest.raises(Invalid):
        Keyset("test-other", tuple[datetime, str]).decode(cursor, {"status": "open"})
    assert NEWEST.decode(cursor, {"status": "open"}) == (AT, "r")


def test_merged_streams_keep_one_copy_in_order():
    mine = [(1, "a"), (3, "c")]
    theirs = [(2, "b"), (3, "c")]
    assert merged([mine, theirs], key_of=lambda r: r, identity=lambda r: r[1]) == [(1, "a"), (2, "b"), (3, "c")]
