"""The committed OpenAPI document is generated from the code and must stay current."""

from __future__ import annotations

import json

from common.api.openapi import DOCUMENT, build, render, http_apis


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
