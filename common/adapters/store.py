"""The document store the repositories are written against.

Two implementations answer the same calls: Firestore (firestore.py) and a dictionary for the
unit tests (tests/fakes.py). The repositories, with every specific query, are one code on top
of either, so a fake cannot answer a query differently from Firestore unless the store does,
and tests/integration/test_store_contract.py runs the same cases against both to prove it
does not.

Paths are Firestore's: ``collection/doc`` or ``collection/doc/subcollection/doc``. Values are
what Firestore keeps: None, bool, int, float, str, bytes, UTC datetimes, lists and maps.
"""

from __future__ import annotations

import contextvars
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any, Protocol

from pydantic import BaseModel

Filter = tuple[str, str, Any]  # (field path, operator, value)
OPERATORS = ("==", "<", "<=", ">", ">=", "in", "array_contains")
RANGE_OPERATORS = ("<", "<=", ">", ">=")
IN_LIMIT = 30  # the values an "in" filter may take
BATCH_LIMIT = 400  # writes per batched commit: below Firestore's 500, leaving room


@dataclass(frozen=True)
class Query:
    """One Firestore query, as plain data: built by the repositories, run by a store."""

    collection: str  # a collection path: "findings", or "inbox/{nip}/items"
    filters: tuple[Filter, ...] = ()
    order: tuple[tuple[str, bool], ...] = ()  # (field path, descending)
    limit: int | None = None
    after: tuple[Any, ...] | None = None  # the order fields' values of the last row seen
    fields: tuple[str, ...] | None = None  # a projection: only these fields come back

    def where(self, path: str, op: str, value: Any) -> "Query":
        if op not in OPERATORS:
            raise ValueError(f"unknown operator {op}")
        if op == "in" and not 0 < len(value) <= IN_LIMIT:
            raise ValueError(f"an 'in' filter takes 1 to {IN_LIMIT} values, not {len(value)}")  # as Firestore refuses it
        return replace(self, filters=(*self.filters, (path, op, value)))

    def order_by(self, path: str, descending: bool = False) -> "Query":
        return replace(self, order=(*self.order, (path, descending)))

    def take(self, limit: int) -> "Query":
        return replace(self, limit=limit)

    def start_after(self, *values: Any) -> "Query":
        return replace(self, after=values)

    def select(self, *paths: str) -> "Query":
        return replace(self, fields=paths)


@dataclass(frozen=True)
class Increment:
    """A field update that adds to the stored number (Firestore's server-side increment)."""

    by: int = 1


Aggregation = tuple[str, str | None]  # ("count", None) or ("sum", field path)


class Store(Protocol):
    """One transaction's view of the database, or the database outside any."""

    transactional: bool

    def get(self, path: str) -> dict[str, Any] | None: ...
    def get_all(self, paths: list[str]) -> dict[str, dict[str, Any]]:
        """The documents that exist, by path, in one batched read."""
        ...
    def query(self, query: Query) -> list[tuple[str, dict[str, Any]]]:
        """(document id, data) of each match, in the query's order."""
        ...
    def aggregate(self, query: Query, aggregations: dict[str, Aggregation]) -> dict[str, int | float]:
        """Counts and sums computed by the database: no document is read. As Firestore does,
        each query of up to five aggregations (in the order given) counts and sums only the
        documents that have every field it sums (a null counts as having it)."""
        ...
    def set(self, path: str, data: dict[str, Any]) -> None: ...
    def set_all(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        """Several writes: part of the transaction, or batched commits outside one."""
        ...
    def create(self, path: str, data: dict[str, Any]) -> None:
        """Write a document that must not exist yet (AlreadyExists otherwise)."""
        ...
    def update(self, path: str, fields: dict[str, Any]) -> None:
        """Change some fields (values may be Increment) of a document that exists."""
        ...
    def update_all(self, paths: list[str], fields: dict[str, Any]) -> None: ...
    def delete(self, path: str) -> None: ...
    def write_all(self, writes: list["Write"]) -> None:
        """Writes of every kind, in order, in one commit (batches of 500 beyond that)."""
        ...


# ("set" | "create" | "update" | "merge" | "delete", path, data). "merge" sets the fields given
# (values may be Increment) and keeps the others, creating the document if it is missing: a
# counter written blind, with no read before it (Firestore's set with merge).
Write = tuple[str, str, dict[str, Any] | None]


class Deferred:
    """A store that only gathers writes, for one later commit (``commit``): what follows a
    transaction, sent while its events are published."""

    transactional = False

    def __init__(self, store: Store) -> None:
        self.store = store
        self.writes: list[Write] = []

    def _no_reads(self, *_: Any) -> Any:
        raise TypeError("a deferred store only gathers writes")

    get = get_all = query = aggregate = _no_reads

    def set(self, path: str, data: dict[str, Any]) -> None:
        self.writes.append(("set", path, data))

    def set_all(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        self.writes.extend(("set", path, data) for path, data in items)

    def create(self, path: str, data: dict[str, Any]) -> None:
        self.writes.append(("create", path, data))

    def update(self, path: str, fields: dict[str, Any]) -> None:
        self.writes.append(("update", path, fields))

    def update_all(self, paths: list[str], fields: dict[str, Any]) -> None:
        self.writes.extend(("update", path, fields) for path in paths)

    def delete(self, path: str) -> None:
        self.writes.append(("delete", path, None))

    def write_all(self, writes: list[Write]) -> None:
        self.writes.extend(writes)

    def commit(self) -> None:
        if self.writes:
            self.store.write_all(self.writes)


# -- metering: what a piece of work costs, counted the same way by both stores ------------------

@dataclass
class Meter:
    """Billed document reads and writes while it is current (see ``metered``)."""

    reads: int = 0
    writes: int = 0


_meter: contextvars.ContextVar[Meter | None] = contextvars.ContextVar("store_meter", default=None)


class metered:
    """``with metered() as meter:`` counts this thread's database operations, as billed: one
    read per document returned or asked for by id (a query that returns nothing still costs
    one), one per aggregation query, one write per document written."""

    def __enter__(self) -> Meter:
        self.meter = Meter()
        self.token = _meter.set(self.meter)
        return self.meter

    def __exit__(self, *exc: object) -> None:
        _meter.reset(self.token)


def count(reads: int = 0, writes: int = 0) -> None:
    if (meter := _meter.get()) is not None:
        meter.reads += reads
        meter.writes += writes


# -- ids and values --------------------------------------------------------------------------

def valid_id(doc_id: str) -> bool:
    """Whether Firestore accepts this as a document id. Ids that come from a URL may not:
    such a document cannot exist, so reading it finds nothing (rather than failing)."""
    return (
        isinstance(doc_id, str)
        and 0 < len(doc_id.encode()) <= 1500
        and "/" not in doc_id
        and doc_id not in (".", "..")
        and not (doc_id.startswith("__") and doc_id.endswith("__"))
    )


def to_doc(model: BaseModel) -> dict[str, Any]:
    # Python mode keeps datetimes as datetimes, so Firestore stores Timestamps (TTL and range
    # queries need them). Plain dates have no Firestore type: they become YYYY-MM-DD.
    return _dates_as_text(model.model_dump(mode="python"))


def _dates_as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_dates_as_text(v) for v in value]
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value


def parent_of(path: str) -> tuple[str, str]:
    """(collection path, document id) of a document path."""
    collection, _, doc_id = path.rpartition("/")
    return collection, doc_id

