"""The unit of work: every repository on one store, transactions, and the events they emit.

A service says ``tx.emit(events)`` inside ``uow.transaction(work)``: the events are written to
the outbox in the same transaction as the change that caused them, and published once the
transaction has committed (cosmicpython's ``collect_new_events``). A transaction that is run
again on contention starts with an empty list, so only the attempt that committed publishes.
A failed publish loses nothing: the events wait in the outbox for the relay.

The transaction itself is the backend's: Firestore's (firestore.py) or the unit tests'
dictionary (tests/fakes.py); everything else here is shared by both.
"""

from __future__ import annotations

import importlib
import logging
from datetime import datetime
from typing import TYPE_CHECKING, Any, Callable, Iterable, TypeVar

from common.domain.clock import utcnow
from common.domain.events import Event

from .store import Deferred, Store, metered

T = TypeVar("T")
log = logging.getLogger(__name__)


_REPOSITORIES = {  # attribute: (module, class); each module is imported when first used (cold start)
    "accounts": ("repositories", "AccountRecords"), "units": ("repositories", "Units"),
    "employees": ("repositories", "Employees"), "plans": ("repositories", "Plans"),
    "reports": ("repositories", "Reports"), "idempotency": ("repositories", "Idempotency"),
    "outbox": ("repositories", "Outbox"), "evidence": ("repositories", "EvidenceRecords"),
    "surveys": ("repositories_surveys", "Surveys"), "rate_limits": ("repositories_surveys", "RateLimits"),
    "complainers": ("repositories_surveys", "Complainers"), "survey_keys": ("repositories_surveys", "SurveyKeys"),
    "investigations": ("repositories_surveys", "Investigations"),
    "results": ("repositories_scoring", "Results"), "findings": ("repositories_scoring", "Findings"),
    "runs": ("repositories_scoring", "Runs"), "trainings": ("repositories_scoring", "Trainings"),
    "audit": ("repositories_scoring", "Audit"),
    "notifications": ("repositories_notifications", "Notifications"),
    "annual": ("repositories_annual", "Annual"),
    "objections": ("repositories_objections", "Objections"),
}


class Repositories:
    """Every repository, bound to one store (one transaction, or none). Each is made on first
    use, so a function loads only the models of the collections it touches."""

    if TYPE_CHECKING:
        from .repositories import AccountRecords, Employees, EvidenceRecords, Idempotency, Outbox, Plans, Reports, Units
        from .repositories_annual import Annual
        from .repositories_notifications import Notifications
        from .repositories_objections import Objections
        from .repositories_scoring import Audit, Findings, Results, Runs, Trainings
        from .repositories_surveys import Complainers, Investigations, RateLimits, SurveyKeys, Surveys

        accounts: AccountRecords
        units: Units
        employees: Employees
        plans: Plans
        reports: Reports
        idempotency: Idempotency
        outbox: Outbox
        evidence: EvidenceRecords
        surveys: Surveys
        rate_limits: RateLimits
        complainers: Complainers
        survey_keys: SurveyKeys
        investigations: Investigations
        results: Results
        findings: Findings
        runs: Runs
        trainings: Trainings
        audit: Audit
        notifications: Notifications
        annual: Annual
        objections: Objections

    def __init__(self, store: Store, now: Callable[[], datetime] = utcnow) -> None:
        self.store = store
        self._now = now
        self.emitted: list[Event] = []
        self.later: list[Callable[[Repositories], None]] = []

    def __getattr__(self, name: str) -> Any:
        if name not in _REPOSITORIES:
            raise AttributeError(name)
        module, cls = _REPOSITORIES[name]
        repository = getattr(importlib.import_module(f"{__package__}.{module}"), cls)(self.store)
        setattr(self, name, repository)  # made once per unit of work or transaction
        return repository

    def emit(self, events: Iterable[Event]) -> None:
        """Record events in the outbox with this transaction's writes; published after commit."""
        seen = {x.id for x in self.emitted}
        new = []
        for event in events:
            if event.id not in seen:  # an event recorded twice is one
                seen.add(event.id)
                new.append(event)
        if new:
            self.outbox.add(new)
            self.emitted.extend(new)

    def after_commit(self, write: Callable[["Repositories"], None]) -> None:
        """Writes to make once this transaction has committed, kept out of its commit; they
        go out in one commit of their own while the events are published."""
        self.later.append(write)


class UnitOfWork(Repositories):
    """Repositories outside any transaction, ``transaction(work)``, and the publisher."""

    def __init__(self, store: Store, publisher: Any = None, now: Callable[[], datetime] = utcnow) -> None:
        super().__init__(store, now)
        self._publisher = publisher

    @property
    def publisher(self) -> Any:
        """The publisher, created on first use (a callable is a factory: Pub/Sub's client is slow to import)."""
        if self._publisher is not None and not hasattr(self._publisher, "publish"):
            self._publisher = self._publisher()
        return self._publisher

    def meter(self) -> metered:
        return metered()

    def beside(self, read: Callable[[], T]) -> Callable[[], T]:
        """Here at once, one after the other (the unit tests' store); Firestore's runs it on a thread."""
        from concurrent.futures import Future

        done: Future[T] = Future()
        try:
            done.set_result(read())
        except Exception as error:
            done.set_exception(error)  # raised where the answer is asked for, as from the thread
        return done.result

    def _run(self, attempt: Callable[[Store], T]) -> T:
        """Run ``attempt`` in one transaction of the backend (again on contention) and commit."""
        raise NotImplementedError

    def transaction(self, work: Callable[[Repositories], T]) -> T:
        emitted: list[Event] = []
        later: list[Callable[[Repositories], None]] = []

        def attempt(store: Store) -> T:
            tx = Repositories(store, self._now)
            result = work(tx)
            emitted[:] = tx.emitted  # this attempt's events; an earlier, retried one's are gone
            later[:] = tx.later
            return result

        result = self._run(attempt)
        wrote = None
        if later:
            # What follows the commit, in a commit of its own, in flight while the events are published.
            deferred = Deferred(self.store)
            after = Repositories(deferred, self._now)
            for write in later:
                write(after)
            wrote = self.beside(deferred.commit)
        self.publish_committed(emitted)
        if wrote is not None:
            try:
                wrote()
            except Exception:  # committed and published: a lost count lets one more through
                log.exception("could not write what follows a commit", extra={"writes": len(deferred.writes)})
        return result

    def emit(self, events: Iterable[Event], before_publish: Callable[[], None] | None = None) -> None:
        """Outside a transaction (bulk work too large for one): write the events to the outbox,
        run ``before_publish`` (a side effect the consumers need done first), then publish.
        A failure in between loses nothing: the relay publishes what is in the outbox."""
        new = list(events)
        if new:
            self.outbox.add(new)
        if before_publish is not None:
            before_publish()
        self.publish_committed(new)

    def publish_committed(self, events: list[Event]) -> bool:
        """Publish (the relay marks the outbox entries published from Pub/Sub's receipts)."""
        if not events:
            return True
        if self.publisher is None:  # a tool without Pub/Sub: the relay publishes them
            log.info("no publisher: events wait in the outbox", extra={"event_ids": [e.id for e in events]})
            return False
        from common.services.events import publish_committed

        return publish_committed(events, self.publisher, self.outbox)
