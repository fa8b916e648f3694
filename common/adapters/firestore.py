"""Firestore implementation of the unit of work and repositories.

Collections (document id in brackets):
  units/{unit_id}                 employees/{nip}
  skp_plans/{nip}_{year}          reports/{nip}_{period}
  reports/{id}/revisions/{n}      immutable snapshot of each revision and its review
  accounts/{nip}                  the sign-in account the system created for the employee
  idempotency/{sha256}            first results of keyed requests (TTL: expire_at)
  outbox/{event_id}               events written with the change that caused them
  evidence/{upload_id}            evidence uploads and their verdicts (firestore_evidence.py)
Survey collections are described in firestore_surveys.py.
"""

from __future__ import annotations

import contextvars
import threading
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, Callable, Iterable, TypeVar

from pydantic import BaseModel

from common.domain.accounts import Account
from common.domain.events import Event
from common.domain.organisation import Employee, Unit
from common.domain.reports import Report
from common.domain.skp import SkpPlan, plan_id
from common.services.ports import IdempotencyRecord, OutboxEntry

if TYPE_CHECKING:  # the client library is imported lazily: it is a large part of cold start
    from google.cloud.firestore import Client, Transaction

T = TypeVar("T")
M = TypeVar("M", bound=BaseModel)

BATCH_LIMIT = 400  # below Firestore's 500 writes per commit, leaving room for snapshots
PUBLISHED_OUTBOX_TTL = timedelta(days=7)

@dataclass
class Meter:
    """Counts billed document reads and writes while it is current (see ``metered``)."""

    reads: int = 0
    writes: int = 0


_meter: contextvars.ContextVar[Meter | None] = contextvars.ContextVar("firestore_meter", default=None)


class metered:
    """``with metered() as meter:`` counts this thread's Firestore operations, as billed:
    one read per document returned or asked for by id (a query that returns nothing still
    costs one), one per aggregation query, one write per document written."""

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
    # Python mode keeps datetimes as datetimes, so Firestore stores Timestamps (TTL and
    # range queries need them). Plain dates have no Firestore type: they become YYYY-MM-DD.
    return _dates_as_text(model.model_dump(mode="python"))


def _dates_as_text(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _dates_as_text(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_dates_as_text(v) for v in value]
    if isinstance(value, date) and not isinstance(value, datetime):
        return value.isoformat()
    return value


def from_doc(cls: type[M], data: dict[str, Any] | None) -> M | None:
    return None if data is None else cls.model_validate(data)


class _Repository:
    collection: str

    def __init__(self, client: "Client", transaction: "Transaction | None" = None) -> None:
        self.client = client
        self.tx = transaction

    def _ref(self, doc_id: str):
        return self.client.collection(self.collection).document(doc_id)

    def _read(self, doc_id: str) -> dict[str, Any] | None:
        if not valid_id(doc_id):
            return None
        count(reads=1)
        snapshot = self._ref(doc_id).get(transaction=self.tx, **rpc())
        return snapshot.to_dict() if snapshot.exists else None

    def _read_many(self, doc_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
        refs = [self._ref(i) for i in dict.fromkeys(doc_ids) if valid_id(i)]  # unique, order kept
        if not refs:
            return {}
        count(reads=len(refs))
        return {s.id: s.to_dict() for s in self.client.get_all(refs, transaction=self.tx, **rpc()) if s.exists}

    def _query(self, field: str, value: Any) -> list[dict[str, Any]]:
        from google.cloud.firestore_v1.base_query import FieldFilter

        query = self.client.collection(self.collection).where(filter=FieldFilter(field, "==", value))
        return self._stream(query)

    def _stream(self, query) -> list[dict[str, Any]]:
        docs = [s.to_dict() for s in query.stream(transaction=self.tx, **rpc())]
        count(reads=max(1, len(docs)))
        return docs

    def _write(self, doc_id: str, data: dict[str, Any]) -> None:
        count(writes=1)
        ref = self._ref(doc_id)
        if self.tx is not None:
            self.tx.set(ref, data)
        else:
            ref.set(data, **rpc())

    def _write_many(self, items: list[tuple[Any, dict[str, Any]]]) -> None:
        """Write (ref, data) pairs in batches; inside a transaction, as part of it."""
        count(writes=len(items))
        if self.tx is not None:
            for ref, data in items:
                self.tx.set(ref, data)
            return
        for start in range(0, len(items), BATCH_LIMIT):
            batch = self.client.batch()
            for ref, data in items[start : start + BATCH_LIMIT]:
                batch.set(ref, data)
            batch.commit(**rpc())


class FirestoreUnits(_Repository):
    collection = "units"

    def get(self, unit_id: str) -> Unit | None:
        return from_doc(Unit, self._read(unit_id))

    def get_many(self, unit_ids: Iterable[str]) -> dict[str, Unit]:
        return {k: Unit.model_validate(v) for k, v in self._read_many(unit_ids).items()}

    def all(self) -> list[Unit]:
        docs = self._stream(self.client.collection(self.collection))
        return sorted((Unit.model_validate(d) for d in docs), key=lambda u: u.id)

    def put_many(self, units: list[Unit]) -> None:
        self._write_many([(self._ref(u.id), to_doc(u)) for u in units])


class FirestoreEmployees(_Repository):
    collection = "employees"

    def get(self, nip: str) -> Employee | None:
        return from_doc(Employee, self._read(nip))

    def get_many(self, nips: Iterable[str]) -> dict[str, Employee]:
        return {k: Employee.model_validate(v) for k, v in self._read_many(nips).items()}

    def subordinates(self, supervisor_nip: str) -> list[Employee]:
        return [Employee.model_validate(d) for d in self._query("supervisor_nip", supervisor_nip)]

    def in_unit(self, unit_id: str) -> list[Employee]:
        return [Employee.model_validate(d) for d in self._query("unit_id", unit_id)]

    def with_role(self, role) -> list[Employee]:
        return [e for e in (Employee.model_validate(d) for d in self._query("role", role.value)) if e.active]

    def all_active(self) -> list[Employee]:
        return [Employee.model_validate(d) for d in self._query("active", True)]

    def put_many(self, employees: list[Employee]) -> None:
        self._write_many([(self._ref(e.nip), to_doc(e)) for e in employees])


class FirestoreAccounts(_Repository):
    """``accounts/{nip}``: the accounts the system created, and their last invitation."""

    collection = "accounts"

    def get_many(self, nips: Iterable[str]) -> dict[str, Account]:
        return {k: Account.model_validate(v) for k, v in self._read_many(nips).items()}

    def put_many(self, accounts: list[Account]) -> None:
        self._write_many([(self._ref(a.nip), to_doc(a)) for a in accounts])

    def delete(self, nip: str) -> None:
        count(writes=1)
        if self.tx is not None:
            self.tx.delete(self._ref(nip))
        else:
            self._ref(nip).delete(**rpc())

    def with_employee(self, nip: str) -> tuple[Employee | None, Account | None]:
        if not valid_id(nip):
            return None, None
        employee, account = self.client.collection("employees").document(nip), self._ref(nip)
        count(reads=2)
        found = {s.reference.path: s.to_dict() for s in self.client.get_all([employee, account], transaction=self.tx, **rpc()) if s.exists}
        return from_doc(Employee, found.get(employee.path)), from_doc(Account, found.get(account.path))


class FirestorePlans(_Repository):
    collection = "skp_plans"

    def get(self, nip: str, year: int) -> SkpPlan | None:
        return from_doc(SkpPlan, self._read(plan_id(nip, year)))

    def get_many(self, ids: Iterable[str]) -> dict[str, SkpPlan]:
        return {k: SkpPlan.model_validate(v) for k, v in self._read_many(ids).items()}

    def put_many(self, plans: list[SkpPlan]) -> None:
        self._write_many([(self._ref(p.id), to_doc(p)) for p in plans])


class FirestoreReports(_Repository):
    collection = "reports"

    def get(self, report_id: str) -> Report | None:
        return from_doc(Report, self._read(report_id))

    def get_many(self, report_ids: Iterable[str]) -> dict[str, Report]:
        return {k: Report.model_validate(v) for k, v in self._read_many(report_ids).items()}

    def put(self, report: Report) -> None:
        self._write_many(self._items(report))

    def put_many(self, reports: list[Report]) -> None:
        self._write_many([item for r in reports for item in self._items(r)])

    def _items(self, report: Report) -> list[tuple[Any, dict[str, Any]]]:
        data = to_doc(report)
        snapshot = self._ref(report.id).collection("revisions").document(str(report.revision))
        return [(self._ref(report.id), data), (snapshot, data)]


class FirestoreIdempotency(_Repository):
    collection = "idempotency"

    def get(self, record_id: str) -> IdempotencyRecord | None:
        return from_doc(IdempotencyRecord, self._read(record_id))

    def put(self, record: IdempotencyRecord) -> None:
        self._write(record.id, to_doc(record))


class FirestoreOutbox(_Repository):
    """Events waiting to be published. ``pending`` is a plain boolean so the
    relay's query is one equality filter and an order on created_at."""

    collection = "outbox"

    def add(self, events: list[Event], now: datetime) -> None:
        self._write_many(
            [
                (self._ref(e.id), {**to_doc(OutboxEntry(event=e, created_at=now)), "pending": True, "topic": e.topic})
                for e in events
            ]
        )

    def pending(self, created_before: datetime, limit: int) -> list[OutboxEntry]:
        from google.cloud.firestore_v1.base_query import FieldFilter

        query = (
            self.client.collection(self.collection)
            .where(filter=FieldFilter("pending", "==", True))
            .where(filter=FieldFilter("created_at", "<=", created_before))
            .order_by("created_at")
            .limit(limit)
        )
        return [OutboxEntry.model_validate(d) for d in self._stream(query)]

    def mark_published(self, event_ids: list[str], now: datetime) -> None:
        for event_id in event_ids:
            self._ref(event_id).update({"pending": False, "published_at": now, "expire_at": now + PUBLISHED_OUTBOX_TTL}, **rpc())

    def mark_failed(self, event_ids: list[str], error: str) -> None:
        from google.cloud import firestore

        for event_id in event_ids:
            self._ref(event_id).update({"attempts": firestore.Increment(1), "last_error": error[:500]}, **rpc())


class _Repositories:
    def __init__(self, client: "Client", transaction: "Transaction | None" = None) -> None:
        self.accounts = FirestoreAccounts(client, transaction)
        self.units = FirestoreUnits(client, transaction)
        self.employees = FirestoreEmployees(client, transaction)
        self.plans = FirestorePlans(client, transaction)
        self.reports = FirestoreReports(client, transaction)
        self.idempotency = FirestoreIdempotency(client, transaction)
        self.outbox = FirestoreOutbox(client, transaction)
        from .firestore_surveys import (
            FirestoreComplainers,
            FirestoreInvestigations,
            FirestoreRateLimits,
            FirestoreSurveyKeys,
            FirestoreSurveys,
        )

        self.surveys = FirestoreSurveys(client, transaction)
        self.rate_limits = FirestoreRateLimits(client, transaction)
        self.complainers = FirestoreComplainers(client, transaction)
        self.survey_keys = FirestoreSurveyKeys(client, transaction)
        self.investigations = FirestoreInvestigations(client, transaction)
        from .firestore_scoring import FirestoreAudit, FirestoreFindings, FirestoreResults, FirestoreRuns, FirestoreTrainings

        self.results = FirestoreResults(client, transaction)
        self.findings = FirestoreFindings(client, transaction)
        self.runs = FirestoreRuns(client, transaction)
        self.trainings = FirestoreTrainings(client, transaction)
        self.audit = FirestoreAudit(client, transaction)
        from .firestore_notifications import FirestoreNotifications

        self.notifications = FirestoreNotifications(client, transaction)
        from .firestore_evidence import FirestoreEvidence

        self.evidence = FirestoreEvidence(client, transaction)
        from .firestore_annual import FirestoreAnnual

        self.annual = FirestoreAnnual(client, transaction)


class FirestoreUnitOfWork(_Repositories):
    def __init__(self, client: "Client", max_attempts: int = 5) -> None:
        super().__init__(client)
        self.client = client
        self.max_attempts = max_attempts

    def meter(self) -> metered:
        return metered()

    def transaction(self, work: Callable[[_Repositories], T]) -> T:
        from google.api_core.exceptions import GoogleAPICallError
        from google.cloud import firestore

        @firestore.transactional
        def run(transaction: "Transaction") -> T:
            return work(_Repositories(self.client, transaction))

        try:
            return run(self.client.transaction(max_attempts=self.max_attempts))
        except ValueError as error:
            # When Firestore cannot be reached the library's clean-up fails too ("no
            # transaction ID ... cannot be rolled back") and hides the real cause: raise that,
            # so the caller sees an outage (503), not a bug.
            if isinstance(error.__context__, GoogleAPICallError):
                raise error.__context__ from None
            raise
