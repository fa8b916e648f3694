"""Builds the OpenAPI 3.1 document from the routes and their pydantic models.

The routes come from the caller: tools/openapi.py collects them from functions/catalog.py and
writes or checks docs/openapi.json (``python -m tools.openapi --write``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field
from pydantic.json_schema import JsonSchemaMode, models_json_schema

from common.domain.model import Model

from .http import MAX_JSON_DEPTH, PATH_ID_PATTERN, Api, Route

DOCUMENT = Path(__file__).resolve().parents[2] / "docs" / "openapi.json"
EXAMPLES = DOCUMENT.parent / "openapi-examples.json"  # recorded by tools/openapi_examples.py
VERSION = "1.0.0"

STATUS_TEXT = {
    400: f"Malformed request: body is not JSON, nests arrays and objects deeper than {MAX_JSON_DEPTH} levels, or a header is invalid",
    401: "Missing, invalid or expired Firebase ID token",
    403: "Signed in, but not allowed (wrong role, or someone else's data)",
    404: "Not found, or not yours to see (also for an id in the path that no record can have)",
    405: "Method not allowed here",
    409: "Conflicts with the current state (e.g. the report is already accepted)",
    413: "Body too large",
    415: "Body is not JSON",
    422: "Validation failed: details lists each bad field",
    429: "Too many requests from this sender; retry after the Retry-After seconds",
    503: "Temporarily unavailable; retry after the Retry-After seconds. Nothing was written.",
    500: "Unexpected error; nothing to fix on the client side. Quote request_id.",
}


# The response headers the API sends, described once and referred to from each response.
HEADERS: dict[str, dict[str, Any]] = {
    "X-Request-Id": {
        "description": "this request's id: the X-Request-Id sent (8-64 of A-Z a-z 0-9 . _ -), else the trace id or a new one; "
        "in every log line of the request and in an error body's request_id",
        "schema": {"type": "string"},
    },
    "Retry-After": {"description": "seconds to wait before trying again", "schema": {"type": "integer", "minimum": 1}},
    "Idempotent-Replayed": {
        "description": "true when this is the first result of an earlier request with the same key (Idempotency-Key, or a "
        "survey's client_key) sent again; nothing new was written. Absent otherwise.",
        "schema": {"type": "string", "enum": ["true"]},
    },
    "ETag": {
        "description": "a weak validator of this caller's view in this language; send it back in If-None-Match and get 304 "
        "with no body while the view is unchanged. It differs between callers.",
        "schema": {"type": "string", "pattern": '^W/"[A-Za-z0-9_-]+"$'},
    },
    "Location": {"description": "where to follow what was started", "schema": {"type": "string", "format": "uri-reference"}},
}
CONDITIONAL = "304"


class ErrorDetail(Model):
    field: str = Field(description="dotted path of the bad field, e.g. realisasi.0.value; '' when not about one field")
    code: str = Field(description="machine-readable reason")
    message: str = Field(description="what is wrong, in the negotiated language")
    value: Any | None = Field(default=None, description="the offending value, where it helps")


class ErrorInfo(Model):
    code: str = Field(description="stable error code, e.g. validation_failed, not_supervisor, report_already_accepted")
    message: str = Field(description="what to do, in Bahasa Indonesia (default) or English (Accept-Language: en)")
    details: list[ErrorDetail]
    request_id: str = Field(description="also in the X-Request-Id header and in every log line of the request")


class ErrorBody(Model):
    error: ErrorInfo


def build(apis: list[Api]) -> dict[str, Any]:
    routes = [route for api in apis for route in api.routes]
    wanted: list[tuple[type[BaseModel], JsonSchemaMode]] = [(ErrorBody, "serialization")]
    for route in routes:
        if route.body:
            wanted.append((route.body, "validation"))
        if route.response:
            wanted.append((route.response, "serialization"))
    queries: list[tuple[type[BaseModel], JsonSchemaMode]] = list(dict.fromkeys((route.query, "validation") for route in routes if route.query))
    wanted = list(dict.fromkeys(wanted))
    # Query models go through the same generator so that the enums and models their fields
    # use land in components/schemas, and every $ref points there.
    refs, defs = models_json_schema(wanted + [q for q in queries if q not in wanted], ref_template="#/components/schemas/{model}")
    ref: dict[Any, dict[str, Any]] = dict(refs)
    schemas = defs.get("$defs", {})
    query_fields = {model: schemas[_name(ref[(model, mode)])] for model, mode in queries}
    for model, mode in queries:  # their fields become parameters; the models themselves are not part of the API
        if (model, mode) not in wanted:
            schemas.pop(_name(ref[(model, mode)]), None)

    examples = json.loads(EXAMPLES.read_text(encoding="utf-8")) if EXAMPLES.exists() else {}
    missing = [f"{r.method} {r.path}" for r in routes if not r.operation_id]
    repeated = sorted({r.operation_id for r in routes if [q.operation_id for q in routes].count(r.operation_id) > 1} - {""})
    if missing or repeated:
        raise ValueError(f"every route needs its own operation_id: missing for {missing}, repeated {repeated}")
    paths: dict[str, dict[str, Any]] = {}
    for route in sorted(routes, key=lambda r: (r.path, r.method)):
        operation = _operation(route, ref, query_fields.get(route.query) if route.query else None)
        if example := examples.get(f"{route.method} {route.path}"):
            _add_example(operation, route, example)
        paths.setdefault(route.path, {})[route.method.lower()] = operation

    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Pantau Kinerja Belawan API",
            "version": VERSION,
            "description": (
                "Monthly performance reports of ASN in Kecamatan Medan Belawan, their review by supervisors, "
                "and the e-performance view. Authenticate with a Firebase ID token (Authorization: Bearer). "
                "Messages are in Bahasa Indonesia; send Accept-Language: en for English. Every error is "
                "{\"error\": {\"code\", \"message\", \"details\", \"request_id\"}}. Write endpoints that accept "
                "an Idempotency-Key return the first result for a repeated key and write nothing new."
            ),
        },
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {
            "schemas": schemas,
            "headers": HEADERS,
            "securitySchemes": {
                "firebase": {
                    "type": "http",
                    "scheme": "bearer",
                    "bearerFormat": "JWT",
                    "description": "Firebase Auth ID token; its custom claims carry role, nip and unit",
                }
            },
        },
    }


def _name(ref: dict[str, str]) -> str:
    return ref["$ref"].rsplit("/", 1)[1]


def _operation(route: Route, ref: dict[Any, dict[str, Any]], query: dict[str, Any] | None) -> dict[str, Any]:
    error = ref[(ErrorBody, "serialization")]
    parameters: list[dict[str, Any]] = [
        {"name": name, "in": "path", "required": True, "schema": {"type": "string", "pattern": PATH_ID_PATTERN}} for name in route.path_params
    ]
    if query:
        required = set(query.get("required", []))
        for name, prop in query.get("properties", {}).items():
            parameters.append({"name": name, "in": "query", "required": name in required, "schema": prop})
    if route.idempotent:
        parameters.append(
            {
                "name": "Idempotency-Key",
                "in": "header",
                "required": False,
                "description": "client-generated unique key (8-128 visible ASCII characters), e.g. a UUID, reused on retries",
                "schema": {"type": "string", "minLength": 8, "maxLength": 128, "pattern": "^[\\x21-\\x7e]+$"},
            }
        )
    if route.etag:
        parameters.append(
            {
                "name": "If-None-Match",
                "in": "header",
                "required": False,
                "description": "the ETag of the view you hold: 304 with no body when it is still current",
                "schema": {"type": "string"},
            }
        )
    parameters.append(
        {
            "name": "Accept-Language",
            "in": "header",
            "required": False,
            "description": "id (default) or en",
            "schema": {"type": "string"},
        }
    )
    success: dict[str, Any] = {"description": route.summary}
    if route.status == 204:
        pass  # no content
    elif route.produces != "application/json":
        # A download: its own media type, or application/octet-stream for a client that asks
        # for that (generated clients read it as bytes; http.py honours the Accept header).
        success["content"] = {media: {"schema": {"type": "string", "format": "binary", "contentMediaType": route.produces}}
                              for media in ("application/octet-stream", route.produces)}
    elif route.response:
        success["content"] = {"application/json": {"schema": ref[(route.response, "serialization")]}}
    else:
        success["content"] = {"application/json": {"schema": {"type": "object"}}}
    success["headers"] = _headers(["X-Request-Id", *route.headers, *(["ETag"] if route.etag else [])])
    responses: dict[str, Any] = {str(route.status): success}
    if route.status == 201:
        responses["200"] = {**success, "description": "resubmitted, unchanged, or a replay of a keyed request"}
    if route.etag:
        responses[CONDITIONAL] = {"description": "Not modified: the view matches If-None-Match", "headers": _headers(["X-Request-Id", "ETag"])}
    statuses = set(route.errors) | {405, 500, 503}
    if route.auth:
        statuses |= {401}
    if route.path_params:
        statuses |= {404}
    if route.body:
        statuses |= {400, 413, 415, 422}
    if route.query:
        statuses |= {422}
    for status in sorted(statuses):
        names = ["X-Request-Id", *(["Retry-After"] if status in (429, 503) else [])]
        responses[str(status)] = {"description": STATUS_TEXT[status], "headers": _headers(names),
                                  "content": {"application/json": {"schema": error}}}
    operation: dict[str, Any] = {
        "operationId": route.operation_id,
        "summary": route.summary,
        "tags": list(route.tags),
        "parameters": parameters,
        "responses": responses,
    }
    if route.description:
        operation["description"] = route.description
    if route.body:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": ref[(route.body, "validation")]}},
        }
    operation["security"] = [{"firebase": []}] if route.auth else []
    if route.roles:
        operation["x-roles"] = sorted(r.value for r in route.roles)
    return operation


def _headers(names: list[str]) -> dict[str, Any]:
    unknown = set(names) - set(HEADERS)
    if unknown:
        raise ValueError(f"undescribed response headers {sorted(unknown)}: add them to HEADERS")
    return {name: {"$ref": f"#/components/headers/{name}"} for name in dict.fromkeys(names)}


def problems_of(document: dict[str, Any]) -> list[str]:
    """What is wrong with a document: every $ref must point into it, and it must pass
    openapi-spec-validator (a development tool, imported only here)."""
    from openapi_spec_validator import validate

    problems = [f"unresolved $ref {ref}" for ref in sorted(_refs(document)) if not _resolves(document, ref)]
    if problems:
        return problems  # the validator would stop at the first one
    try:
        validate(document)
    except Exception as error:  # a validation error, or a reference the validator cannot follow
        problems.append(f"{type(error).__name__}: {str(error).splitlines()[0][:500]}")
    return problems


def _refs(node: Any) -> set[str]:
    if isinstance(node, dict):
        found = {node["$ref"]} if isinstance(node.get("$ref"), str) else set()
        return found.union(*(_refs(value) for value in node.values()))
    if isinstance(node, list):
        return set().union(*(_refs(value) for value in node))
    return set()


def _resolves(document: dict[str, Any], ref: str) -> bool:
    if not ref.startswith("#/"):
        return False  # the document is self-contained
    node: Any = document
    for part in ref[2:].split("/"):
        part = part.replace("~1", "/").replace("~0", "~")
        if not isinstance(node, dict) or part not in node:
            return False
        node = node[part]
    return True


def _add_example(operation: dict[str, Any], route: Route, example: dict[str, Any]) -> None:
    """A recorded request and its response: parameter values, the body, and what came back
    (for a binary download, where to fetch one)."""
    for parameter in operation["parameters"]:
        values = example["parameters"].get(parameter["in"], {})
        if parameter["name"] in values:
            parameter["example"] = values[parameter["name"]]
    if route.body is not None and example.get("request") is not None:
        operation["requestBody"]["content"]["application/json"]["example"] = example["request"]
    success = operation["responses"][str(route.status)]
    if route.status == 204:
        return
    if route.produces == "application/json":
        success["content"]["application/json"]["example"] = example["response"]
    elif example.get("response") is not None:  # text, e.g. CSV
        success["content"][route.produces]["example"] = example["response"]
    else:
        path = route.path.format(**example["parameters"]["path"])
        query = "&".join(f"{k}={v}" for k, v in example["parameters"]["query"].items())
        success["content"][route.produces]["examples"] = {
            "download": {"summary": "the same request on the demo stack (make demo)", "externalValue": f"{path}?{query}" if query else path}
        }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"
