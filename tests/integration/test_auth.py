"""Tokens through HTTP against the Auth emulator: real, expired, forged, foreign."""

from __future__ import annotations

import base64
import json
import time

import pytest

from tests.integration.org import make_org
from tools.client import Api


def decode(token: str) -> tuple[dict, dict]:
    header, payload, _ = token.split(".")
    pad = lambda s: s + "=" * (-len(s) % 4)  # noqa: E731
    return json.loads(base64.urlsafe_b64decode(pad(header))), json.loads(base64.urlsafe_b64decode(pad(payload)))


def encode(header: dict, payload: dict, signature: str = "") -> str:
    part = lambda d: base64.urlsafe_b64encode(json.dumps(d).encode()).rstrip(b"=").decode()  # noqa: E731
    return f"{part(header)}.{part(payload)}.{signature}"


@pytest.fixture(scope="module")
def org(stack, uow, accounts):
    return make_org(stack, uow, accounts, "auth", size=2)


def call_with(stack, token: str | None, path: str = "/api/me/performance"):
    return Api(stack.api, token).get(path)


def test_a_real_token_works(stack, org):
    response = call_with(stack, org.team[0].token)
    assert response.status_code == 200, response.text
    assert response.json()["nip"] == org.team[0].nip


@pytest.mark.parametrize("header", [None, "Bearer", "Basic dXNlcjpwYXNz", "Bearer    "])
def test_missing_tokens_are_401(stack, header):
    api = Api(stack.api)
    response = api.get("/api/me/performance", headers={"Authorization": header} if header else {})
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthenticated"


def test_an_expired_token_is_401_token_expired(stack, org):
    header, payload = decode(org.team[0].token)
    payload.update(iat=int(time.time()) - 7200, exp=int(time.time()) - 3600, auth_time=int(time.time()) - 7200)
    response = call_with(stack, encode(header, payload))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_expired"


def test_a_token_with_edited_claims_is_401(stack, org):
    header, payload = decode(org.team[0].token)
    payload["role"] = "admin"
    response = call_with(stack, encode(header, payload), "/api/admin/units")
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_invalid"


def test_a_token_that_borrows_someone_elses_nip_is_401(stack, org):
    header, payload = decode(org.team[0].token)
    payload["nip"] = org.team[1].nip
    assert call_with(stack, encode(header, payload)).status_code == 401


def test_a_token_for_an_account_that_does_not_exist_is_401(stack, org):
    header, payload = decode(org.team[0].token)
    payload.update(sub="no-such-user", user_id="no-such-user")
    assert call_with(stack, encode(header, payload)).status_code == 401


def test_a_token_for_another_project_is_401(stack, org):
    header, payload = decode(org.team[0].token)
    payload.update(aud="demo-other-project", iss="https://securetoken.google.com/demo-other-project")
    response = call_with(stack, encode(header, payload))
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "token_invalid"


def test_garbage_is_401(stack):
    assert call_with(stack, "not.a.jwt").status_code == 401
    assert call_with(stack, "x" * 5000).status_code == 401


def test_a_disabled_account_is_refused(stack, uow, accounts, unique):
    from firebase_admin import auth

    org = make_org(stack, uow, accounts, unique, size=1)
    member = org.team[0]
    auth.update_user(auth.get_user_by_email(member.employee.email).uid, disabled=True)
    response = call_with(stack, member.token)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "account_disabled"


def test_a_signed_in_account_without_an_employee_record_is_403(stack, unique):
    from tools.client import sign_up

    token = sign_up(stack.auth, f"tamu.{unique}@uji.example", "Rahasia-Uji-2026")  # nobody invited it
    response = call_with(stack, token)
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "not_an_employee"
