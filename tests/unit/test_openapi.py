"""The committed OpenAPI document is generated from the code and must stay current."""

from __future__ import annotations

import json

from common.api.openapi import DOCUMENT, render
from tools.openapi import document as build
from tools.openapi import http_apis


def test_the_committed_document_is_current():
    assert DOCUMENT.read_text(encoding="utf-8") == render(build()), "docs/openapi.json is stale: run `make openapi`"


def test_every_route_is_documented_with_the_error_shape():
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    assert document["openapi"].startswith("3.1")
    for api in http_apis():
        for route in api.routes:
            operation = document["paths"][route.path][route.method.lower()]
            assert str(route.status) in operation["responses"]
            errors = {code: r for code, r in operation["responses"].items() if code.startswith(("4", "5"))}
            assert errors, route.path
            for response in errors.values():
                assert response["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/ErrorBody"}
            if route.auth:
                assert operation["security"] == [{"firebase": []}] and "401" in operation["responses"]
            if route.idempotent:
                assert any(p["name"] == "Idempotency-Key" for p in operation["parameters"])


def test_request_schemas_carry_the_validation_rules():
    schemas = json.loads(DOCUMENT.read_text(encoding="utf-8"))["components"]["schemas"]
    submit = schemas["SubmitReportBody"]
    assert set(submit["required"]) >= {"period", "realisasi", "narrative"}
    assert submit["additionalProperties"] is False
    assert schemas["ReviewInput"]["properties"]["perilaku"]["propertyNames"] == {"$ref": "#/components/schemas/BerAkhlak"}


def test_the_document_is_valid_and_every_ref_resolves():
    from common.api.openapi import problems_of

    assert problems_of(json.loads(DOCUMENT.read_text(encoding="utf-8"))) == []


def test_a_dangling_ref_is_reported():
    from common.api.openapi import problems_of

    document = build()
    parameter = document["paths"]["/api/findings"]["get"]["parameters"][0]
    parameter["schema"] = {"$ref": "#/$defs/FindingStatus"}
    assert problems_of(document) == ["unresolved $ref #/$defs/FindingStatus"]


def test_query_parameters_refer_to_components():
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    weights = next(p for p in document["paths"]["/api/public/units/{unit_id}/ikm"]["get"]["parameters"] if p["name"] == "weights")
    assert weights["schema"]["$ref"] == "#/components/schemas/Weights"
    assert document["components"]["schemas"]["Weights"]["enum"] == ["exact", "rounded", "rounded2"]
    assert "IkmQuery" not in document["components"]["schemas"]  # a query model is its parameters, not a schema


def test_downloads_are_binary_in_their_own_type_or_as_octet_stream():
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    for path, media in (("/api/public/units/{unit_id}/skm.pdf", "application/pdf"), ("/api/team/results.csv", "text/csv"),
                        ("/api/units/{unit_id}/results.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")):
        content = document["paths"][path]["get"]["responses"]["200"]["content"]
        assert list(content) == ["application/octet-stream", media]
        assert all(c["schema"]["format"] == "binary" and c["schema"]["contentMediaType"] == media for c in content.values())


def test_each_route_declares_its_own_readable_operation_id():
    import re

    routes = [route for api in http_apis() for route in api.routes]
    ids = [route.operation_id for route in routes]
    assert len(set(ids)) == len(ids) == len(routes)
    assert all(re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)+", i) for i in ids), [i for i in ids if not re.fullmatch(r"[a-z]+(?:[A-Z][a-z0-9]*)+", i)]
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    assert document["paths"]["/api/reports"]["post"]["operationId"] == "submitReport"
    assert {op["operationId"] for item in document["paths"].values() for op in item.values()} == set(ids)


def test_a_route_without_an_operation_id_or_with_a_taken_one_is_refused():
    import pytest

    from common.api.http import Api, Route
    from common.api.openapi import build

    def handler(call):
        return {}

    with pytest.raises(ValueError, match="missing"):
        build([Api("x", [Route("GET", "/api/x", handler, "X")])])
    with pytest.raises(ValueError, match="repeated"):
        build([Api("x", [Route("GET", "/api/x", handler, "X", operation_id="getX"), Route("PUT", "/api/x", handler, "X", operation_id="getX")])])
    with pytest.raises(ValueError, match="undescribed"):
        build([Api("x", [Route("GET", "/api/x", handler, "X", operation_id="getX", headers=("X-Secret",))])])


def test_the_polled_views_document_etag_and_304():
    document = json.loads(DOCUMENT.read_text(encoding="utf-8"))
    for path in ("/api/me/performance", "/api/me/notifications", "/api/team/reports"):
        operation = document["paths"][path]["get"]
        assert "ETag" in operation["responses"]["200"]["headers"] and "ETag" in operation["responses"]["304"]["headers"]
        assert any(p["name"] == "If-None-Match" and p["in"] == "header" for p in operation["parameters"])
    assert "Location" in document["paths"]["/api/admin/scoring-runs"]["post"]["responses"]["202"]["headers"]
