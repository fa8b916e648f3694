"""Hostile input gets a clear 4xx in the JSON error shape, never a 5xx: bodies nested too
deeply, ids no record can have, IKM ranges too long; and downloads offered as octet-stream."""

from __future__ import annotations

import json

import pytest

from common.api.http import MAX_JSON_DEPTH, json_depth
from common.domain.ikm import MAX_RANGE_MONTHS, RangeTooLong, months_between
from common.domain.organisation import Role
from tests import factories as f
from tests.unit.test_http_layer import client_for, enrolled, report_body, token


def nested(depth: int) -> str:
    return "[" * depth + "]" * depth


@pytest.mark.parametrize(
    "text, depth",
    [
        ('{"a": [1, {"b": 2}]}', 3),
        ('"[[[["', 0),  # brackets inside a string do not nest
        ('{"a": "\\"[[[", "b": [["\\\\"]]}', 3),  # nor after escaped quotes and backslashes
        (nested(4000), 4000),
        ('[[[{"unterminated', 4),
    ],
)
def test_json_depth_counts_nesting_outside_strings(text, depth):
    assert json_depth(text.encode()) == depth


def test_a_body_nested_two_thousand_deep_is_a_400_not_a_500(deps, org):
    with pytest.raises(RecursionError):  # what the plain parser does with it
        json.loads(nested(2000))
    client = client_for("api_reports", deps)  # its bodies are limited to 4 KiB here
    response = client.post("/api/reports", data=nested(2000), content_type="application/json", headers=token(org[1]))
    assert response.status_code == 400
    error = response.get_json()["error"]
    assert error["code"] == "json_too_deep" and str(MAX_JSON_DEPTH) in error["message"]
    assert deps.uow.state.reports == {}


def test_nesting_just_below_the_limit_reaches_validation(deps, org):
    body = report_body(evidence=json.loads(nested(MAX_JSON_DEPTH - 1)))
    response = client_for("api_reports", deps).post("/api/reports", json=body, headers=token(org[1]))
    assert response.status_code == 422 and response.get_json()["error"]["code"] == "validation_failed"
    one_more = report_body(evidence=json.loads(nested(MAX_JSON_DEPTH)))
    response = client_for("api_reports", deps).post("/api/reports", json=one_more, headers=token(org[1]))
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "json_too_deep"


def test_anonymous_survey_with_a_deep_body_is_a_400(deps):
    response = client_for("api_surveys", deps).post("/api/surveys", data=nested(2000), content_type="application/json")
    assert response.status_code == 400 and response.get_json()["error"]["code"] == "json_too_deep"


@pytest.mark.parametrize("report_id", ["__id__", ".", "..", "a" * 201, "laporan%C3%BC", "-x"])
def test_an_id_no_record_can_have_is_a_404(deps, org, report_id):
    response = client_for("api_reports", deps).get(f"/api/reports/{report_id}", headers=token(org[1]))
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_ranges_of_months_are_bounded():
    assert len(months_between("2015-01", "2024-12")) == MAX_RANGE_MONTHS
    with pytest.raises(RangeTooLong):
        months_between("2014-12", "2024-12")


def test_ikm_over_ten_years_works_and_one_month_more_is_a_422(deps):
    client = client_for("api_ikm", deps)
    ok = client.get("/api/public/units/kel-belawan-1/ikm?from=2015-01&to=2024-12")
    assert ok.status_code == 200, ok.get_json()
    assert len(ok.get_json()["period"]["months"]) == MAX_RANGE_MONTHS
    too_long = client.get("/api/public/units/kel-belawan-1/ikm?from=2014-12&to=2024-12", headers={"Accept-Language": "en"})
    assert too_long.status_code == 422
    error = too_long.get_json()["error"]
    assert error["code"] == "ikm_range_too_long" and "120 months" in error["message"]


@pytest.mark.parametrize("query", ["from=2015-1&to=2024-12", "from=2024-12&to=2015-01", "period=2026-Q5", "from=2026-01", "period=2026&from=2026-01&to=2026-02"])
def test_malformed_ikm_periods_are_422(deps, query):
    response = client_for("api_ikm", deps).get(f"/api/public/units/kel-belawan-1/ikm?{query}")
    assert response.status_code == 422 and response.get_json()["error"]["code"] in {"validation_failed", "ikm_period_invalid"}


def test_a_download_comes_as_its_own_type_or_as_octet_stream_on_request(deps):
    client = client_for("api_exports", deps)
    own = client.get("/api/public/units/kel-belawan-1/skm.pdf?period=2026-10")
    assert own.status_code == 200 and own.headers["Content-Type"] == "application/pdf"
    generic = client.get("/api/public/units/kel-belawan-1/skm.pdf?period=2026-10", headers={"Accept": "application/octet-stream"})
    assert generic.headers["Content-Type"] == "application/octet-stream" and generic.data == own.data
    assert generic.data.startswith(b"%PDF")


IKM, SKM = "/api/public/units/kel-belawan-1/ikm", "/api/public/units/kel-belawan-1/skm"


@pytest.mark.parametrize("module, url", [("api_ikm", f"{IKM}?period="), ("api_ikm", f"{IKM}?from=&to=2026-01"), ("api_ikm", f"{IKM}?from=2026-01&to="),
                                         ("api_exports", f"{SKM}?period="), ("api_exports", f"{SKM}.pdf?period=")])
def test_an_empty_period_is_a_422_not_the_default(deps, module, url):
    """Found by schemathesis (docs/fuzz.md): ?period= answered 200 with this month's report."""
    response = client_for(module, deps).get(url)
    assert response.status_code == 422, response.get_data(as_text=True)[:200]
    assert response.get_json()["error"]["code"] == "ikm_period_invalid"


# Found by `make fuzz` (docs/fuzz.md).

def test_the_last_period_has_a_deadline_and_a_team_view(deps, org):
    from datetime import datetime

    from common.domain.clock import WIB
    from common.domain.period import report_deadline

    assert report_deadline("2100-12", 5) == datetime(2101, 1, 6, tzinfo=WIB)
    boss = org[0]
    response = client_for("api_reports", deps).get("/api/team/reports?period=2100-12", headers=token(boss))
    assert response.status_code == 200, response.get_data(as_text=True)


def test_a_population_beyond_any_office_is_a_422(deps, org):
    admin = f.employee(role=Role.ADMIN)
    enrolled(deps.uow, admin)
    body = {"units": [{"id": "kel-belawan-1", "name": "Kelurahan Belawan I", "population_served": 15681697082864528909139968}]}
    response = client_for("api_admin", deps).put("/api/admin/units", json=body, headers=token(admin))
    assert response.status_code == 422
    assert response.get_json()["error"]["details"][0]["field"] == "units.0.population_served"


def test_a_query_parameter_given_twice_is_a_422(deps):
    admin = f.employee(role=Role.ADMIN)
    enrolled(deps.uow, admin)
    response = client_for("api_admin", deps).get("/api/admin/deliveries?notification_id=a&notification_id=b", headers={**token(admin), "Accept-Language": "en"})
    assert response.status_code == 422
    (detail,) = response.get_json()["error"]["details"]
    assert detail == {"field": "notification_id", "code": "query_repeated", "message": "may be given only once"}


def test_half_a_surrogate_pair_is_refused_and_a_whole_one_is_text(deps, org):
    client = client_for("api_reports", deps)
    lone = json.dumps(report_body(narrative="Melayani warga ")).replace('warga ', 'warga \\ud800')
    response = client.post("/api/reports", data=lone, content_type="application/json", headers=token(org[1]))
    assert response.status_code == 422 and response.get_json()["error"]["details"][0]["field"] == "narrative"
    assert deps.uow.state.reports == {}
    pair = json.dumps(report_body(narrative="Melayani warga 🙂"))  # ensure_ascii writes \ud83d\ude42
    assert "\\ud83d\\ude42" in pair
    assert client.post("/api/reports", data=pair, content_type="application/json", headers=token(org[1])).status_code == 201
