"""In-memory fakes of our own ports, for unit tests of the services.

The fake unit of work is the real one (common/adapters/unit_of_work.py), with the real
repositories and every specific query, on a dictionary instead of Firestore: ``MemoryStore``
answers the store's calls as Firestore does (the values it keeps, filters, ordering, cursors,
aggregations, and a transaction's rules: all reads before the first write, nothing visible
unless the whole transaction succeeds). tests/integration/test_store_contract.py runs the same
cases against it and the emulator, so the two cannot drift apart.
"""

from __future__ import annotations

import enum
import math
from datetime import date, datetime, timezone
from typing import Any, Callable, Iterable, TypeVar

from common.adapters.store import RANGE_OPERATORS, Aggregation, Increment, Query, count, parent_of
from common.adapters.unit_of_work import UnitOfWork
from common.domain.accounts import AuthRecord
from common.domain.clock import utcnow
from common.domain.events import Event
from common.services.ports import AccountError, PublishError, Receipts

T = TypeVar("T")
INT64 = 2**63


class ReadAfterWrite(AssertionError):
    """Firestore refuses a read after a write in one transaction; so do we."""


# -- values as Firestore keeps them ----------------------------------------------------------

def _stored(value: Any) -> Any:
    """A fresh copy of ``value`` as Firestore would store it, or TypeError for what it cannot."""
    kind = type(value)
    if kind is str or kind is float or kind is bool or value is None:  # the common cases first: this runs for every field
        return value
    if kind is dict:
        if not all(isinstance(k, str) for k in value):
            raise TypeError("Firestore map keys are text")
        return {str(k): _stored(v) for k, v in value.items()}
    if kind is list or kind is tuple:
        return [_stored(v) for v in value]
    if isinstance(value, enum.Enum) and not isinstance(value, (str, int)):
        raise TypeError(f"Firestore cannot store {value!r}")
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return str(value)  # a StrEnum is kept as its text
    if isinstance(value, int):
        if not -INT64 <= value < INT64:
            raise OverflowError(f"{value} is beyond Firestore's 64-bit integers")
        return int(value)
    if isinstance(value, datetime):
        moment = value if value.tzinfo else value.replace(tzinfo=timezone.utc)  # naive times are taken as UTC
        return moment.astimezone(timezone.utc)
    if isinstance(value, date):
        raise TypeError(f"Firestore has no date type: store {value} as text")
    if isinstance(value, dict):
        return _stored(dict(value))
    raise TypeError(f"Firestore cannot store {type(value).__name__}")


def _copy(value: Any) -> Any:
    kind = type(value)
    if kind is dict:
        return {k: _copy(v) if type(v) in (dict, list) else v for k, v in value.items()}
    if kind is list:
        return [_copy(v) if type(v) in (dict, list) else v for v in value]
    return value


_MISSING = object()


def _field(data: dict[str, Any], path: str) -> Any:
    current: Any = data
    for part in path.split("."):
        if not isinstance(current, dict) or part not in current:
            return _MISSING
        current = current[part]
    return current


def _kind(value: Any) -> int:
    """Firestore's order of value types: null, booleans, numbers, timestamps, text, bytes, arrays, maps."""
    if value is None:
        return 0
    if isinstance(value, bool):
        return 1
    if isinstance(value, (int, float)):
        return 2
    if isinstance(value, datetime):
        return 3
    if isinstance(value, str):
        return 4
    if isinstance(value, bytes):
        return 5
    return 9 if isinstance(value, list) else 10


def _order_key(value: Any) -> tuple[int, Any]:
    kind = _kind(value)
    if kind == 0:
        return (0, 0)
    if kind == 2 and isinstance(value, float) and math.isnan(value):
        return (2, -math.inf)  # NaN sorts before every other number
    if kind in (9, 10):
        return (kind, repr(value))
    return (kind, value)


def _equal(a: Any, b: Any) -> bool:
    return _kind(a) == _kind(b) and a == b


def _matches(value: Any, op: str, operand: Any) -> bool:
    if value is _MISSING:
        return False  # a document without the field matches no filter on it
    if op == "==":
        return _equal(value, operand)
    if op == "in":
        return any(_equal(value, o) for o in operand)
    if op == "array_contains":
        return isinstance(value, list) and any(_equal(v, operand) for v in value)
    if _kind(value) != _kind(operand) or value is None:
        return False  # a range filter matches only values of its operand's type
    return {"<": value < operand, "<=": value <= operand, ">": value > operand, ">=": value >= operand}[op]


def _run(query: Query, documents: dict[str, dict[str, Any]]) -> list[tuple[str, dict[str, Any]]]:
    rows = [(doc_id, data) for doc_id, data in documents.items()
            if all(_matches(_field(data, path), op, value) for path, op, value in query.filters)]
    explicit = [path for path, _ in query.order]
    implicit = sorted({path for path, op, _ in query.filters if op in RANGE_OPERATORS} - set(explicit))
    order = [*query.order, *((path, False) for path in implicit)]
    rows = [(doc_id, data) for doc_id, data in rows if all(_field(data, path) is not _MISSING for path, _ in order)]
    last_descending = order[-1][1] if order else False
    rows.sort(key=lambda row: row[0], reverse=last_descending)  # ties: by document id, in the last order's direction
    for path, descending in reversed(order):
        rows.sort(key=lambda row: _order_key(_field(row[1], path)), reverse=descending)
    if query.after is not None:
        rows = [row for row in rows if _after(row[1], order, query.after)]
    if query.limit is not None:
        rows = rows[: query.limit]
    if query.fields is not None:
        rows = [(doc_id, _project(data, query.fields)) for doc_id, data in rows]
    return rows


def _after(data: dict[str, Any], order: list[tuple[str, bool]], cursor: tuple[Any, ...]) -> bool:
    for (path, descending), value in zip(order, cursor):
        mine, theirs = _order_key(_field(data, path)), _order_key(_stored(value))
        if mine != theirs:
            return (mine < theirs) if descending else (mine > theirs)
    return False  # equal on every cursor field: start_after skips it


def _project(data: dict[str, Any], fields: tuple[str, ...]) -> dict[str, Any]:
    projected: dict[str, Any] = {}
    for path in fields:
        value = _field(data, path)
        if value is _MISSING:
            continue
        *parents, leaf = path.split(".")
        target = projected
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = value
    return projected


def _updated(data: dict[str, Any], fields: dict[str, Any]) -> dict[str, Any]:
    changed = _copy(data)
    for path, value in fields.items():
        *parents, leaf = path.split(".")
        target = changed
        for part in parents:
            target = target.setdefault(part, {})
        if isinstance(value, Increment):
            current = target.get(leaf)
            target[leaf] = (current if isinstance(current, (int, float)) and not isinstance(current, bool) else 0) + value.by
        else:
            target[leaf] = _stored(value)
    return changed


# -- the store -------------------------------------------------------------------------------

class Documents:
    """The database: documents by collection path, then id. Stored documents are never changed
    in place (a write stores a new one), so a transaction's copy can share them."""

    def __init__(self) -> None:
        self.collections: dict[str, dict[str, dict[str, Any]]] = {}

    def staged(self) -> "Documents":
        copy = Documents()
        copy.collections = {path: dict(docs) for path, docs in self.collections.items()}
        return copy

    def collection(self, path: str) -> dict[str, dict[str, Any]]:
        return self.collections.get(path, {})


class MemoryStore:
    """The Store calls (common/adapters/store.py) on a dictionary, as Firestore answers them."""

    def __init__(self, documents: Documents, transactional: bool = False) -> None:
        self.documents = documents
        self.transactional = transactional
        self.wrote = False

    def _reading(self) -> None:
        if self.transactional and self.wrote:
            raise ReadAfterWrite("read after write inside a transaction")

    def _find(self, path: str) -> dict[str, Any] | None:
        collection, doc_id = parent_of(path)
        return self.documents.collection(collection).get(doc_id)

    def get(self, path: str) -> dict[str, Any] | None:
        self._reading()
        count(reads=1)
        found = self._find(path)
        return _copy(found) if found is not None else None

    def get_all(self, paths: list[str]) -> dict[str, dict[str, Any]]:
        self._reading()
        paths = list(dict.fromkeys(paths))
        count(reads=len(paths))
        return {p: _copy(found) for p in paths if (found := self._find(p)) is not None}

    def query(self, query: Query) -> list[tuple[str, dict[str, Any]]]:
        self._reading()
        rows = _run(query, self.documents.collection(query.collection))
        count(reads=max(1, len(rows)))
        return [(doc_id, _copy(data)) for doc_id, data in rows]

    def aggregate(self, query: Query, aggregations: dict[str, Aggregation]) -> dict[str, int | float]:
        # Aggregations run outside the transaction, as the Firestore store runs them.
        rows = _run(query, self.documents.collection(query.collection))
        items = list(aggregations.items())
        values: dict[str, int | float] = {}
        for start in range(0, len(items), 5):  # as the Firestore store: five aggregations per query
            group = items[start : start + 5]
            count(reads=1)
            # Firestore computes a query's aggregations over the documents that have every field
            # they sum (a null counts as having it): one sum narrows the count beside it.
            paths = [path for _, (kind, path) in group if kind == "sum"]
            having = [d for _, d in rows if all(_field(d, p or "") is not _MISSING for p in paths)]
            for alias, (kind, path) in group:
                if kind == "count":
                    values[alias] = len(having)
                else:
                    values[alias] = sum(v for d in having if _kind(v := _field(d, path or "")) == 2 and not isinstance(v, bool))
        return values

    def _put(self, path: str, data: dict[str, Any]) -> None:
        collection, doc_id = parent_of(path)
        self.documents.collections.setdefault(collection, {})[doc_id] = data

    def set(self, path: str, data: dict[str, Any]) -> None:
        self.set_all([(path, data)])

    def set_all(self, items: list[tuple[str, dict[str, Any]]]) -> None:
        stored = [(path, _stored(data)) for path, data in items]  # refuse before writing anything
        self.wrote = self.wrote or bool(items)
        count(writes=len(items))
        for path, data in stored:
            self._put(path, data)

    def create(self, path: str, data: dict[str, Any]) -> None:
        from google.api_core.exceptions import AlreadyExists

        if self._find(path) is not None:
            raise AlreadyExists(f"Document already exists: {path}")
        self.set(path, data)

    def update(self, path: str, fields: dict[str, Any]) -> None:
        self.update_all([path], fields)

    def update_all(self, paths: list[str], fields: dict[str, Any]) -> None:
        from google.api_core.exceptions import NotFound

        current = [(path, self._find(path)) for path in paths]
        if missing := [path for path, data in current if data is None]:
            raise NotFound(f"No document to update: {missing[0]}")
        self.wrote = self.wrote or bool(paths)
        count(writes=len(paths))
        for path, data in current:
            self._put(path, _updated(data, fields))  # type: ignore[arg-type]

    def merge(self, path: str, fields: dict[str, Any]) -> None:
        """Write kind "merge" (common.adapters.store.Write): these fields, the others kept, created if missing."""
        self.wrote = True
        count(writes=1)
        self._put(path, _updated(self._find(path) or {}, fields))

    def delete(self, path: str) -> None:
        self.wrote = True
        count(writes=1)
        collection, doc_id = parent_of(path)
        self.documents.collections.get(collection, {}).pop(doc_id, None)

    def write_all(self, writes: list[tuple[str, str, dict[str, Any] | None]]) -> None:
        # One commit: applied to a copy and swapped in, so a refused write leaves nothing.
        target = MemoryStore(self.documents.staged())
        for kind, path, data in writes:
            if kind == "delete":
                target.delete(path)
            elif kind == "update":
                target.update(path, data or {})
            else:
                getattr(target, kind)(path, data)
        self.documents.collections = target.documents.collections
        self.wrote = self.wrote or bool(writes)


class FakeUnitOfWork(UnitOfWork):
    """The unit of work on a MemoryStore. ``publisher`` defaults to a FakePublisher (``uow.publisher``)."""

    def __init__(self, publisher: Any = None, now: Callable[[], datetime] | None = None) -> None:
        self.documents = Documents()
        super().__init__(MemoryStore(self.documents), publisher if publisher is not None else FakePublisher(), now or utcnow)
        self.commits = 0
        self.state = StoredState(self)

    def _run(self, attempt: Callable[[MemoryStore], T]) -> T:
        staged = self.documents.staged()
        result = attempt(MemoryStore(staged, transactional=True))
        self.documents.collections = staged.collections  # commit: a failure above leaves no trace
        self.commits += 1
        return result


class StoredState:
    """What is stored, collection by collection, as models: ``uow.state.findings`` is {id: Finding}."""

    _RAW = {"guards": "investigation_guards", "prefs": "notification_prefs", "complainers": "complainers"}

    def __init__(self, uow: FakeUnitOfWork) -> None:
        self._uow = uow

    def _decoded(self, repository, path: str | None = None) -> dict[str, Any]:
        docs = self._uow.documents.collection(path or repository.path)
        return {doc_id: repository.decode(doc_id, _copy(data)) for doc_id, data in docs.items()}

    def _nested(self, prefix: str, suffix: str) -> dict[str, dict[str, dict[str, Any]]]:
        """{parent id: {id: data}} of the subcollections prefix/{parent}/suffix."""
        found: dict[str, dict[str, dict[str, Any]]] = {}
        for path, docs in self._uow.documents.collections.items():
            parts = path.split("/")
            if len(parts) == 3 and parts[0] == prefix and parts[2] == suffix and docs:
                found[parts[1]] = {doc_id: _copy(data) for doc_id, data in docs.items()}
        return found

    def __getattr__(self, name: str) -> Any:
        uow = self._uow
        if name in self._RAW:
            return {doc_id: _copy(data) for doc_id, data in uow.documents.collection(self._RAW[name]).items()}
        if name == "unit_results":
            return self._decoded(uow.results.units)
        if name == "pictures":
            return self._decoded(uow.investigations.pictures)
        if name == "revisions":
            return {f"{report}/{rev}": uow.reports.decode(rev, data)
                    for report, docs in self._nested("reports", "revisions").items() for rev, data in docs.items()}
        if name == "inbox":
            return self._nested("inbox", "items")
        if name == "devices":
            return self._nested("devices", "tokens")
        if name == "unit_statuses":
            return {run: {unit: uow.runs._units(run).decode(unit, data) for unit, data in docs.items()}
                    for run, docs in self._nested("scoring_runs", "units").items()}
        if name == "deliveries":
            return self._decoded(uow.notifications._deliveries)
        if name == "digests":
            return self._decoded(uow.notifications._digests)
        if name == "rate_limits":
            return {key: data["count"] for key, data in uow.documents.collection("rate_limits").items()}
        if name == "survey_keys":
            return {doc_id: uow.survey_keys.get(doc_id) for doc_id in uow.documents.collection("survey_keys")}
        return self._decoded(getattr(uow, name))


class FakeEvidenceStore:
    """A bucket in memory: objects with generations, and the URLs it was asked to sign."""

    def __init__(self) -> None:
        self.objects: dict[str, tuple[int, bytes, str]] = {}
        self.signed: list[tuple[str, str]] = []
        self.deleted: list[str] = []
        self._generation = 1000
        self.fail_delete = False

    def put_object(self, name: str, data: bytes, content_type: str = "application/octet-stream") -> int:
        """What the phone's PUT to the signed URL does."""
        self._generation += 1
        self.objects[name] = (self._generation, data, content_type)
        return self._generation

    def upload_target(self, object_name: str, content_type: str, max_size: int, expires_at: datetime):
        from common.services.ports import UploadTarget

        self.signed.append(("PUT", object_name))
        return UploadTarget(url=f"https://storage.example/{object_name}?sig=put&exp={expires_at.isoformat()}",
                            headers={"Content-Type": content_type, "x-goog-content-length-range": f"0,{max_size}"})

    def download_url(self, object_name: str, filename: str, content_type: str, expires_at: datetime) -> str:
        self.signed.append(("GET", object_name))
        return f"https://storage.example/{object_name}?sig=get&name={filename}"

    def read(self, object_name: str, generation: int, limit: int) -> bytes | None:
        found = self.objects.get(object_name)
        return found[1][:limit] if found and found[0] == generation else None

    def replace(self, object_name: str, data: bytes, content_type: str, if_generation: int) -> int | None:
        found = self.objects.get(object_name)
        if found is None or found[0] != if_generation:
            return None
        return self.put_object(object_name, data, content_type)

    def delete(self, object_name: str, generation: int | None = None) -> None:
        if self.fail_delete:
            raise ConnectionError("storage unavailable (fake)")
        found = self.objects.get(object_name)
        if found and (generation is None or found[0] == generation):
            del self.objects[object_name]
            self.deleted.append(object_name)



class FakePublisher:
    def __init__(self) -> None:
        self.published: list[Event] = []
        self.forwarded: list[tuple[str, bytes, dict[str, str]]] = []  # (topic, data, attributes)
        self.fail = False
        self.unacknowledged: list[Event] = []  # what the receipts subscriptions hold

    def publish(self, events: list[Event]) -> None:
        if self.fail:
            raise PublishError("Pub/Sub unavailable (fake)")
        self.published.extend(events)
        self.unacknowledged.extend(events)

    def receipts(self, limit: int) -> Receipts:
        """As Pub/Sub's: at most ``limit`` per topic, kept until acknowledged."""
        taken: list[Event] = []
        for topic in dict.fromkeys(e.topic for e in self.unacknowledged):
            taken += [e for e in self.unacknowledged if e.topic == topic][:limit]

        def acknowledge() -> None:
            self.unacknowledged = [e for e in self.unacknowledged if not any(e is t for t in taken)]

        return Receipts(list(dict.fromkeys(e.id for e in taken)), acknowledge, more=bool(taken))

    def forward(self, topic: str, data: bytes, attributes: dict[str, str]) -> None:
        if self.fail:
            raise PublishError("Pub/Sub unavailable (fake)")
        self.forwarded.append((topic, data, attributes))


class FakeAccounts:
    """Firebase Auth in memory: accounts by uid, with the calls the services make."""

    def __init__(self) -> None:
        self.users: dict[str, AuthRecord] = {}
        self.revoked: list[str] = []
        self.links: list[str] = []
        self.calls: list[str] = []

    def sign_up(self, email: str) -> AuthRecord:
        """An account somebody made for themselves from a client, before BKPSDM loaded them."""
        user = AuthRecord(uid=f"self-{len(self.users) + 1}", email=email.lower(), disabled=False, has_password=True)
        self.users[user.uid] = user
        return user

    def lookup(self, uids: Iterable[str], emails: Iterable[str]) -> tuple[dict[str, AuthRecord], dict[str, AuthRecord]]:
        self.calls.append("lookup")
        wanted = {e.lower() for e in emails}
        by_uid = {u: self.users[u] for u in uids if u in self.users}
        by_email = {user.email: user for user in self.users.values() if user.email in wanted}
        return by_uid, by_email

    def create(self, uid: str, email: str, display_name: str, disabled: bool) -> None:
        self.calls.append("create")
        if any(u.email == email.lower() for u in self.users.values() if u.uid != uid):
            raise AccountError(f"the e-mail {email} was taken meanwhile")
        self.users.setdefault(uid, AuthRecord(uid=uid, email=email.lower(), disabled=disabled))

    def update(self, uid: str, *, email: str | None = None, display_name: str | None = None, disabled: bool | None = None) -> None:
        self.calls.append("update")
        changes = {k: v for k, v in {"email": email.lower() if email else None, "disabled": disabled}.items() if v is not None}
        self.users[uid] = self.users[uid].model_copy(update=changes)

    def set_claims(self, uid: str, claims: dict[str, Any]) -> None:
        self.calls.append("set_claims")
        self.users[uid] = self.users[uid].model_copy(update={"claims": dict(claims)})

    def revoke_sessions(self, uid: str) -> None:
        self.calls.append("revoke")
        self.revoked.append(uid)

    def invitation_link(self, email: str, continue_url: str | None) -> str:
        link = f"https://auth.example/action?mode=resetPassword&oobCode=code-{len(self.links) + 1}&email={email}"
        self.links.append(link)
        return link
