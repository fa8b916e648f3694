"""Errors a user can cause, in domain words.

Each error carries a stable ``code`` (what API clients switch on), the
parameters its message needs, and optional per-field ``details``. The words a
person reads live in ``common.api.messages``; the domain never formats text.
"""

from __future__ import annotations

from typing import Any


class DomainError(Exception):
    """Base of every rule violation that a caller can fix."""

    code = "domain_error"

    def __init__(self, code: str | None = None, /, **params: Any) -> None:
        self.code = code or self.code
        self.details: list[dict[str, Any]] = params.pop("details", [])
        self.params = params
        super().__init__(f"{self.code} {params}")


class Unauthenticated(DomainError):
    """Who is asking cannot be established from what they sent: sign in again (HTTP 401)."""

    code = "unauthenticated"


class Invalid(DomainError):
    """The request is well-formed but breaks a rule (HTTP 422)."""

    code = "invalid"


class NotFound(DomainError):
    """What the caller asked for does not exist, or is not theirs to know about (404)."""

    code = "not_found"


class Forbidden(DomainError):
    """The caller is known but may not do this (403)."""

    code = "forbidden"


class Conflict(DomainError):
    """The request clashes with the current state (409)."""

    code = "conflict"


class RateLimited(DomainError):
    """Too many requests from one sender; ``retry_after`` seconds until the next window (429)."""

    code = "rate_limited"


class TooLarge(DomainError):
    """What the caller wants to send is larger than allowed (HTTP 413)."""

    code = "too_large"
