"""ETag and 304 on the views the app polls: a phone on a weak signal does not download the same
view again, sees a change at once, and never gets someone else's view from a cache."""

from __future__ import annotations

import pytest

from tests import factories as f
from tests.unit.test_http_layer import client_for, enrolled, report_body, token


@pytest.fixture
def org(deps):
    boss = f.employee()
    asn, other = f.employee(supervisor=boss.nip), f.employee(supervisor=boss.nip)
    enrolled(deps.uow, boss, asn, other)
    deps.uow.plans.put_many([f.plan(asn.nip), f.plan(other.nip)])
    return boss, asn, other


def _get(client, url, who, tag=None, **headers):
    if tag is not None:
        headers["If-None-Match"] = tag
    return client.get(url, headers={**token(who), **headers})


def test_a_view_held_already_is_304_without_a_body(deps, org):
    client = client_for("api_me", deps)
    first = _get(client, "/api/me/performance?year=2026", org[1])
    assert first.status_code == 200
    tag = first.headers["ETag"]
    assert tag.startswith('W/"') and tag.endswith('"')
    assert first.headers["Cache-Control"] == "private, no-cache"  # a phone may keep it, but asks each time
    assert "Authorization" in first.headers["Vary"]
    again = _get(client, "/api/me/performance?year=2026", org[1], tag)
    assert again.status_code == 304 and again.data == b""
    assert again.headers["ETag"] == tag and again.headers["X-Request-Id"]
    assert _get(client, "/api/me/performance?year=2026", org[1], 'W/"something-else"').status_code == 200


def test_if_none_match_lists_weak_or_strong_forms_and_star(deps, org):
    client = client_for("api_me", deps)
    tag = _get(client, "/api/me/notifications", org[1]).headers["ETag"]
    assert _get(client, "/api/me/notifications", org[1], f'"old", {tag}').status_code == 304
    assert _get(client, "/api/me/notifications", org[1], tag[2:]).status_code == 304  # weak comparison, as for GET
    assert _get(client, "/api/me/notifications", org[1], "*").status_code == 304
    assert client.head("/api/me/notifications", headers={**token(org[1]), "If-None-Match": tag}).status_code == 304


def test_the_tag_changes_when_the_view_does(deps, org):
    boss, asn, _ = org
    me, reports = client_for("api_me", deps), client_for("api_reports", deps)
    mine = _get(me, "/api/me/performance?year=2026", asn).headers["ETag"]
    team = _get(reports, "/api/team/reports?period=2026-10", boss).headers["ETag"]
    assert _get(reports, "/api/team/reports?period=2026-10", boss, team).status_code == 304
    assert reports.post("/api/reports", json=report_body(), headers=token(asn)).status_code == 201
    changed = _get(me, "/api/me/performance?year=2026", asn, mine)
    assert changed.status_code == 200 and changed.headers["ETag"] != mine
    assert next(m for m in changed.get_json()["months"] if m["period"] == "2026-10")["state"] == "submitted"
    review = _get(reports, "/api/team/reports?period=2026-10", boss, team)
    assert review.status_code == 200 and review.headers["ETag"] != team
    assert review.get_json()["counts"]["waiting_review"] == 1


def test_two_people_never_share_a_tag_even_for_the_same_view(deps, org):
    _, asn, other = org
    client = client_for("api_me", deps)
    mine, theirs = _get(client, "/api/me/notifications", asn), _get(client, "/api/me/notifications", other)
    assert mine.get_json() == theirs.get_json()  # both inboxes are empty
    assert mine.headers["ETag"] != theirs.headers["ETag"]
    assert _get(client, "/api/me/notifications", other, mine.headers["ETag"]).status_code == 200


def test_the_language_is_part_of_the_view(deps, org):
    client = client_for("api_me", deps)
    indonesian = _get(client, "/api/me/performance?year=2026", org[1]).headers["ETag"]
    english = _get(client, "/api/me/performance?year=2026", org[1], indonesian, **{"Accept-Language": "en"})
    assert english.status_code == 200 and english.headers["ETag"] != indonesian


def test_errors_are_never_tagged_or_304(deps, org):
    client = client_for("api_me", deps)
    bad = _get(client, "/api/me/performance?year=nope", org[1], "*")
    assert bad.status_code == 422 and "ETag" not in bad.headers
    assert bad.headers["Cache-Control"] == "no-store"
    assert client.get("/api/me/notifications", headers={"If-None-Match": "*"}).status_code == 401
