"""Use cases of evidence files: an upload target, the check of what arrived, a download link,
the daily sweep of files nobody attached.

Every step is safe to run twice. The check of an object is keyed by its generation: a
redelivered finalize event, or the event of our own rewrite (a photo without its location),
finds the verdict already recorded and changes nothing. Side effects on the bucket come after
the record they follow from, so a failure halfway is finished by the retry.
"""

from __future__ import annotations

import logging
import uuid
from datetime import datetime, timedelta
from enum import StrEnum

from pydantic import Field

from common.domain import evidence as domain
from common.domain.errors import Forbidden, NotFound
from common.domain.evidence import Evidence, EvidenceStatus, UploadRequest, Verdict
from common.domain.files import FileKind
from common.domain.model import Model
from common.domain.reports import ReportStatus, report_id
from common.settings import Settings

from .idempotency import IdempotencyKey, run_once
from .ports import Caller, EvidenceStore, Repositories, UnitOfWork
from .reporting import read_report

log = logging.getLogger(__name__)


class UploadGrant(Model):
    """What the phone needs to send one file."""

    upload_id: str = Field(description="name it in the report's `files` once its status is verified")
    url: str = Field(description="a signed URL, usable without a sign-in token until expires_at")
    method: str = "PUT"
    headers: dict[str, str] = Field(description="send exactly these headers, and the file as the body")
    expires_at: datetime
    max_bytes: int


class UploadStatus(Model):
    upload_id: str
    period: str
    filename: str
    status: EvidenceStatus
    reason: domain.Rejection | None = Field(default=None, description="why it was rejected (the file was deleted)")
    content_type: FileKind | None = None
    size: int | None = None
    sha256: str | None = None
    location_removed: bool = Field(default=False, description="a photo's GPS position was removed")
    report_id: str | None = None


class DownloadLink(Model):
    evidence_id: str
    filename: str
    content_type: FileKind
    size: int
    sha256: str
    url: str = Field(description="a signed URL that downloads the file until expires_at")
    expires_at: datetime


def _active_nip(tx: Repositories, caller: Caller) -> str:
    employee = tx.employees.get(caller.nip) if caller.nip else None
    if employee is None or not employee.active:
        raise Forbidden("not_an_employee")
    return employee.nip


def request_upload(
    uow: UnitOfWork,
    store: EvidenceStore,
    settings: Settings,
    caller: Caller,
    request: UploadRequest,
    now: datetime,
    idempotency_key: IdempotencyKey | None = None,
    new_id=lambda: uuid.uuid4().hex,
) -> UploadGrant:
    """An upload target for one file of the caller's report for ``request.period``."""
    limits = settings.evidence_limits

    def work(tx: Repositories) -> tuple[dict, bool]:
        def change() -> dict:
            nip = _active_nip(tx, caller)
            report = tx.reports.get(report_id(nip, request.period))
            accepted = report is not None and report.status is ReportStatus.ACCEPTED
            planned = domain.plan_upload(request, nip, new_id(), tx.evidence.for_period(nip, request.period), limits, now, accepted)
            tx.evidence.put(planned)
            return planned.model_dump(mode="json")

        return run_once(tx, idempotency_key, now, timedelta(hours=settings.idempotency_ttl_hours), change)

    stored, _ = uow.transaction(work)
    record = Evidence.model_validate(stored)
    # Signed after the commit: a URL exists only for a recorded upload. A retry with the same
    # Idempotency-Key signs the same target again, valid until the same moment.
    target = store.upload_target(record.object_name, record.declared_type.value, record.declared_size, record.upload_expires_at)
    return UploadGrant(
        upload_id=record.id, url=target.url, method=target.method, headers=target.headers,
        expires_at=record.upload_expires_at, max_bytes=record.declared_size,
    )


def upload_status(uow: UnitOfWork, caller: Caller, upload_id: str) -> UploadStatus:
    """The owner's view of one upload: pending until checked, then verified or rejected (and why)."""
    record = uow.evidence.get(upload_id) if domain.UPLOAD_ID.match(upload_id) else None
    if record is None or record.nip != caller.nip:
        raise NotFound("evidence_not_found")
    return UploadStatus(
        upload_id=record.id, period=record.period, filename=record.filename, status=record.status, reason=record.reason,
        content_type=record.content_type, size=record.size, sha256=record.sha256, location_removed=record.location_removed,
        report_id=record.report_id,
    )


class CheckOutcome(StrEnum):
    VERIFIED = "verified"
    REJECTED = "rejected"
    UNCHANGED = "unchanged"  # a verdict for this generation (or a later one) exists
    SUPERSEDED = "superseded"  # this generation is gone: a later one has its own event
    UNREQUESTED = "unrequested"  # nobody asked for this object: deleted
    IGNORED = "ignored"  # not an evidence object


def check_object(
    uow: UnitOfWork, store: EvidenceStore, settings: Settings, name: str, generation: int, size: int, now: datetime
) -> CheckOutcome:
    """Judge one finalized object (a Cloud Storage event) and record the verdict on its upload."""
    parsed = domain.parse_object_name(name)
    if parsed is None:
        return CheckOutcome.IGNORED
    nip, period, upload_id = parsed
    record = uow.evidence.get(upload_id)
    if record is None or record.nip != nip or record.period != period or record.object_name != name:
        store.delete(name, generation)
        return CheckOutcome.UNREQUESTED
    if record.status is EvidenceStatus.EXPIRED:  # closed by the sweep: a late file has no place any more
        store.delete(name, generation)
        return CheckOutcome.UNCHANGED
    if domain.already_judged(record, generation):
        if record.status is not EvidenceStatus.VERIFIED:
            store.delete(name, generation)  # finishes a deletion that failed after its verdict was recorded
        return CheckOutcome.UNCHANGED

    limit = settings.evidence_max_bytes
    if size > limit:  # never downloaded: the event says how large it is
        verdict = Verdict(accepted=False, reason=domain.Rejection.TOO_LARGE, size=size)
    else:
        data = store.read(name, generation, limit + 1)
        if data is None:
            return CheckOutcome.SUPERSEDED
        verdict = domain.inspect(record, data, limit)

    stored_generation = generation
    if verdict.accepted and verdict.replacement is not None:
        replaced = store.replace(name, verdict.replacement, verdict.content_type.value, if_generation=generation)  # type: ignore[union-attr]
        if replaced is None:
            return CheckOutcome.SUPERSEDED
        stored_generation = replaced

    def record_it(tx: Repositories) -> None:
        current = tx.evidence.get(upload_id)
        if current is None:
            return
        if domain.already_judged(current, stored_generation):
            if verdict.location_removed and not current.location_removed and current.generation == stored_generation:
                tx.evidence.put(current.model_copy(update={"location_removed": True}))  # our rewrite's own event came first
            return
        tx.evidence.put(domain.record_verdict(current, verdict, stored_generation, now, settings.evidence_limits.orphan_after))

    uow.transaction(record_it)
    if not verdict.accepted:
        store.delete(name, generation)
        log.info("evidence rejected", extra={"upload_id": upload_id, "reason": verdict.reason})
        return CheckOutcome.REJECTED
    log.info("evidence verified", extra={"upload_id": upload_id, "location_removed": verdict.location_removed})
    return CheckOutcome.VERIFIED


def download(
    uow: UnitOfWork, store: EvidenceStore, settings: Settings, caller: Caller, report_id: str, evidence_id: str, now: datetime
) -> DownloadLink:
    """A short-lived link to one file of a report, for whoever may read the report (others: 404)."""
    report = read_report(uow, caller, report_id)
    record = uow.evidence.get(evidence_id) if domain.UPLOAD_ID.match(evidence_id) else None
    if record is None or record.report_id != report.id or record.status is not EvidenceStatus.VERIFIED:
        raise NotFound("evidence_not_found")
    expires_at = now + timedelta(seconds=settings.evidence_download_ttl_seconds)
    url = store.download_url(record.object_name, domain.download_name(record.filename), record.content_type.value, expires_at)  # type: ignore[union-attr]
    return DownloadLink(
        evidence_id=record.id, filename=record.filename, content_type=record.content_type, size=record.size,
        sha256=record.sha256, url=url, expires_at=expires_at,
    )


def sweep(uow: UnitOfWork, store: EvidenceStore, now: datetime, limit: int = 200) -> int:
    """Close open uploads whose time ran out (never uploaded, or verified and never attached) and
    delete their objects. Marked expired first, so no report can attach one being deleted; closed
    only once the object is gone, so a failed deletion is tried again by the next sweep."""
    closed = 0
    for candidate in uow.evidence.open_until(now, limit):

        def expire(tx: Repositories, upload_id: str = candidate.id) -> Evidence | None:
            current = tx.evidence.get(upload_id)
            if current is None or not current.open or current.open_until is None or current.open_until > now:
                return None  # attached or checked meanwhile
            expired = current if current.status is EvidenceStatus.EXPIRED else domain.expire(current)
            if expired is not current:
                tx.evidence.put(expired)
            return expired

        expired = uow.transaction(expire)
        if expired is None:
            continue
        store.delete(expired.object_name)
        uow.evidence.put(domain.closed(expired, now))
        closed += 1
    return closed
