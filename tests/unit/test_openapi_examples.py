"""Every operation in the OpenAPI document carries an example request and response, recorded
from the real HTTP layer (tools/openapi_examples.py), and each one validates against the schema
the document gives for it: parameters, body and the success response."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from jsonschema.exceptions import ValidationError

from common.api.openapi import DOCUMENT, EXAMPLES

DOC = json.loads(DOCUMENT.read_text(encoding="utf-8"))
OPERATIONS = [(path, method, operation) for path, item in DOC["paths"].items() for method, operation in item.items()]
IDS = [f"{method.upper()} {path}" for path, method, _ in OPERATIONS]


def problems(instance: Any, schema: dict[str, Any]) -> list[str]:
    """Validation errors of an instance against a schema of the document (its $refs resolved in it)."""
    validator = Draft202012Validator({**schema, "components": DOC["components"]}, format_checker=Draft202012Validator.FORMAT_CHECKER)
    return [f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator.iter_errors(instance)]


def success(operation: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    return next((code, r) for code, r in operation["responses"].items() if code.startswith("2"))


def test_the_examples_are_current():
    from tools.openapi_examples import record, render

    assert EXAMPLES.read_text(encoding="utf-8") == render(record()), "docs/openapi-examples.json is stale: run `make openapi`"


@pytest.mark.parametrize("path, method, operation", OPERATIONS, ids=IDS)
def test_each_operation_has_an_example_request_that_fits_its_schemas(path, method, operation):
    for parameter in operation["parameters"]:
        if parameter["in"] == "path" or (parameter["in"] == "query" and parameter["required"]):
            assert "example" in parameter, f"{parameter['name']} has no example"
        if "example" in parameter:
            assert problems(parameter["example"], parameter["schema"]) == [], parameter["name"]
    if "requestBody" in operation:
        media = operation["requestBody"]["content"]["application/json"]
        assert "example" in media, "the body has no example"
        assert problems(media["example"], media["schema"]) == []


@pytest.mark.parametrize("path, method, operation", OPERATIONS, ids=IDS)
def test_each_operation_has_an_example_response_that_fits_its_schema(path, method, operation):
    code, response = success(operation)
    if code == "204":
        assert "content" not in response
        return
    examples = [(media, content) for media, content in response["content"].items() if "example" in content or "examples" in content]
    assert examples, f"the {code} response has no example"
    for media, content in examples:
        if "example" in content:
            assert problems(content["example"], content["schema"]) == [], media
        else:  # a binary download points at the same request on the demo stack
            (download,) = content["examples"].values()
            assert download["externalValue"].startswith(path.split("{")[0])


def test_the_validation_is_strict_enough_to_fail():
    schema = DOC["paths"]["/api/reports"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    example = DOC["paths"]["/api/reports"]["post"]["requestBody"]["content"]["application/json"]["example"]
    assert problems(example, schema) == []
    assert problems({**example, "period": "2026-13"}, schema)
    assert problems({**example, "surprise": 1}, schema)
    response = success(DOC["paths"]["/api/surveys"]["post"])[1]["content"]["application/json"]
    with pytest.raises(ValidationError):
        Draft202012Validator({**response["schema"], "components": DOC["components"]},
                             format_checker=Draft202012Validator.FORMAT_CHECKER).validate({**response["example"], "submitted_at": "yesterday"})


def test_every_response_header_the_story_meets_is_in_the_contract():
    from tools.openapi_examples import CONTRACT_HEADERS, play

    seen = play().headers
    assert "Idempotent-Replayed" in seen[("POST /api/reports", 201)]  # the story retries a submission
    assert "Location" in seen[("POST /api/admin/scoring-runs", 202)] and "ETag" in seen[("GET /api/me/performance", 200)]
    for (key, status), names in seen.items():
        method, path = key.split(" ", 1)
        declared = DOC["paths"][path][method.lower()]["responses"][str(status)].get("headers", {})
        assert names <= set(declared), f"{key} {status} sends {sorted(names - set(declared))} undeclared"
        assert "X-Request-Id" in names
    assert set(DOC["components"]["headers"]) == set(CONTRACT_HEADERS)


@pytest.mark.parametrize("path, method, operation", OPERATIONS, ids=IDS)
def test_error_responses_declare_their_headers(path, method, operation):
    for code, response in operation["responses"].items():
        assert "X-Request-Id" in response["headers"], code
        if code in ("429", "503"):
            assert "Retry-After" in response["headers"], code
