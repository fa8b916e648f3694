"""HTTP: the OpenAPI document, served from the committed file (no model imports at cold start).

Hosting also sends every /api/... path that no other function serves here, so a
mistyped address gets the JSON 404 every other error has, not an HTML page."""

from __future__ import annotations

from pathlib import Path

import functions_framework

from common.api.http import Api, Call, Reply, Route

OPENAPI_PATH = Path(__file__).resolve().parent.parent / "docs" / "openapi.json"
_document: bytes | None = None


def openapi(call: Call) -> Reply:
    import json

    global _document
    if _document is None:
        _document = OPENAPI_PATH.read_bytes()
    return Reply(json.loads(_document), 200, {"Cache-Control": "public, max-age=300"})


api = Api(
    "api_docs",
    [Route("GET", "/api/openapi.json", openapi, "This API's OpenAPI 3.1 document",
    operation_id="getOpenApiDocument", auth=False, tags=("docs",))],
)


@functions_framework.http
def api_docs(request):
    return api.handle(request)
