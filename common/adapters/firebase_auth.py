"""Firebase Auth with firebase-admin: verifying ID tokens, and the accounts the system creates.

One code path in every environment. Each token's times are checked here (in production
this repeats the library's check; against the Auth emulator, whose tokens are unsigned and
whose times the library does not check, it is the check), then it is verified with the
revocation check (firebase-admin reads the account: a disabled account or revoked
sessions are refused at once).
Who the token names is checked against the employee record by
``common.services.accounts.resolve_caller``, in every environment alike: read beside the
revocation check (``verify_with``), and used only once that check has passed.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from common.domain.accounts import AuthRecord
from common.services.ports import AccountError, AuthUnavailable, TokenIdentity, TokenRejected, TokenVerifier
from common.settings import Settings

CLOCK_SKEW_SECONDS = 10
T = TypeVar("T")
LOOKUP_BATCH = 100  # firebase-admin's get_users takes at most 100 identifiers a call
_app_lock = threading.Lock()


def _app(settings: Settings):
    import firebase_admin

    with _app_lock:
        try:
            return firebase_admin.get_app()
        except ValueError:
            return firebase_admin.initialize_app(options={"projectId": settings.project_id})


class FirebaseTokenVerifier(TokenVerifier):
    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def verify(self, token: str) -> TokenIdentity:
        return self._verified(token, check_revoked=True)

    def verify_with(self, token: str, lookup: Callable[[TokenIdentity], T]) -> tuple[TokenIdentity, T]:
        """Verify the token and run ``lookup`` (who is asking, from Firestore) beside the revocation
        check, so the request waits for one round trip where it waited for two. ``lookup`` starts
        only once the signature and times are good (a forged token costs no read), and its answer
        is used only once the check has passed; a refused token is refused as by ``verify``."""
        from .beside import beside

        identity = self._verified(token, check_revoked=False)  # no network: the keys are cached
        pending = beside(lookup, identity)
        # The library's own check, one round trip to Auth; a refused token raises here, and the
        # look-up's answer (or error) is dropped with its future.
        self._verified(token, check_revoked=True)
        return identity, pending.result()

    def _verified(self, token: str, check_revoked: bool) -> TokenIdentity:
        from firebase_admin import auth, exceptions

        app = _app(self.settings)
        try:
            # Times first, so an expired token is called expired (the revocation check would
            # otherwise call a token from before the last sign-in revoked).
            _check_times(_unverified_claims(token), time.time())
            claims = auth.verify_id_token(token, app=app, check_revoked=check_revoked, clock_skew_seconds=CLOCK_SKEW_SECONDS)
        except auth.ExpiredIdTokenError:
            raise TokenRejected("token_expired") from None
        except auth.RevokedIdTokenError:
            raise TokenRejected("token_revoked") from None
        except auth.UserDisabledError:
            raise TokenRejected("account_disabled") from None
        except auth.UserNotFoundError:
            raise TokenRejected("token_invalid") from None  # names an account that does not exist
        except auth.CertificateFetchError as error:
            raise AuthUnavailable(str(error)) from error
        except (auth.InvalidIdTokenError, ValueError):
            raise TokenRejected("token_invalid") from None
        except exceptions.FirebaseError as error:
            raise AuthUnavailable(str(error)) from error
        return identity_from_claims(claims)


def _unverified_claims(token: str) -> dict[str, Any]:
    """The payload as sent, for the time check only: the signature is verified right after."""
    import base64
    import json

    try:
        payload = token.split(".")[1]
        claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    except (IndexError, ValueError, UnicodeDecodeError) as error:
        raise ValueError("not a JWT") from error
    if not isinstance(claims, dict):
        raise ValueError("not a JWT")
    return claims


def _check_times(claims: dict[str, Any], now: float) -> None:
    from firebase_admin import auth

    if not isinstance(claims.get("exp"), (int, float)) or claims["exp"] + CLOCK_SKEW_SECONDS < now:
        raise auth.ExpiredIdTokenError("token expired", cause=None)
    if not isinstance(claims.get("iat"), (int, float)) or claims["iat"] - CLOCK_SKEW_SECONDS > now:
        raise auth.InvalidIdTokenError("token issued in the future")


def identity_from_claims(claims: dict[str, Any]) -> TokenIdentity:
    text = lambda key: claims.get(key) if isinstance(claims.get(key), str) else None  # noqa: E731
    return TokenIdentity(uid=claims["uid"], nip=text("nip"), role=text("role"), unit=text("unit"))


def _record(user) -> AuthRecord:
    return AuthRecord(
        uid=user.uid,
        email=user.email,
        disabled=bool(user.disabled),
        claims=dict(user.custom_claims or {}),
        has_password=any(p.provider_id == "password" for p in (user.provider_data or [])),
    )


class FirebaseAccounts:
    """Creates accounts without passwords, sets custom claims, revokes sessions, makes invitation links."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings

    def lookup(self, uids: Iterable[str], emails: Iterable[str]) -> tuple[dict[str, AuthRecord], dict[str, AuthRecord]]:
        from firebase_admin import auth

        app = _app(self.settings)
        wanted = [auth.UidIdentifier(u) for u in dict.fromkeys(uids)] + [auth.EmailIdentifier(e.lower()) for e in dict.fromkeys(emails)]
        by_uid: dict[str, AuthRecord] = {}
        by_email: dict[str, AuthRecord] = {}
        for start in range(0, len(wanted), LOOKUP_BATCH):
            for user in auth.get_users(wanted[start : start + LOOKUP_BATCH], app=app).users:
                record = _record(user)
                by_uid[record.uid] = record
                if record.email:
                    by_email[record.email.lower()] = record
        return by_uid, by_email

    def create(self, uid: str, email: str, display_name: str, disabled: bool) -> None:
        from firebase_admin import auth

        try:
            auth.create_user(uid=uid, email=email, display_name=display_name, email_verified=False, disabled=disabled, app=_app(self.settings))
        except auth.UidAlreadyExistsError:
            pass  # created by an earlier, interrupted load: the plan that follows sets the rest
        except auth.EmailAlreadyExistsError as error:
            raise AccountError(f"the e-mail {email} was taken meanwhile") from error

    def update(self, uid: str, *, email: str | None = None, display_name: str | None = None, disabled: bool | None = None) -> None:
        from firebase_admin import auth

        fields = {k: v for k, v in {"email": email, "display_name": display_name, "disabled": disabled}.items() if v is not None}
        if not fields:
            return
        try:
            auth.update_user(uid, app=_app(self.settings), **fields)
        except auth.EmailAlreadyExistsError as error:
            raise AccountError(f"the e-mail {email} was taken meanwhile") from error

    def set_claims(self, uid: str, claims: dict[str, Any]) -> None:
        from firebase_admin import auth

        auth.set_custom_user_claims(uid, claims, app=_app(self.settings))

    def revoke_sessions(self, uid: str) -> None:
        from firebase_admin import auth

        auth.revoke_refresh_tokens(uid, app=_app(self.settings))

    def invitation_link(self, email: str, continue_url: str | None) -> str:
        from firebase_admin import auth

        settings = auth.ActionCodeSettings(url=continue_url) if continue_url else None
        return auth.generate_password_reset_link(email, action_code_settings=settings, app=_app(self.settings))
