"""The thin HTTP layer every API function shares.

An ``Api`` is a list of ``Route``s. ``Api.handle(request)`` does what every
endpoint needs, in this order: request id and language, route and method,
body size, authentication and role, body and query validation; then it calls
the route's handler and turns the result, or any error, into JSON. Handlers
only map a parsed request to one service call.

Every error body is ``{"error": {"code", "message", "details", "request_id"}}``.
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
import time
import uuid
from dataclasses import dataclass, field
from typing import Any, Callable, cast

from pydantic import BaseModel, ValidationError

from common.domain.errors import Conflict, DomainError, Forbidden, Invalid, NotFound, RateLimited, TooLarge, Unauthenticated
from common.domain.organisation import Role
from common.logs import configure as configure_logging
from common.logs import parse_trace, request_id_var, span_var, trace_var
from common.services.idempotency import IdempotencyKey
from common.services.ports import Caller

from .deps import Deps
from .messages import error_message, field_message, negotiate

log = logging.getLogger("pantau.api")

_STATUS_OF = {Unauthenticated: 401, Invalid: 422, NotFound: 404, Forbidden: 403, Conflict: 409, RateLimited: 429, TooLarge: 413}
_REQUEST_ID_RE = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
_IDEMPOTENCY_KEY_RE = re.compile(r"^[\x21-\x7e]{8,128}$")
_OCTET_STREAM = "application/octet-stream"
MAX_JSON_DEPTH = 32  # arrays and objects inside each other; our deepest body needs 5
PATH_ID_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._:-]{0,199}$"  # what an id in a path may be; anything else cannot exist
_PATH_ID_RE = re.compile(PATH_ID_PATTERN)
_JSON_STRING_RE = re.compile(rb'"[^"]*"')  # once escapes are gone, so it stays linear
_NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


class ApiError(Exception):
    def __init__(self, status: int, code: str, details: list[dict[str, Any]] | None = None, headers: dict[str, str] | None = None, **params: Any) -> None:
        self.status, self.code, self.details, self.headers, self.params = status, code, details or [], headers or {}, params
        super().__init__(code)


@dataclass
class Reply:
    body: BaseModel | dict[str, Any] | list[Any] | bytes | None
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    mimetype: str = "application/json"  # bytes bodies (PDF, XLSX, CSV) say what they are


@dataclass
class Call:
    """What a handler gets: the checked request and the adapters."""

    deps: Any
    signed_in: Caller | None  # None only on the routes that take no token (auth=False)
    body: Any
    query: Any
    path: dict[str, str]
    lang: str
    request_id: str
    raw_body: bytes
    idempotency_header: str | None
    request: Any = None  # the framework's request, for the few handlers that need headers

    @property
    def caller(self) -> Caller:
        """The signed-in caller, on a route that requires one (the layer checked the token first)."""
        if self.signed_in is None:
            raise Unauthenticated("unauthenticated")
        return self.signed_in

    def idempotency_key(self, operation: str) -> IdempotencyKey | None:
        if self.idempotency_header is None:
            return None
        caller = self.signed_in.uid if self.signed_in else "anonymous"
        return IdempotencyKey.of(self.idempotency_header, caller, operation, f"{json.dumps(self.path, sort_keys=True)}\n{self.raw_body.decode('utf-8', 'replace')}")


@dataclass
class Route:
    method: str
    path: str
    handler: Callable[[Call], Any]
    summary: str
    operation_id: str = ""  # the OpenAPI operationId, camelCase (submitReport): generated clients name their calls by it
    response: type[BaseModel] | None = None
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    status: int = 200
    auth: bool = True
    roles: frozenset[Role] | None = None
    idempotent: bool = False
    errors: tuple[int, ...] = ()
    tags: tuple[str, ...] = ()
    description: str = ""
    max_body_bytes: int | None = None
    produces: str = "application/json"  # for OpenAPI: what a successful response contains
    headers: tuple[str, ...] = ()  # for OpenAPI: headers a successful response may carry (Location, Idempotent-Replayed)
    etag: bool = False  # a view the app polls: a weak ETag of what this caller sees, and 304 to If-None-Match

    def __post_init__(self) -> None:
        parts = re.split(r"(\{\w+\})", self.path)
        pattern = "".join(f"(?P<{p[1:-1]}>[^/]+?)" if p.startswith("{") else re.escape(p) for p in parts)
        self.regex = re.compile(f"^{pattern}$")

    @property
    def path_params(self) -> list[str]:
        return re.findall(r"\{(\w+)\}", self.path)


class Api:
    def __init__(self, name: str, routes: list[Route], deps: Any | None = None) -> None:
        self.name = name
        self.routes = routes
        self.deps = deps or Deps()
        self._own_framework_errors()

    def _own_framework_errors(self) -> None:
        """Requests that never reach the function (a path Flask's router refuses, e.g. with a
        newline in it) would get Flask's HTML error page: answer those in our JSON shape too.

        functions-framework exposes the app being built as ``errorhandler`` and imports the
        function's module inside that app's context, which is when this runs. The module global
        outlives the build: an Api made anywhere else (a test, a second app in one process) must
        not touch an app that is already serving, so register only inside its own context.
        """
        import flask
        import functions_framework

        register = getattr(functions_framework, "errorhandler", None)
        building = getattr(register, "__self__", None)
        if register is None or building is None or not flask.has_app_context():
            return
        if cast(Any, flask.current_app)._get_current_object() is not building:  # the proxy's target
            return
        for status, code in ((404, "not_found"), (405, "method_not_allowed")):
            register(status)(lambda error, status=status, code=code: self._framework_error(status, code))

    def _framework_error(self, status: int, code: str) -> Any:
        import flask

        request = flask.request
        request_id, _ = self._request_id(request)
        lang = negotiate(request.headers.get("Accept-Language"))
        params = {"method": request.method, "allowed": ""}
        body = {"error": {"code": code, "message": error_message(code, lang, params), "details": [], "request_id": request_id}}
        response = flask.Response(_dump(body), status=status, mimetype="application/json")
        response.headers["X-Request-Id"] = request_id
        return response

    # -- entry ---------------------------------------------------------------
    def handle(self, request: Any) -> Any:
        import flask

        configure_logging(self.deps.settings.log_level)
        started = time.perf_counter()
        request_id, trace = self._request_id(request)
        request_id_var.set(request_id)
        trace_var.set(trace)
        lang = negotiate(request.headers.get("Accept-Language"))
        caller: Caller | None = None
        try:
            route, path_params = self._match(request)
            if request.method == "OPTIONS":
                reply = Reply(None, 204, {"Allow": self._allowed(request.path)})
            else:
                raw = self._read_body(request, route)
                caller = self._authenticate(request, route)
                reply = self._invoke(route, request, raw, caller, path_params, lang, request_id)
        except Exception as error:  # every failure becomes the JSON error shape
            reply = self._error_reply(error, lang, request_id)
        if isinstance(reply.body, bytes):
            # Downloads are also offered as application/octet-stream (the OpenAPI document says so),
            # for clients that ask for bytes whatever they are.
            best = request.accept_mimetypes.best_match([reply.mimetype, _OCTET_STREAM]) if reply.status < 300 else None
            response = flask.Response(reply.body, status=reply.status, mimetype=_OCTET_STREAM if best == _OCTET_STREAM else reply.mimetype)
        else:
            response = flask.Response(
                None if reply.body is None else _dump(reply.body), status=reply.status, mimetype="application/json"
            )
        response.headers.update(reply.headers)
        response.headers["X-Request-Id"] = request_id
        response.headers["Content-Language"] = lang
        response.headers.setdefault("Cache-Control", "no-store")
        log.info(
            "%s %s %s",
            request.method,
            request.path,
            reply.status,
            extra={
                "httpRequest": {
                    "requestMethod": request.method,
                    "requestUrl": request.path,
                    "status": reply.status,
                    "latency": f"{time.perf_counter() - started:.3f}s",
                    "userAgent": request.headers.get("User-Agent", "")[:200],
                },
                "function": self.name,
                "uid": caller.uid if caller else None,
            },
        )
        return response

    # -- steps ---------------------------------------------------------------
    def _request_id(self, request: Any) -> tuple[str, str | None]:
        trace, span = parse_trace(self.deps.settings.project_id, request.headers.get("X-Cloud-Trace-Context", ""),
                                  request.headers.get("traceparent", ""))
        span_var.set(span)
        trace_id = trace.rpartition("/")[2] if trace else None
        given = request.headers.get("X-Request-Id", "")
        if _REQUEST_ID_RE.match(given):
            return given, trace
        return trace_id or uuid.uuid4().hex, trace

    def _allowed(self, path: str) -> str:
        methods = sorted({r.method for r in self.routes if r.regex.match(path)})
        if "GET" in methods:
            methods.append("HEAD")
        return ", ".join(methods + ["OPTIONS"])

    def _match(self, request: Any) -> tuple[Route, dict[str, str]]:
        method = "GET" if request.method == "HEAD" else request.method
        candidates = [(r, m) for r in self.routes if (m := r.regex.match(request.path))]
        if not candidates:
            raise ApiError(404, "not_found")
        for route, match in candidates:
            if route.method == method or request.method == "OPTIONS":
                return route, match.groupdict()
        allowed = self._allowed(request.path)
        raise ApiError(405, "method_not_allowed", headers={"Allow": allowed}, method=request.method, allowed=allowed)

    def _read_body(self, request: Any, route: Route) -> bytes:
        limit = route.max_body_bytes or self.deps.settings.max_body_bytes
        too_large = ApiError(413, "payload_too_large", limit=limit // 1024)
        if request.content_length is not None and request.content_length > limit:
            raise too_large
        raw = request.stream.read(limit + 1)  # also bounds bodies sent without a length
        if len(raw) > limit:
            raise too_large
        return raw

    def _authenticate(self, request: Any, route: Route) -> Caller | None:
        if not route.auth:
            return None
        from common.services.ports import AuthUnavailable, TokenRejected

        header = request.headers.get("Authorization", "")
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            raise ApiError(401, "unauthenticated", headers={"WWW-Authenticate": 'Bearer realm="pantau"'})
        from common.services.accounts import resolve_caller

        uow = self.deps.uow
        try:
            # What the employee record grants now, not what the token says: a role, a unit or a
            # deactivation takes effect on the next request. Read beside the revocation check.
            _, caller = self.deps.verifier.verify_with(token.strip(), lambda identity: resolve_caller(uow, identity))
        except TokenRejected as rejected:
            raise ApiError(401, rejected.code, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
        except AuthUnavailable:
            log.exception("token verification unavailable")
            raise ApiError(503, "unavailable", headers={"Retry-After": "5"}) from None
        except Unauthenticated as error:
            raise ApiError(401, error.code, headers={"WWW-Authenticate": 'Bearer error="invalid_token"'}) from None
        if route.roles is not None and caller.role not in route.roles:
            raise ApiError(403, "role_required", roles=", ".join(sorted(r.value for r in route.roles)))
        return caller

    def _invoke(self, route: Route, request: Any, raw: bytes, caller: Caller | None, path: dict[str, str], lang: str, request_id: str) -> Reply:
        if not all(_PATH_ID_RE.match(value) for value in path.values()):
            raise ApiError(404, "not_found")
        body = query = None
        if route.body is not None:
            body = route.body.model_validate(self._parse_json(request, raw))
        if route.query is not None:
            repeated = [name for name, values in request.args.lists() if len(values) > 1]
            if repeated:  # each parameter is one value; taking the first would hide a mistake
                raise ApiError(422, "validation_failed", details=[{"field": name, "code": "query_repeated"} for name in repeated])
            query = route.query.model_validate(dict(request.args.items()))
        key = request.headers.get("Idempotency-Key") if route.idempotent else None
        if key is not None and not _IDEMPOTENCY_KEY_RE.match(key):
            raise ApiError(400, "invalid_header", header="Idempotency-Key", reason="8-128 visible ASCII characters")
        call = Call(self.deps, caller, body, query, path, lang, request_id, raw, key, request)
        result = route.handler(call)
        reply = result if isinstance(result, Reply) else Reply(result, route.status)
        return _conditional(request, reply, caller, lang) if route.etag else reply

    @staticmethod
    def _parse_json(request: Any, raw: bytes) -> Any:
        # No Content-Type is not JSON: a plain form post from any web page (no preflight) would
        # otherwise be read as one.
        mimetype = request.mimetype or ""
        if mimetype != "application/json" and not mimetype.endswith("+json"):
            raise ApiError(415, "unsupported_media_type")
        if not raw.strip():
            raise ApiError(400, "invalid_json", reason="body is empty")
        if json_depth(raw) > MAX_JSON_DEPTH:
            raise ApiError(400, "json_too_deep", limit=MAX_JSON_DEPTH)
        try:
            return json.loads(raw)
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise ApiError(400, "invalid_json", reason=str(error)) from None
        except RecursionError:  # not reached below MAX_JSON_DEPTH; kept so no body can make a 500
            raise ApiError(400, "json_too_deep", limit=MAX_JSON_DEPTH) from None

    # -- errors --------------------------------------------------------------
    def _error_reply(self, error: Exception, lang: str, request_id: str) -> Reply:
        status, code, params, details, headers = _classify(error)
        if status >= 500:
            log.error("request failed: %s", code, exc_info=error)
        body = {
            "error": {
                "code": code,
                "message": error_message(code, lang, params),
                "details": [_localise_detail(d, lang) for d in details],
                "request_id": request_id,
            }
        }
        return Reply(body, status, headers)


def _conditional(request: Any, reply: Reply, caller: Caller | None, lang: str) -> Reply:
    """A view the app polls: tag it, and answer 304 with no body when the caller holds it already.

    The tag is a digest of who asks, in which language, and the JSON they would get, so it changes
    with anything they see and two people never share one (nor their cached views). It is weak
    (W/"..."): it promises the same view, not the same bytes, which a proxy that compresses keeps
    true. The view is still computed: what this saves is the phone's download, not the server's work.
    """
    if reply.status != 200 or isinstance(reply.body, bytes) or request.method not in ("GET", "HEAD"):
        return reply
    who = caller.uid if caller else ""
    digest = hashlib.sha256(f"{who}\n{lang}\n{_dump(reply.body)}".encode()).digest()
    tag = base64.urlsafe_b64encode(digest[:18]).decode()
    headers = {**reply.headers, "ETag": f'W/"{tag}"', "Cache-Control": "private, no-cache", "Vary": "Authorization, Accept-Language"}
    if request.if_none_match.contains_weak(tag):  # werkzeug parses the list, weak tags and *
        return Reply(None, 304, headers)
    return Reply(reply.body, reply.status, headers, reply.mimetype)


def json_depth(raw: bytes) -> int:
    """How deeply arrays and objects nest in a JSON text, without parsing it: escapes, then
    strings (which may hold brackets) are dropped, then the brackets counted. Linear in the
    size, which is already bounded."""
    unescaped = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    depth = deepest = 0
    for bracket in _JSON_STRING_RE.sub(b"", unescaped).translate(None, _NOT_BRACKETS):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest


def _classify(error: Exception) -> tuple[int, str, dict[str, Any], list[dict[str, Any]], dict[str, str]]:
    if isinstance(error, ApiError):
        return error.status, error.code, error.params, error.details, error.headers
    if isinstance(error, ValidationError):
        details = [
            {
                "field": ".".join(str(p) for p in e["loc"]) or "body",
                "code": e["type"],
                "params": e.get("ctx", {}),
                "fallback": e["msg"],
            }
            for e in error.errors()
        ]
        return 422, "validation_failed", {}, details, {}
    if isinstance(error, DomainError):
        status = next(s for cls, s in _STATUS_OF.items() if isinstance(error, cls)) if type(error) is not DomainError else 422
        headers = {"Retry-After": str(error.params["retry_after"])} if "retry_after" in error.params else {}
        return status, error.code, error.params, error.details, headers
    if _is_transient(error):
        return 503, "unavailable", {}, [], {"Retry-After": "5"}
    return 500, "internal", {}, [], {}


def _is_transient(error: BaseException) -> bool:
    """Backend errors worth retrying: the store or bus is down, slow, or contended.

    Libraries sometimes wrap the cause (a failed clean-up after an unreachable server
    raises its own error), so the whole chain of causes is looked at.
    """
    try:
        from google.api_core import exceptions as gexc
    except ImportError:  # pragma: no cover - always installed with the clients
        return False
    transient = (gexc.ServiceUnavailable, gexc.DeadlineExceeded, gexc.Aborted, gexc.RetryError, gexc.TooManyRequests,
                 gexc.InternalServerError, gexc.Cancelled, gexc.Unknown, gexc.GatewayTimeout)
    seen = 0
    current: BaseException | None = error
    while current is not None and seen < 10:
        if isinstance(current, transient) or isinstance(current, TimeoutError):
            return True
        current = current.__cause__ or current.__context__
        seen += 1
    return False


def _localise_detail(detail: dict[str, Any], lang: str) -> dict[str, Any]:
    params = {k: v for k, v in detail.items() if k not in ("field", "code", "params", "fallback")}
    params.update(detail.get("params") or {})
    if "expected" in params:
        params["expected"] = str(params["expected"]).replace("'", "")
    out = {"field": detail.get("field", ""), "code": detail["code"], "message": field_message(detail["code"], lang, params, detail.get("fallback"))}
    if "value" in detail:
        out["value"] = detail["value"]
    return out


def _dump(body: Any) -> str:
    if isinstance(body, BaseModel):
        body = body.model_dump(mode="json")
    elif isinstance(body, list):
        body = [b.model_dump(mode="json") if isinstance(b, BaseModel) else b for b in body]
    return json.dumps(body, ensure_ascii=False, default=str)
