"""Bad input, generated from the committed OpenAPI document (schemathesis), against the
running local stack, anonymously and with a valid token for each role, with data that fits the
document (positive) and data that breaks it (negative): no 5xx; every status, content type,
header and body is one the document declares for that operation; data the document forbids is
refused with a 4xx; every error is the project's JSON error shape.

Bounded for CI (PANTAU_FUZZ_EXAMPLES examples per operation, caller and mode, default 4,
deterministic); `make fuzz` runs a long one (docs/fuzz.md says what it found).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
DOCUMENT = ROOT / "docs" / "openapi.json"
EXAMPLES = int(os.environ.get("PANTAU_FUZZ_EXAMPLES", "4"))
ROLES = ["anonymous", "asn", "supervisor", "admin", "inspektorat"]
PATHS = json.loads(DOCUMENT.read_text())["paths"]


def _negatable(operation: dict, role: str) -> bool:
    """Whether any input can break the document: a body, a constrained path or query parameter,
    or, for the anonymous caller, the missing token. (The others' tokens are given to the
    generator, so it never drops them; GET /api/openapi.json takes any request.)"""
    constrained = [p for p in operation["parameters"] if p["in"] in ("path", "query") or p["schema"] != {"type": "string"}]
    return bool(operation.get("requestBody") or constrained or (operation.get("security") and role == "anonymous"))


CASES = [(path, method.upper(), mode, role) for path, item in PATHS.items() for method, operation in item.items()
         for mode in ("positive", "negative") for role in ROLES if mode == "positive" or _negatable(operation, role)]


@pytest.fixture(scope="session")
def schema():
    import schemathesis

    return schemathesis.openapi.from_path(str(DOCUMENT))


def check_error_shape(response) -> None:
    if response.status_code < 400:
        return
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message", "details", "request_id"}, body
    assert isinstance(body["error"]["details"], list) and body["error"]["message"]
    headers = {k.lower(): v for k, v in response.headers.items()}
    request_id = headers["x-request-id"]
    request_id = request_id[0] if isinstance(request_id, list) else request_id
    assert body["error"]["request_id"] == request_id


@pytest.mark.parametrize("path, method, mode, role", CASES, ids=[f"{m} {p} {mode}-{role}" for p, m, mode, role in CASES])
def test_generated_requests(schema, stack, callers, path, method, mode, role):
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis import GenerationMode
    from schemathesis.checks import not_a_server_error
    from schemathesis.specs.openapi.checks import (
        content_type_conformance,
        negative_data_rejection,
        response_headers_conformance,
        response_schema_conformance,
        status_code_conformance,
    )

    operation = schema[path][method]
    token = callers.tokens[role]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    # Different senders for each role, so the survey rate limit does not turn every case into 429.
    headers["X-Forwarded-For"] = f"198.18.{ROLES.index(role)}.{abs(hash(path)) % 250}"
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
              response_schema_conformance]
    if mode == "negative":
        checks.append(negative_data_rejection)
    generation = GenerationMode.POSITIVE if mode == "positive" else GenerationMode.NEGATIVE

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=generation, headers=headers))  # ours, never negated
    def run(case):
        response = case.call(base_url=stack.api, timeout=30)
        case.validate_response(response, checks=checks)
        check_error_shape(response)

    run()
