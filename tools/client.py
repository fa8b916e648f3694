"""A small HTTP client of the local stack, for the demo and the tests."""

from __future__ import annotations

from typing import Any

import requests
import requests.adapters


def sign_in(auth_host: str, email: str, password: str) -> str:
    """An ID token from the Auth emulator, obtained the way the mobile app does."""
    response = requests.post(
        f"http://{auth_host}/identitytoolkit.googleapis.com/v1/accounts:signInWithPassword",
        params={"key": "demo-api-key"},
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["idToken"]


def sign_up(auth_host: str, email: str, password: str) -> str:
    """Sign up from a client with the public web API key, as anyone on the internet can
    (the production project closes sign-up; the Auth emulator cannot): an ID token."""
    response = requests.post(
        f"http://{auth_host}/identitytoolkit.googleapis.com/v1/accounts:signUp",
        params={"key": "demo-api-key"},
        json={"email": email, "password": password, "returnSecureToken": True},
        timeout=10,
    )
    response.raise_for_status()
    return response.json()["idToken"]


def accept_invitation(auth_host: str, link: str, password: str) -> None:
    """Set an account's password through its invitation link, as the owner's browser does on
    the page the link opens (Firebase's action handler: accounts:resetPassword with its oobCode)."""
    from urllib.parse import parse_qs, urlparse

    codes = parse_qs(urlparse(link).query).get("oobCode")
    if not codes:
        raise ValueError("not an invitation link (no oobCode)")
    response = requests.post(
        f"http://{auth_host}/identitytoolkit.googleapis.com/v1/accounts:resetPassword",
        params={"key": "demo-api-key"},
        json={"oobCode": codes[0], "newPassword": password},
        timeout=10,
    )
    response.raise_for_status()


class _FromAddress(requests.adapters.HTTPAdapter):
    """Connections from a given local address (any of 127.0.0.0/8 on loopback): a different
    sender, as the stack's Hosting sees it, without any header a sender could forge."""

    def __init__(self, address: str) -> None:
        self.address = address
        super().__init__()

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["source_address"] = (self.address, 0)
        super().init_poolmanager(*args, **kwargs)


class Api:
    def __init__(self, base: str, token: str | None = None, language: str | None = None, source_address: str | None = None) -> None:
        self.base = base.rstrip("/")
        self.session = requests.Session()
        if source_address:
            self.session.mount("http://", _FromAddress(source_address))
        if token:
            self.session.headers["Authorization"] = f"Bearer {token}"
        if language:
            self.session.headers["Accept-Language"] = language

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", 30)
        return self.session.request(method, f"{self.base}{path}", **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> requests.Response:
        return self.request("PUT", path, **kwargs)
