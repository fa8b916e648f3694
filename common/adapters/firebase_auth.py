"""Firebase Auth: verifying ID tokens and managing accounts with firebase-admin.

Production verifies each token's signature against Google's keys. The Auth
emulator issues unsigned tokens and firebase-admin then skips the signature
and expiry checks entirely, so against the emulator we check expiry ourselves
and compare the token with the account it names: a token whose claims were
edited, or that names no account, is refused as it would be in production.
"""

from __future__ import annotations

import os
import threading
import time
from typing import Any

from common.domain.organisation import Role
from common.services.ports import Caller
from common.settings import Settings

CLOCK_SKEW_SECONDS = 10
_app_lock = threading.Lock()


class TokenRejected(Exception):
    def __init__(self, code: str) -> None:
        self.code = code  # token_expired, token_invalid, token_revoked, account_disabled
        super().__init__(code)


class AuthUnavailable(Exception):
    """Google's signing keys (or the Auth emulator) could not be reached."""


def _app(settings: Settings):
    import firebase_admin

    with _app_lock:
        try:
            return firebase_admin.get_app()
        except ValueError:
            return firebase_admin.initialize_app(options={"projectId": settings.project_id})


def _emulated() -> bool:
    return bool(os.environ.get("FIREBASE_AUTH_EMULATOR_HOST"))


class FirebaseTokenVerifier:
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def verify(self, token: str) -> Caller:
        from firebase_admin import auth, exceptions

        app = _app(self.settings)
        try:
            claims = auth.verify_id_token(
                token, app=app, check_revoked=self.settings.auth_check_revoked, clock_skew_seconds=CLOCK_SKEW_SECONDS
            )
            if _emulated():
                self._check_emulator_token(claims, app)
        except auth.ExpiredIdTokenError:
            raise TokenRejected("token_expired") from None
        except auth.RevokedIdTokenError:
            raise TokenRejected("token_revoked") from None
        except auth.UserDisabledError:
            raise TokenRejected("account_disabled") from None
        except auth.CertificateFetchError as error:
            raise AuthUnavailable(str(error)) from error
        except (auth.InvalidIdTokenError, ValueError):
            raise TokenRejected("token_invalid") from None
        except exceptions.FirebaseError as error:
            raise AuthUnavailable(str(error)) from error
        return caller_from_claims(claims)

    @staticmethod
    def _check_emulator_token(claims: dict[str, Any], app) -> None:
        from firebase_admin import auth

        now = time.time()
        if claims.get("exp", 0) + CLOCK_SKEW_SECONDS < now:
            raise auth.ExpiredIdTokenError("token expired", cause=None)
        if claims.get("iat", now + 3600) - CLOCK_SKEW_SECONDS > now:
            raise auth.InvalidIdTokenError("token issued in the future")
        try:
            user = auth.get_user(claims["uid"], app=app)
        except auth.UserNotFoundError:
            raise auth.InvalidIdTokenError("no such account") from None
        if user.disabled:
            raise auth.UserDisabledError("account disabled")
        granted = user.custom_claims or {}
        for key in ("role", "nip", "unit"):
            if claims.get(key) != granted.get(key):
                raise auth.InvalidIdTokenError("claims differ from the account")


def caller_from_claims(claims: dict[str, Any]) -> Caller:
    try:
        role = Role(claims.get("role", Role.ASN))
    except ValueError:
        role = Role.ASN  # an unknown role grants nothing beyond an ordinary account
    nip = claims.get("nip")
    return Caller(uid=claims["uid"], nip=nip if isinstance(nip, str) else None, role=role)


class FirebaseAccounts:
    """Creates accounts and sets custom claims (role, NIP, unit)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def ensure_account(
        self, email: str, display_name: str, claims: dict[str, Any], password: str | None = None
    ) -> tuple[str, bool]:
        from firebase_admin import auth

        app = _app(self.settings)
        created = False
        try:
            user = auth.get_user_by_email(email, app=app)
        except auth.UserNotFoundError:
            fields: dict[str, Any] = {"email": email, "display_name": display_name}
            if password:
                fields["password"] = password
            user = auth.create_user(app=app, **fields)
            created = True
        owner = (user.custom_claims or {}).get("nip")
        if owner and owner != claims.get("nip"):
            raise ValueError(f"email {email} already belongs to NIP {owner}")
        if password and not created:
            auth.update_user(user.uid, password=password, app=app)
        auth.set_custom_user_claims(user.uid, claims, app=app)
        return user.uid, created
