"""Bad input, generated from the committed OpenAPI document (schemathesis), against the
running local stack, anonymously and with a valid token for each role: no 5xx, every
response conforms to the document, every error is the project's JSON error shape.

Bounded for CI (PANTAU_FUZZ_EXAMPLES examples per operation and caller, default 4,
deterministic); `PANTAU_FUZZ_EXAMPLES=200 pytest tests/proof/test_fuzz.py` runs a long one.
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
OPERATIONS = [(path, method.upper()) for path, item in json.loads(DOCUMENT.read_text())["paths"].items() for method in item]


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


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("path, method", OPERATIONS, ids=[f"{m} {p}" for p, m in OPERATIONS])
def test_generated_requests(schema, stack, callers, path, method, role):
    from hypothesis import HealthCheck, Phase, given, settings
    from schemathesis.checks import (
        content_type_conformance,
        not_a_server_error,
        response_schema_conformance,
        status_code_conformance,
    )

    operation = schema[path][method]
    token = callers.tokens[role]
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    # Different senders for each role, so the survey rate limit does not turn every case into 429.
    headers["X-Forwarded-For"] = f"198.18.{ROLES.index(role)}.{abs(hash(path)) % 250}"
    checks = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]

    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None, phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(base_url=stack.api, headers=headers, timeout=30)
        case.validate_response(response, checks=checks)
        check_error_shape(response)

    run()
