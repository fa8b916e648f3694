"""The ports services talk to. Adapters implement them (Firestore, Pub/Sub,
Firebase Auth); unit tests use the in-memory fakes in ``tests/fakes.py``.

A unit of work hands out repositories two ways: directly, for plain reads and
bulk loads, and inside ``transaction(work)``, where ``work`` receives the same
repositories bound to one Firestore transaction. Inside a transaction every
read must come before the first write (a Firestore rule), and ``work`` may be
run again on contention, so it must not have side effects outside the
repositories.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable, ContextManager, Iterable, Protocol, Sequence, TypeVar

from pydantic import BaseModel, Field

from common.domain.events import Event
from common.domain.model import Model
from common.domain.organisation import Role

if TYPE_CHECKING:  # annotations only: a function imports just the models it uses (cold start)
    from common.domain.accounts import Account, AuthRecord
    from common.domain.annual import AnnualResult
    from common.domain.complaints import ComplaintPicture, Investigation
    from common.domain.evidence import Evidence
    from common.domain.findings import Finding
    from common.domain.notifications import Channel, Delivery, DeliveryStatus, Digest
    from common.domain.objections import Objection
    from common.domain.organisation import Employee, Unit
    from common.domain.reports import Report
    from common.domain.scoring import AsnResult, UnitResult
    from common.domain.skp import SkpPlan
    from common.domain.survey import SurveyResponse
    from common.domain.training import Training

T = TypeVar("T")


class ScoringRun(Model):
    """One evaluation of a period: a message per unit, units scored in parallel."""

    id: str
    period: str
    requested_by: str = Field(description="scheduler, or the admin's NIP/uid")
    requested_at: datetime
    units: list[str]
    status: str = Field(default="running", description="running, completed, completed_with_failures")
    done: int = 0
    failed: int = 0
    failed_units: list[str] = Field(default_factory=list)
    finished_at: datetime | None = None

    @property
    def total(self) -> int:
        return len(self.units)


class UnitStatus(Model):
    unit_id: str
    status: str = Field(description="done or failed")
    at: datetime
    reason: str | None = None
    reads: int | None = None
    writes: int | None = None
    employees: int | None = None
    findings_opened: int | None = None


class AuditEntry(Model):
    """Append-only: who or what did what, when, why, from which inputs (before) to what (after)."""

    id: str
    at: datetime
    actor: str
    action: str
    subject: str
    nip: str | None = Field(default=None, description="the person the entry is about, if any")
    reason: str | None = None
    inputs: dict[str, Any] = Field(default_factory=dict)
    outputs: dict[str, Any] = Field(default_factory=dict)


class Caller(Model):
    """Who is asking: the person the verified ID token names, with what their employee
    record grants at the time of the request (role, unit). Never the token's own claims."""

    uid: str
    nip: str | None = None
    role: Role = Role.ASN
    unit_id: str | None = None


class TokenIdentity(Model):
    """What a verified ID token says; only a claim until checked against the employee record."""

    uid: str
    nip: str | None = None
    role: str | None = None
    unit: str | None = None


class TokenVerifier(Protocol):
    """Verifies Firebase ID tokens (common/adapters/firebase_auth.py)."""

    def verify(self, token: str) -> TokenIdentity: ...

    def verify_with(self, token: str, lookup: Callable[[TokenIdentity], T]) -> tuple[TokenIdentity, T]:
        """Verify, with ``lookup`` run beside the revocation check; its answer only for a token that
        passes. One after the other by default (the fakes); the Firebase adapter overlaps them."""
        identity = self.verify(token)
        return identity, lookup(identity)


class IdempotencyRecord(Model):
    """The first result of a request that carried an Idempotency-Key."""

    id: str
    fingerprint: str
    result: dict[str, Any]
    created_at: datetime
    expire_at: datetime  # TTL field: the store deletes the record after this


class OutboxEntry(Model):
    event: Event
    created_at: datetime
    published_at: datetime | None = None
    attempts: int = 0
    last_error: str | None = None


M = TypeVar("M", bound=BaseModel)


class Repository(Protocol[M]):
    """The operations every collection has (common/adapters/repository.py): by document id."""

    def get(self, doc_id: str) -> M | None: ...
    def get_many(self, doc_ids: Iterable[str]) -> dict[str, M]:
        """The documents that exist, in one batched read."""
        ...
    def get_with(self, doc_id: str, *others: tuple[Any, str]) -> list[Any]:
        """This document and others of any collection, in one batched read: each the model, or None."""
        ...
    def put(self, item: M) -> None: ...
    def put_many(self, items: Iterable[M]) -> None: ...
    def delete(self, doc_id: str) -> None: ...


class UnitRepository(Repository["Unit"], Protocol):
    def all(self) -> list[Unit]: ...
    def page(self, limit: int, after: str | None) -> list[Unit]:
        """By id, after an id."""
        ...


class EmployeeRepository(Repository["Employee"], Protocol):
    def subordinates(self, supervisor_nip: str) -> list[Employee]: ...
    def in_unit(self, unit_id: str) -> list[Employee]: ...
    def in_unit_by_name(self, unit_id: str, limit: int, after: tuple[str, str] | None) -> list[Employee]: ...
    def with_role(self, role: Role) -> list[Employee]: ...
    def all_active(self) -> list[Employee]: ...


class SkpRepository(Repository["SkpPlan"], Protocol):
    """Plans by id ({nip}_{year})."""

    def for_year(self, nip: str, year: int) -> SkpPlan | None: ...


class ReportRepository(Repository["Report"], Protocol):
    """``put`` also keeps the revision as an immutable snapshot."""

    def revisions(self, report_id: str) -> list[Report]: ...


class Outbox(Repository[OutboxEntry], Protocol):
    def add(self, events: list[Event]) -> None:
        """Entries created at each event's time."""
        ...
    def pending(self, created_before: datetime, limit: int) -> list[OutboxEntry]: ...
    def mark_published(self, event_ids: list[str], now: datetime) -> None: ...
    def mark_failed(self, event_ids: list[str], error: str) -> None: ...


class AccountRepository(Repository["Account"], Protocol):
    """The system's record of the accounts it created, ``accounts/{nip}``."""

    def with_employee(self, nip: str) -> tuple[Employee | None, Account | None]:
        """The employee record and its account record together, in one read."""
        ...


class Repositories(Protocol):
    # Read-only members: a plain attribute of a Protocol is invariant, and each adapter's
    # repository is a subclass of its port, not the port itself.
    @property
    def accounts(self) -> "AccountRepository": ...
    @property
    def units(self) -> "UnitRepository": ...
    @property
    def employees(self) -> "EmployeeRepository": ...
    @property
    def plans(self) -> "SkpRepository": ...
    @property
    def reports(self) -> "ReportRepository": ...
    @property
    def idempotency(self) -> "Repository[IdempotencyRecord]": ...
    @property
    def outbox(self) -> "Outbox": ...
    @property
    def surveys(self) -> "SurveyRepository": ...
    @property
    def rate_limits(self) -> "RateLimitStore": ...
    @property
    def complainers(self) -> "ComplainerStore": ...
    @property
    def survey_keys(self) -> "SurveyKeyStore": ...
    @property
    def investigations(self) -> "InvestigationRepository": ...
    @property
    def results(self) -> "ResultRepository": ...
    @property
    def findings(self) -> "FindingRepository": ...
    @property
    def runs(self) -> "RunRepository": ...
    @property
    def trainings(self) -> "TrainingRepository": ...
    @property
    def audit(self) -> "AuditLog": ...
    @property
    def notifications(self) -> "NotificationStore": ...
    @property
    def evidence(self) -> "EvidenceRepository": ...
    @property
    def annual(self) -> "AnnualRepository": ...
    @property
    def objections(self) -> "ObjectionRepository": ...

    def emit(self, events: Iterable[Event]) -> None:
        """Inside a transaction: write the events to the outbox with its other writes; the unit
        of work publishes them once it committed."""
        ...

    def after_commit(self, write: Callable[["Repositories"], None]) -> None:
        """Inside a transaction: writes to make once it has committed, kept out of its commit
        (the sender's count beside a survey response). The unit of work sends them in one
        commit while the events are published: no wait of their own."""
        ...


class Meter(Protocol):
    reads: int
    writes: int


class UnitOfWork(Repositories, Protocol):
    def transaction(self, work: Callable[[Repositories], T]) -> T:
        """Run ``work`` in one transaction (again on contention), commit, then publish what it emitted."""
        ...

    def emit(self, events: Iterable[Event], before_publish: Callable[[], None] | None = None) -> None:
        """Outside a transaction (bulk work too large for one): write the events to the outbox,
        run ``before_publish``, then publish them."""
        ...

    def meter(self) -> ContextManager[Meter]:
        """Counts the database operations made inside the ``with`` block (this thread only)."""
        ...

    def beside(self, read: Callable[[], T]) -> Callable[[], T]:
        """Start ``read`` (one outside any transaction) now, in flight while what follows runs
        (a transaction's start and first read); call the answer for its result or its error."""
        ...


class PermanentSendError(Exception):
    """The message can never be delivered as addressed (e.g. the server refuses the recipient)."""


class TransientSendError(Exception):
    """The server is down, slow or busy: worth trying again later."""


class TokenRejected(Exception):
    """The ID token is not one we accept now."""

    def __init__(self, code: str) -> None:
        self.code = code  # token_expired, token_invalid, token_revoked, account_disabled
        super().__init__(code)


class AuthUnavailable(Exception):
    """Google's signing keys (or the Auth emulator) could not be reached."""


class PublishError(Exception):
    """Publishing failed; the events stay in the outbox for the relay."""


class Publisher(Protocol):
    def publish(self, events: list[Event]) -> None:
        """Publish every event or raise PublishError."""
        ...

    def forward(self, topic: str, data: bytes, attributes: dict[str, str]) -> None:
        """Put a message, as it came, on another topic (a dead-letter topic), or raise PublishError."""
        ...

    def receipts(self, limit: int) -> "Receipts":
        """Events Pub/Sub has stored since they were last taken (at most ``limit`` per topic),
        from each event topic's receipts subscription; acknowledged once marked."""
        ...


@dataclass
class Receipts:
    event_ids: list[str]
    acknowledge: Callable[[], None]  # once the events are marked: until then they are kept
    more: bool = False  # anything was taken (ids or not), so more may wait: a pull answers with part of what waits


class AccountError(Exception):
    """Firebase Auth refused a change to an account (e.g. the e-mail was taken meanwhile)."""


class AccountDirectory(Protocol):
    """Firebase Auth: the sign-in accounts, their custom claims and sessions. It never sets a password."""

    def lookup(self, uids: Iterable[str], emails: Iterable[str]) -> tuple[dict[str, AuthRecord], dict[str, AuthRecord]]:
        """Accounts by uid and by lower-cased e-mail, in batched calls."""
        ...

    def create(self, uid: str, email: str, display_name: str, disabled: bool) -> None:
        """A new account without a password: it signs in only once its owner set one via an invitation."""
        ...

    def update(self, uid: str, *, email: str | None = None, display_name: str | None = None, disabled: bool | None = None) -> None: ...
    def set_claims(self, uid: str, claims: dict[str, Any]) -> None: ...
    def revoke_sessions(self, uid: str) -> None:
        """Refresh tokens stop working; ID tokens issued before now are refused (the revocation check)."""
        ...

    def invitation_link(self, email: str, continue_url: str | None) -> str:
        """A one-time link where the owner sets their password (a secret: never stored or logged)."""
        ...


class SurveyRepository(Repository["SurveyResponse"], Protocol):
    def create(self, response: SurveyResponse) -> None:
        """Store a new response; fails if the receipt already exists."""
        ...

    def totals(self, unit_id: str, months: list[str], service_id: str | None = None) -> tuple[int, dict[str, int]]:
        """(respondents, sum of answers per unsur), computed by the database."""
        ...

    def count(self, unit_id: str, months: list[str], service_id: str | None = None) -> int:
        """Respondents of the unit (and service) in those months, counted by the database."""
        ...

    def blanks(self, unit_id: str, months: list[str], service_id: str | None = None) -> dict[str, int]:
        """Unsur left blank, per code (only those with blanks), summed by the database."""
        ...

    def count_since(self, unit_id: str, start: datetime, end: datetime, which: str | None = None) -> int:
        """Responses in [start, end): all, or only "complaint" or "dissatisfied" ones."""
        ...

    def count_where(self, unit_id: str, months: list[str], field: str, value: Any) -> int:
        """Responses of the unit in those months whose ``field`` (e.g. profile.sex) equals ``value``."""
        ...

    def count_range(self, unit_id: str, months: list[str], field: str, low: int, high: int) -> int:
        """Responses whose ``field`` is at least ``low`` and below ``high``."""
        ...

    def complaints(self, unit_id: str, start: datetime, end: datetime, limit: int) -> list[SurveyResponse]: ...


class RateLimitStore(Protocol):
    """Accepted responses per key (a salted hash of the address, and of the window or day): a
    counter per key, read by id with the unit and client key, counted up after the commit."""

    def paths(self, keys: list[str]) -> list[str]: ...
    def counts_in(self, found: dict[str, dict[str, Any]], keys: list[str]) -> list[int]: ...
    def counts(self, keys: list[str]) -> list[int]: ...
    def hit(self, keys: list[str], expire_at: datetime) -> None: ...


class ComplainerStore(Protocol):
    """Who complained about a unit, by the hour (as the response keeps its time): a salted
    hash of the address per unit, never the address, never with the answers, kept only as
    long as the spike rule's two windows need."""

    def mark(self, unit_id: str, sender: str, hour: datetime, expire_at: datetime) -> None: ...
    def distinct(self, unit_id: str, first: datetime, last: datetime) -> int:
        """Different senders who complained about the unit in the hours from ``first`` to ``last``, inclusive."""
        ...


class SurveyKeyStore(Protocol):
    """The first receipt of a client key, with the fingerprint of the body it came with."""

    def get(self, key_id: str) -> tuple[Any, str] | None: ...
    def get_with_unit(self, key_id: str | None, unit_id: str,
                      also: Sequence[str] = ()) -> tuple[tuple[Any, str] | None, Unit | None, dict[str, Any]]:
        """The key's first receipt (if a key is given), the unit, and those of the documents at
        ``also`` that exist, in one batched read."""
        ...
    def put(self, key_id: str, receipt: Any, fingerprint: str, expire_at: datetime) -> None: ...


class InvestigationRepository(Repository["Investigation"], Protocol):
    def list(self, status: str | None, unit_id: str | None, limit: int, after: tuple[datetime, str] | None = None) -> list[Investigation]:
        """Newest first, ties by id, after an (opened_at, id)."""
        ...
    def guard(self, unit_id: str) -> dict[str, Any] | None:
        """The unit's investigation guard: the open investigation and when it was opened."""
        ...

    def set_guard(self, unit_id: str, guard: dict[str, Any]) -> None: ...
    def save_picture(self, picture: ComplaintPicture) -> None: ...


class ResultRepository(Protocol):
    def get_many(self, ids: Iterable[str]) -> dict[str, AsnResult]: ...
    def get(self, result_id: str) -> AsnResult | None: ...
    def get_with(self, doc_id: str, *others: tuple[Any, str]) -> list[Any]:
        """This result and others of any collection, in one batched read: each the model, or None."""
        ...
    def for_unit(self, unit_id: str, period: str) -> list[AsnResult]: ...
    def for_supervisor(self, supervisor_nip: str, period: str) -> list[AsnResult]: ...
    def put_many(self, results: list[AsnResult], run_id: str) -> None: ...
    def get_unit(self, unit_id: str, period: str) -> UnitResult | None: ...
    def put_unit(self, result: UnitResult, run_id: str) -> None: ...


class FindingRepository(Repository["Finding"], Protocol):
    def unresolved_in_unit(self, unit_id: str) -> list[Finding]: ...
    def opened_by_run(self, run_id: str) -> list[Finding]: ...
    def for_owner(self, owner: str, statuses: list[str], limit: int, after: tuple[date, str] | None = None) -> list[Finding]:
        """By due date then id, after a (due, id)."""
        ...


class RunRepository(Repository[ScoringRun], Protocol):
    def unit_status(self, run_id: str, unit_id: str) -> UnitStatus | None: ...
    def put_unit_status(self, run_id: str, status: UnitStatus) -> None: ...
    def unit_statuses(self, run_id: str) -> list[UnitStatus]: ...
    def count_units(self, run_id: str) -> dict[str, int]:
        """Units per status (done, failed), counted by the database."""
        ...

    def for_period(self, period: str, limit: int, after: tuple[datetime, str] | None = None) -> list[ScoringRun]:
        """Runs of a period, newest first."""
        ...


class TrainingRepository(Repository["Training"], Protocol):
    def add(self, training: Training) -> None: ...
    def for_nips(self, nips: list[str], year: int) -> list[Training]:
        """Trainings of these people in a year; a few batched queries, not one per person."""
        ...

    def for_nip(self, nip: str, year: int) -> list[Training]: ...


class AuditLog(Protocol):
    def append(self, entry: AuditEntry) -> None: ...
    def append_many(self, entries: list[AuditEntry]) -> None: ...
    def find_entries(self, nip: str | None, since: datetime | None, limit: int, before: tuple[datetime, str] | None) -> list[AuditEntry]:
        """Newest first; about one person when ``nip`` is given; from ``since`` on; a page ending before ``before``."""
        ...


class NotificationStore(Protocol):
    def delivery(self, delivery_id: str) -> "Delivery | None": ...
    def put_delivery(self, delivery: "Delivery") -> None: ...
    def deliveries(self, *, notification_id: str | None = None, nip: str | None = None, limit: int = 100,
                   after: str | None = None) -> list["Delivery"]:
        """By id, after an id."""
        ...
    def put_inbox(self, nip: str, item: dict[str, Any]) -> None: ...
    def inbox(self, nip: str, limit: int, before: tuple[datetime, str] | None) -> list[dict[str, Any]]: ...
    def unread(self, nip: str) -> int: ...
    def has_inbox_item(self, nip: str, item_id: str) -> bool: ...
    def mark_read(self, nip: str, ids: list[str] | None, now: datetime) -> int: ...
    def devices(self, nip: str) -> list[dict[str, Any]]: ...
    def put_device(self, nip: str, device: dict[str, Any]) -> None: ...
    def remove_device(self, nip: str, device_id: str) -> bool: ...
    def preferences(self, nip: str) -> dict[str, Any]: ...
    def preferences_many(self, nips: Iterable[str]) -> dict[str, dict[str, Any]]:
        """Everyone's preferences in one batched read (absent means defaults)."""
        ...
    def put_preferences(self, nip: str, prefs: dict[str, Any]) -> None: ...
    def digests_of(self, nip: str, days: list[date]) -> dict[date, "Digest"]:
        """The person's digests of these days that exist (part of the transaction, if any)."""
        ...
    def put_digest(self, digest: "Digest") -> None: ...
    def open_digests(self, until: date) -> list["Digest"]:
        """Digests not sent yet, of ``until`` or before."""
        ...
    def count_deliveries(self, run_id: str, *, channel: "Channel | None" = None, status: "DeliveryStatus | None" = None,
                         reason: str | None = None) -> int:
        """Delivery records of a scoring run's notifications, counted by the database."""
        ...
    def run_deliveries(self, run_id: str, status: "DeliveryStatus", limit: int) -> list["Delivery"]: ...


class AnnualRepository(Repository["AnnualResult"], Protocol):
    """The annual evaluation records, one per ASN and year (``get``, ``get_many``, ``put_many`` from Repository)."""

    def for_unit(self, unit_id: str, year: int) -> "list[AnnualResult]": ...
    def for_supervisor(self, supervisor_nip: str, year: int) -> "list[AnnualResult]": ...


class ObjectionRepository(Repository["Objection"], Protocol):
    """``objections/{nip}_{period}``: the keberatan, one per person and period."""

    def for_unit_period(self, unit_id: str, period: str) -> "list[Objection]": ...
    def listed(self, field: str, value: str, status: str | None, limit: int,
               after: tuple[datetime, str] | None = None) -> "list[Objection]":
        """By nip, decider or unit_id (maybe one status), newest first, after a (filed_at, id)."""
        ...
    def overdue(self, today: date, limit: int) -> "list[Objection]":
        """Open objections due before ``today``, oldest due first."""
        ...


class EvidenceRepository(Repository["Evidence"], Protocol):
    """``evidence/{upload_id}``: requested uploads and their verdicts."""

    def for_period(self, nip: str, period: str) -> list[Evidence]:
        """Every upload one ASN requested for one period."""
        ...

    def open_until(self, moment: datetime, limit: int) -> list[Evidence]:
        """Open records (pending, or verified and never attached) whose time ran out by ``moment``, oldest first."""
        ...


class UploadTarget(Model):
    """Where and how the phone sends the file: one request, no credentials of ours."""

    url: str
    method: str = "PUT"
    headers: dict[str, str] = Field(description="send exactly these headers with the upload")


class EvidenceStore(Protocol):
    """Cloud Storage: the bucket of evidence files, and URLs that work without our credentials."""

    def upload_target(self, object_name: str, content_type: str, max_size: int, expires_at: datetime) -> UploadTarget:
        """A V4 signed PUT that creates the object once (not over an existing one), of at most ``max_size`` bytes."""
        ...

    def download_url(self, object_name: str, filename: str, content_type: str, expires_at: datetime) -> str:
        """A V4 signed GET that saves the object as ``filename``."""
        ...

    def read(self, object_name: str, generation: int, limit: int) -> bytes | None:
        """That generation's content (at most ``limit`` bytes), or None when it is gone (deleted or replaced)."""
        ...

    def replace(self, object_name: str, data: bytes, content_type: str, if_generation: int) -> int | None:
        """Store ``data`` over generation ``if_generation``; the new generation, or None when the object changed meanwhile."""
        ...

    def delete(self, object_name: str, generation: int | None = None) -> None:
        """Delete the object (only that generation, when given); deleting what is gone is no error."""
        ...
