"""Firestore: the store the repositories run on in production and on the emulator, and its
unit of work. The collections are described with their repositories (repositories*.py)."""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any, Callable, TypeVar

from .store import BATCH_LIMIT, Aggregation, Increment, Query, count, to_doc, valid_id  # noqa: F401 (to_doc, valid_id: for tools)
from .unit_of_work import UnitOfWork

if TYPE_CHECKING:  # the client library is imported lazily: it is a large part of cold start
    from google.cloud.firestore import Client, Transaction

T = TypeVar("T")
AGGREGATIONS_PER_QUERY = 5  # Firestore computes at most five aggregations in one query

_rpc: dict[str, Any] | None = None


def rpc() -> dict[str, Any]:
    """Retry and timeout for every Firestore call: transient errors are retried, but for
    seconds, not the client's default minute, so an outage becomes a quick 503 the caller
    can retry and an event handler fails fast for Pub/Sub to redeliver."""
    global _rpc
    if _rpc is None:
        from google.api_core.retry import Retry, if_transient_error

        from common.settings import get_settings

        try:
            limit = get_settings().firestore_timeout_seconds
        except RuntimeError:  # a tool without full settings
            limit = 10.0
        _rpc = {"retry": Retry(initial=0.2, maximum=2.0, multiplier=2.0, timeout=limit, predicate=if_transient_error), "timeout": limit}
    return _rpc


_client: "Client | None" = None
_client_lock = threading.Lock()


def get_client(project_id: str) -> "Client":
    """One client per process, created on first use and reused across invocations."""
    global _client
    if _client is None:
        with _client_lock:
            if _client is None:
                from google.cloud import firestore

                _client = firestore.Client(project=project_id)
                _bound_transaction_rpcs(_client)
    return _client


def _bound_transaction_rpcs(client: "Client") -> None:
    """Give the transaction RPCs (begin, commit, rollback) the same short limit as every other
    call. The library calls them itself with its default of a minute and no way to pass one,
    so their defaults are replaced on this client's transport. If the library's internals
    change, nothing breaks: calls just keep the library's defaults."""
    try:
        from google.api_core import gapic_v1

        transport = client._firestore_api._transport
        limits = rpc()
        for name in ("begin_transaction", "commit", "rollback"):
            method = getattr(transport, name)
            retry = limits["retry"] if name != "commit" else None  # a commit is not retried blindly
            transport._wrapped_methods[method] = gapic_v1.method.wrap_method(method, default_retry=retry, default_timeout=limits["timeout"])
    except AttributeError:
        pass


def _field_values(value: dict[str, Any]) -> dict[str, Any]:
    from google.cloud import firestore

    return {k: firestore.Increment(v.by) if isinstance(v, Increment) else v for k, v in value.items()}


class FirestoreStore:
    """The Store calls (store.py) on a Firestore client, inside ``transaction`` if one is given."""

    def __init__(self, client: "Client", transaction: "Transaction | None" = None) -> None:
        self.client = client
        self.tx = transaction
        self.transactional = transaction is not None

    # -- reads ------------------------------------------------------------------------------
    def get(self, path: str) -> dict[str, Any] | None:
        count(reads=1)
        snapshot = self.client.document(path).get(transaction=self.tx, **rpc())
        return snapshot.to_dict() if snapshot.exists else None

    def get_all(self, paths: list[str]) -> dict[str, dict[str, Any]]:
        paths = list(dict.fromkeys(paths))
        if not paths:
            return {}
        count(reads=len(paths))
        refs = [self.client.document(p) for p in paths]
        return {s.reference.path: s.to_dict() or {} for s in self.client.get_all(refs, transaction=self.tx, **rpc()) if s.exists}

    def _query(self, query: Query) -> Any:
        from google.cloud.firestore_v1.base_query import FieldFilter

        built: Any = self.client.collection(query.collection)
        for path, op, value in query.filters:
            built = built.where(filter=FieldFilter(path, op, value))
        for path, descending in query.order:
            built = built.order_by(path, direction="DESCENDING" if descending else "ASCENDING")
        if query.after is not None:
            built = built.start_after({path: value for (path, _), value in zip(query.order, query.after)})
        if query.fields is not None:
            built = built.select(list(query.fields))
        if query.limit is not None:
            built = built.limit(query.limit)
        return built

    def query(self, query: Query) -> list[tuple[str, dict[str, Any]]]:
        rows = [(s.id, s.to_dict()) for s in self._query(query).stream(transaction=self.tx, **rpc())]
        count(reads=max(1, len(rows)))
        return rows

    def aggregate(self, query: Query, aggregations: dict[str, Aggregation]) -> dict[str, int | float]:
        values: dict[str, int | float] = {}
        items = list(aggregations.items())
        for start in range(0, len(items), AGGREGATIONS_PER_QUERY):
            # A query's (or a whole collection's) count()/sum() starts an aggregation query;
            # the aggregation query's own count()/sum() add to it.
            built: Any = self._query(query)
            for alias, (kind, path) in items[start : start + AGGREGATIONS_PER_QUERY]:
                built = built.count(alias=alias) if kind == "count" else built.sum(path, alias=alias)
            count(reads=1)
            for result in built.get(**rpc()):
                for item in result:
                    values[item.alias] = item.value or 0
        return values

    # -- writes: part of the transaction, or committed at once --------------------------------
    def set(self, path: str, data: dict[str, Any]) -> None:
        self.set_all([(path, data)])

    def set_all(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        self._write([("set", path, data) for path, data in items])

    def create(self, path: str, data: dict[str, Any]) -> None:
        self._write([("create", path, data)])

    def update(self, path: str, fields: dict[str, Any]) -> None:
        self._write([("update", path, fields)])

    def update_all(self, paths: list[str], fields: dict[str, Any]) -> None:
        self._write([("update", path, fields) for path in paths])

    def delete(self, path: str) -> None:
        self._write([("delete", path, None)])

    def write_all(self, writes: list[tuple[str, str, dict[str, Any] | None]]) -> None:
        self._write(writes)

    def _write(self, operations: list[tuple[str, str, dict[str, Any] | None]]) -> None:
        if not operations:
            return
        count(writes=len(operations))
        if self.tx is not None:
            for operation in operations:
                self._apply(self.tx, *operation)
            return
        if len(operations) == 1:  # one document: its own call, not a batch
            kind, path, data = operations[0]
            self._apply(None, kind, path, data)
            return
        for start in range(0, len(operations), BATCH_LIMIT):
            batch = self.client.batch()
            for operation in operations[start : start + BATCH_LIMIT]:
                self._apply(batch, *operation)
            batch.commit(**rpc())

    def _apply(self, writer: Any, kind: str, path: str, data: dict[str, Any] | None) -> None:
        """One write on a transaction or batch, or (``writer`` None) on the document at once."""
        ref = self.client.document(path)
        # A batch or transaction takes the reference first; the document's own call takes the RPC's options.
        target: Any = ref if writer is None else writer
        first: tuple[Any, ...] = () if writer is None else (ref,)
        options = rpc() if writer is None else {}
        if kind == "delete":
            target.delete(*first, **options)
        elif kind == "update":
            target.update(*first, _field_values(data or {}), **options)
        elif kind == "merge":
            target.set(*first, _field_values(data or {}), merge=True, **options)
        else:
            getattr(target, kind)(*first, data, **options)


class FirestoreUnitOfWork(UnitOfWork):
    def __init__(self, client: "Client", publisher: Any = None, now: Callable[[], Any] | None = None, max_attempts: int = 5) -> None:
        from common.domain.clock import utcnow

        super().__init__(FirestoreStore(client), publisher, now or utcnow)
        self.client = client
        self.max_attempts = max_attempts

    def beside(self, read: Callable[[], T]) -> Callable[[], T]:
        from .beside import beside

        return beside(read).result

    def _run(self, attempt: Callable[[FirestoreStore], T]) -> T:
        from google.api_core.exceptions import GoogleAPICallError
        from google.cloud import firestore

        @firestore.transactional
        def run(transaction: "Transaction") -> T:
            return attempt(FirestoreStore(self.client, transaction))

        try:
            return run(self.client.transaction(max_attempts=self.max_attempts))
        except ValueError as error:
            # When Firestore cannot be reached the library's clean-up fails too ("no
            # transaction ID ... cannot be rolled back") and hides the real cause: raise that,
            # so the caller sees an outage (503), not a bug.
            if isinstance(error.__context__, GoogleAPICallError):
                raise error.__context__ from None
            raise
