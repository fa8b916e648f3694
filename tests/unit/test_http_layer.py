"""The shared HTTP layer, with fake adapters behind the real entrypoint modules."""

from __future__ import annotations

import json
import logging

import flask

from common.api.http import Api
from common.domain.accounts import Account
from common.services.ports import AuthUnavailable, TokenIdentity, TokenRejected, TokenVerifier
from common.settings import Settings
from tests import factories as f
from tests.fakes import FakeAccounts, FakePublisher, FakeUnitOfWork

NOW = f.at("2026-11-03 10:00")


class FakeVerifier(TokenVerifier):
    """Tokens are 'caller:<nip>:<role>:<unit>' here; anything else is rejected like a bad JWT."""

    def __init__(self) -> None:
        self.unavailable = False

    def verify(self, token: str) -> TokenIdentity:
        if self.unavailable:
            raise AuthUnavailable("keys unreachable")
        if token == "expired":
            raise TokenRejected("token_expired")
        parts = token.split(":")
        if len(parts) != 4 or parts[0] != "caller":
            raise TokenRejected("token_invalid")
        return TokenIdentity(uid=f"uid-{parts[1]}", nip=parts[1], role=parts[2], unit=parts[3])


class FakeDeps:
    def __init__(self) -> None:
        self.settings = Settings(project_id="demo-unit", max_body_bytes=4096)
        self.publisher = FakePublisher()
        self.uow = FakeUnitOfWork(publisher=self.publisher, now=lambda: NOW)
        self.verifier = FakeVerifier()
        self.accounts = FakeAccounts()

    def now(self):
        return NOW


def enrolled(uow, *employees) -> None:
    """Employee records with the accounts the system made for them (uid-<nip>, as the fake tokens say)."""
    uow.employees.put_many(list(employees))
    uow.accounts.put_many([Account(nip=e.nip, uid=f"uid-{e.nip}", email=e.email or "", created_at=NOW) for e in employees])


def client_for(module_name: str, deps: FakeDeps) -> flask.testing.FlaskClient:
    module = __import__(f"functions.{module_name}", fromlist=["api"])
    api = Api(module.api.name, module.api.routes, deps)
    app = flask.Flask("test")
    app.add_url_rule("/<path:path>", "run", lambda path: api.handle(flask.request), methods=["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "HEAD"])
    return app.test_client()


def token(employee):
    """A fresh token: its claims are the employee record's."""
    return {"Authorization": f"Bearer caller:{employee.nip}:{employee.role.value}:{employee.unit_id}"}


def report_body(**extra):
    return {
        "period": "2026-10",
        "realisasi": [{"indicator_id": "IKI-1", "value": 40}],
        "narrative": "Melayani warga",
        "evidence": [],
        **extra,
    }


def test_errors_have_one_json_shape_with_the_request_id(deps):
    client = client_for("api_reports", deps)
    response = client.post("/api/reports", json=report_body())
    assert response.status_code == 401
    error = response.get_json()["error"]
    assert set(error) == {"code", "message", "details", "request_id"}
    assert error["code"] == "unauthenticated"
    assert error["request_id"] == response.headers["X-Request-Id"]
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_a_given_request_id_is_kept_and_logged(deps, org, caplog):
    client = client_for("api_reports", deps)
    with caplog.at_level(logging.INFO, logger="pantau.api"):
        response = client.post("/api/reports", json=report_body(), headers={**token(org[1]), "X-Request-Id": "req-12345678"})
    assert response.status_code == 201
    assert response.headers["X-Request-Id"] == "req-12345678"
    from common.logs import JsonFormatter

    lines = [json.loads(JsonFormatter().format(r)) for r in caplog.records if r.name == "pantau.api"]
    assert lines and all(line["request_id"] == "req-12345678" for line in lines)
    assert lines[-1]["httpRequest"]["status"] == 201


def test_messages_are_indonesian_by_default_and_english_on_request(deps, org):
    client = client_for("api_reports", deps)
    bad = report_body(period="2026-13", narrative="")
    indonesian = client.post("/api/reports", json=bad, headers=token(org[1])).get_json()["error"]
    english = client.post("/api/reports", json=bad, headers={**token(org[1]), "Accept-Language": "en-US,en;q=0.9"}).get_json()["error"]
    assert indonesian["code"] == english["code"] == "validation_failed"
    assert "tidak valid" in indonesian["message"] and "not valid" in english["message"]
    assert {d["field"] for d in english["details"]} == {"period", "narrative"}
    period = next(d for d in indonesian["details"] if d["field"] == "period")
    assert period["code"] == "period_invalid" and "YYYY-MM" in period["message"]


def test_wrong_method_is_405_with_allow(deps):
    response = client_for("api_reports", deps).delete("/api/reports")
    assert response.status_code == 405
    assert response.headers["Allow"] == "POST, OPTIONS"
    assert response.get_json()["error"]["code"] == "method_not_allowed"


def test_unknown_path_is_a_json_404(deps):
    response = client_for("api_reports", deps).get("/api/reports/x/y/z")
    assert response.status_code == 404
    assert response.get_json()["error"]["code"] == "not_found"


def test_oversize_bodies_are_refused_before_anything_is_read(deps, org):
    client = client_for("api_reports", deps)
    big = report_body(narrative="x" * 5000)
    response = client.post("/api/reports", data=json.dumps(big), content_type="application/json", headers=token(org[1]))
    assert response.status_code == 413
    assert response.get_json()["error"]["code"] == "payload_too_large"
    assert deps.uow.state.reports == {}


def test_oversize_bodies_without_a_length_are_refused_too(deps, org):
    from werkzeug.test import EnvironBuilder

    client = client_for("api_reports", deps)
    environ = EnvironBuilder(path="/api/reports", method="POST", data=b"x" * 10240, content_type="application/json", headers=token(org[1])).get_environ()
    del environ["CONTENT_LENGTH"]  # as a chunked upload arrives: no length up front
    environ["wsgi.input_terminated"] = True
    response = client.open(environ)
    assert response.status_code == 413


def test_bodies_must_be_json(deps, org):
    client = client_for("api_reports", deps)
    assert client.post("/api/reports", data="period=2026-10", content_type="application/x-www-form-urlencoded", headers=token(org[1])).status_code == 415
    broken = client.post("/api/reports", data="{nope", content_type="application/json", headers=token(org[1]))
    assert broken.status_code == 400 and broken.get_json()["error"]["code"] == "invalid_json"


def test_expired_tokens_and_unavailable_keys(deps, org):
    client = client_for("api_me", deps)
    expired = client.get("/api/me/performance", headers={"Authorization": "Bearer expired"})
    assert expired.status_code == 401 and expired.get_json()["error"]["code"] == "token_expired"
    deps.verifier.unavailable = True
    down = client.get("/api/me/performance", headers=token(org[1]))
    assert down.status_code == 503 and down.headers["Retry-After"] == "5"


def test_roles_are_checked_before_the_body(deps, org):
    client = client_for("api_admin", deps)
    response = client.put("/api/admin/units", json={"nope": 1}, headers=token(org[1]))
    assert response.status_code == 403
    assert response.get_json()["error"]["code"] == "role_required"


def test_unexpected_errors_are_500_without_internals(deps, org, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(deps.uow, "transaction", explode)
    response = client_for("api_reports", deps).post("/api/reports", json=report_body(), headers=token(org[1]))
    assert response.status_code == 500
    assert "secret" not in response.get_data(as_text=True)
    assert response.get_json()["error"]["code"] == "internal"


def test_transient_backend_errors_are_503_and_retryable(deps, org, monkeypatch):
    from google.api_core.exceptions import ServiceUnavailable

    def down(*args, **kwargs):
        raise ServiceUnavailable("firestore is down")

    monkeypatch.setattr(deps.uow, "transaction", down)
    response = client_for("api_reports", deps).post("/api/reports", json=report_body(), headers=token(org[1]))
    assert response.status_code == 503
    assert response.get_json()["error"]["code"] == "unavailable"


def test_idempotency_key_format_is_checked(deps, org):
    response = client_for("api_reports", deps).post("/api/reports", json=report_body(), headers={**token(org[1]), "Idempotency-Key": "short"})
    assert response.status_code == 400
    assert response.get_json()["error"]["code"] == "invalid_header"


def test_options_lists_the_methods(deps):
    response = client_for("api_reports", deps).options("/api/reports/abc")
    assert response.status_code == 204
    assert response.headers["Allow"] == "GET, HEAD, OPTIONS"


def test_what_the_record_grants_now_decides_not_the_token(deps, org):
    """A token is checked against the employee record on every request."""
    boss, asn = org
    client = client_for("api_me", deps)
    assert client.get("/api/me/performance", headers=token(asn)).status_code == 200
    # A token whose claims differ from the record (issued before a role change, or edited) is refused.
    stale = {"Authorization": f"Bearer caller:{asn.nip}:admin:{asn.unit_id}"}
    refused = client.get("/api/me/performance", headers=stale)
    assert refused.status_code == 401 and refused.get_json()["error"]["code"] == "token_invalid"
    # A token naming a NIP whose account is another's (the account record holds another uid).
    deps.uow.accounts.put_many([deps.uow.state.accounts[asn.nip].model_copy(update={"uid": "uid-somebody-else"})])
    assert client.get("/api/me/performance", headers=token(asn)).status_code == 401
    # A deactivated record: refused even with a fresh token.
    deps.uow.accounts.put_many([deps.uow.state.accounts[asn.nip].model_copy(update={"uid": f"uid-{asn.nip}"})])
    deps.uow.employees.put_many([asn.model_copy(update={"active": False})])
    gone = client.get("/api/me/performance", headers=token(asn))
    assert gone.status_code == 403 and gone.get_json()["error"]["code"] == "account_deactivated"


def test_a_token_without_an_employee_record_gets_nothing(deps):
    stranger = {"Authorization": "Bearer caller:199001012020011001:admin:kel-belawan-1"}
    response = client_for("api_admin", deps).get("/api/admin/units", headers=stranger)
    assert response.status_code == 403 and response.get_json()["error"]["code"] == "not_an_employee"


def test_an_admin_demoted_in_the_record_is_refused_on_the_next_request(deps, org):
    from common.domain.organisation import Role

    admin = f.employee(role=Role.ADMIN)
    enrolled(deps.uow, admin)
    client = client_for("api_admin", deps)
    before = token(admin)
    assert client.get("/api/admin/units", headers=before).status_code == 200
    deps.uow.employees.put_many([admin.model_copy(update={"role": Role.ASN})])
    assert client.get("/api/admin/units", headers=before).status_code == 401  # its claims are not the record's any more
    demoted = token(admin.model_copy(update={"role": Role.ASN}))
    assert client.get("/api/admin/units", headers=demoted).status_code == 403
