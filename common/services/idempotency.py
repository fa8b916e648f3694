"""Idempotency keys: a retried request returns its first result and writes nothing new.

The record is written in the same transaction as the change it guards, so a
change and its record exist together or not at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from types import EllipsisType
from typing import Any, Callable

from common.domain.errors import Invalid

from .ports import IdempotencyRecord, Repositories


@dataclass(frozen=True)
class IdempotencyKey:
    """A client's key, scoped to the caller and the operation so keys never collide across them."""

    record_id: str
    fingerprint: str

    @classmethod
    def of(cls, key: str, caller: str, operation: str, payload: str) -> "IdempotencyKey":
        record_id = hashlib.sha256(f"{operation}\n{caller}\n{key}".encode()).hexdigest()
        fingerprint = hashlib.sha256(payload.encode()).hexdigest()
        return cls(record_id=record_id, fingerprint=fingerprint)


def run_once(
    tx: Repositories,
    key: IdempotencyKey | None,
    now: datetime,
    ttl: timedelta,
    work: Callable[[], dict[str, Any]],
    record: IdempotencyRecord | None | EllipsisType = ...,
) -> tuple[dict[str, Any], bool]:
    """Run ``work`` inside ``tx`` unless ``key`` has a recorded result; return (result, replayed).
    ``record``: the key's record when the caller already read it in this transaction (batched
    with its other reads, to save a round trip); read here otherwise."""
    if key is None:
        return work(), False
    if isinstance(record, EllipsisType):
        record = tx.idempotency.get(key.record_id)
    if record is not None and record.expire_at > now:
        if record.fingerprint != key.fingerprint:
            raise Invalid("idempotency_key_reused")
        return record.result, True
    result = work()
    tx.idempotency.put(
        IdempotencyRecord(
            id=key.record_id, fingerprint=key.fingerprint, result=result, created_at=now, expire_at=now + ttl
        )
    )
    return result, False
