"""The spike rule, SP4N-LAPOR! due dates and the investigation lifecycle."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from common.domain.complaints import (
    ComplaintPicture,
    InvestigationStatus,
    SpikeRule,
    add_working_days,
    due_dates,
    evaluate,
    transition,
)
from common.domain.errors import Conflict, Invalid

NOW = datetime(2026, 11, 20, 3, 0, tzinfo=timezone.utc)
RULE = SpikeRule()


def picture(responses: int, complaints: int, previous: int, senders: int | None = None) -> ComplaintPicture:
    """``complaints`` from ``senders`` different people (each a different person unless said)."""
    start = NOW - timedelta(days=30)
    people = complaints if senders is None else senders
    return evaluate(RULE, ComplaintPicture(unit_id="u", as_of=NOW, window_start=start, responses=responses, complaints=complaints,
                                           senders=people, previous_complaints=previous, previous_senders=previous, counted_from=start,
                                           counted_responses=responses, counted_complaints=complaints, counted_senders=people))


@pytest.mark.parametrize("complaints, senders, spike", [(40, 1, False), (40, 4, False), (40, 9, False), (40, 10, True), (10, 10, True)])
def test_people_are_counted_not_complaints(complaints, senders, spike):
    """One person's complaints count once: forty from four people are four."""
    assert picture(200, complaints, 0, senders).spike is spike


def test_a_share_needs_the_minimum_of_people_too():
    lenient = RULE.model_copy(update={"min_responses_for_share": 8, "min_senders": 5})
    start = NOW - timedelta(days=30)
    few = evaluate(lenient, ComplaintPicture(unit_id="u", as_of=NOW, window_start=start, responses=8, complaints=4, senders=4,
                                             previous_complaints=0, counted_from=start, counted_responses=8, counted_complaints=4,
                                             counted_senders=4))
    assert few.share == 0.5 and not few.spike


@pytest.mark.parametrize(
    "responses, complaints, previous, spike, reason",
    [
        (200, 10, 5, True, "surge"),  # 10 and twice 5
        (200, 10, 6, False, None),  # not twice the previous window
        (200, 9, 0, False, None),  # fewer than 10
        (200, 10, 0, True, "surge"),
        (20, 5, 10, True, "share"),  # 25% of 20
        (19, 5, 10, False, None),  # share, but n under 20
        (20, 4, 10, False, None),  # 20%
    ],
)
def test_spike_rule(responses, complaints, previous, spike, reason):
    result = picture(responses, complaints, previous)
    assert (result.spike, result.reason) == (spike, reason)


def test_the_rule_is_configurable():
    strict = SpikeRule(min_complaints=3, growth_factor=1.0, min_senders=3)
    result = evaluate(strict, ComplaintPicture(unit_id="u", as_of=NOW, window_start=NOW, responses=100, complaints=3, previous_complaints=3,
                                               counted_from=NOW, counted_responses=100, counted_complaints=3, counted_senders=3,
                                               previous_senders=3))
    assert result.spike


def test_working_days_skip_weekends_and_holidays():
    friday = date(2026, 11, 20)
    assert add_working_days(friday, 1, frozenset()) == date(2026, 11, 23)  # Monday
    assert add_working_days(friday, 3, frozenset()) == date(2026, 11, 25)
    assert add_working_days(friday, 1, frozenset({date(2026, 11, 23)})) == date(2026, 11, 24)


def test_sp4n_lapor_due_dates():
    due = due_dates(date(2026, 11, 20), frozenset({date(2026, 12, 25)}))
    assert due.verify_by == date(2026, 11, 25)  # 3 working days
    assert due.follow_up_by == date(2026, 12, 2)  # 5 more
    assert due.close_by == date(2026, 12, 16)  # 10 more


def test_lifecycle(investigation):
    started = transition(investigation, InvestigationStatus.IN_PROGRESS, "insp-1", NOW, "Mulai klarifikasi", None)
    assert started.status is InvestigationStatus.IN_PROGRESS
    with pytest.raises(Invalid):
        transition(started, InvestigationStatus.CLOSED, "insp-1", NOW, None, "  ")
    closed = transition(started, InvestigationStatus.CLOSED, "insp-1", NOW, None, "Kekurangan petugas loket; rekomendasi tambah 1 staf.")
    assert closed.status is InvestigationStatus.CLOSED and closed.findings.startswith("Kekurangan")
    assert [h.status for h in closed.history] == ["in_progress", "closed"]
    with pytest.raises(Conflict):
        transition(closed, InvestigationStatus.OPEN, "insp-1", NOW, None, None)


@pytest.fixture
def investigation():
    from common.domain.complaints import Investigation

    return Investigation(
        id="INV-1", unit_id="u", status=InvestigationStatus.OPEN, opened_at=NOW, reason="surge",
        picture=picture(200, 12, 2), complaints=[], due=due_dates(date(2026, 11, 20), frozenset()),
    )
