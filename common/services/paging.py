"""One way to page every list: keyset cursors.

A list is ordered by a key that ends in the record's id, so that no two records share one. A page is
the records after a position in that order; ``next_cursor`` is the position of its last record,
present while there may be more. A record added or removed between two pages moves nothing: the next
page starts after the last one seen, not at an offset.

A cursor is opaque to clients (base64url of JSON) and checked on the way in: it names the list and
the filters it was made for, and its key must have the list's types. Anything else, a cursor edited
by hand or from another list, is a 422 ``cursor_invalid`` that reads nothing. A well-formed forged
cursor is only a position: the filters, and so who may see what, come from the request, never
from the cursor.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any, TypeVar

from pydantic import Field, TypeAdapter, ValidationError

from common.domain.errors import Invalid

T = TypeVar("T")

MAX_CURSOR = 1024  # the longest key (a delivery id: notification, NIP, channel) in base64 JSON, with room
CursorParam = Annotated[
    str | None,
    Field(max_length=MAX_CURSOR, pattern=r"^[A-Za-z0-9_-]+$",
          description="next_cursor of the previous page; leave out for the first page"),
]
NEXT_CURSOR = "pass as cursor for the next page; null on the last page"


def _invalid() -> Invalid:
    return Invalid("cursor_invalid", details=[{"field": "cursor", "code": "cursor_invalid"}])


def _plain(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "value"):  # an enum
        return value.value
    return value


@dataclass(frozen=True)
class Keyset:
    """How one list is ordered: its name and the types of the key its records are sorted by."""

    name: str
    key: Any  # a tuple type, e.g. tuple[datetime, str]
    _adapter: TypeAdapter = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_adapter", TypeAdapter(self.key))

    def _scope(self, filters: Mapping[str, Any]) -> str:
        text = json.dumps({k: _plain(v) for k, v in sorted(filters.items())}, sort_keys=True, default=str)
        return hashlib.sha256(f"{self.name}\n{text}".encode()).hexdigest()[:12]

    def encode(self, key: tuple, filters: Mapping[str, Any]) -> str:
        raw = json.dumps([self.name, self._scope(filters), [_plain(part) for part in key]], separators=(",", ":")).encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    def decode(self, cursor: str | None, filters: Mapping[str, Any]) -> tuple | None:
        """The position a cursor names, or None for the first page; 422 for anything not made here."""
        if cursor is None:
            return None
        try:
            name, scope, parts = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
            key = self._adapter.validate_python(tuple(parts))
        except (ValueError, TypeError, binascii.Error, ValidationError):
            raise _invalid() from None
        if name != self.name or scope != self._scope(filters):
            raise _invalid()
        if any(isinstance(part, datetime) and part.tzinfo is None for part in key):
            raise _invalid()  # every moment we store has its zone
        return key

    def page(self, rows: Iterable[T], limit: int, key_of: Callable[[T], tuple], filters: Mapping[str, Any]) -> tuple[list[T], str | None]:
        """The first ``limit`` rows and the cursor after the last of them. ``rows`` are what the store
        gave for ``limit + 1``: the one more says whether another page exists, without counting."""
        rows = list(rows)
        taken = rows[:limit]
        more = len(rows) > limit and bool(taken)
        return taken, self.encode(key_of(taken[-1]), filters) if more else None


def merged(streams: Iterable[Iterable[T]], key_of: Callable[[T], tuple], identity: Callable[[T], str], reverse: bool = False) -> list[T]:
    """Several lists in the same order as one, each record once (e.g. findings owned by me and by BKPSDM)."""
    seen: dict[str, T] = {}
    for stream in streams:
        for row in stream:
            seen.setdefault(identity(row), row)
    return sorted(seen.values(), key=key_of, reverse=reverse)
