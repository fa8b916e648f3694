"""Evidence files (bukti dukung): a photo or a scanned PDF the ASN attaches to a monthly report.

Life of one file:

1. **requested**: the ASN asks for an upload target for a period with the file's name, type and
   size; the rules below refuse anything that is not a JPEG, PNG or PDF within the size and
   count limits before any URL exists. The record is ``pending`` and *open*.
2. **checked**: once the object is in the bucket, its content decides (never its name): the
   real type from its first bytes must be the declared one, a PDF must be whole, a photo loses
   its location; the record becomes ``verified`` (with size and sha256 of what is stored) or
   ``rejected`` with a reason, and a rejected object is deleted.
3. **attached**: a report names verified uploads of its own ASN and period; the first report
   that names one closes it (it is then kept as long as the report).
4. **expired**: an open record past ``open_until`` (an upload never made, or a verified file
   never attached) is closed by the daily sweep, which deletes its object.

Codes and parameters only; the words are in common/api/messages.py.
"""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta
from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from .errors import Conflict, Invalid, TooLarge
from .files import EXTENSIONS, Damaged, FileKind, check_pdf, sniff, strip_jpeg_location, strip_png_location
from .model import Model
from .period import Period, is_future

PREFIX = "evidence"
UPLOAD_ID = re.compile(r"^[a-f0-9]{32}$")


class EvidenceStatus(StrEnum):
    PENDING = "pending"  # upload target given, content not checked yet
    VERIFIED = "verified"
    REJECTED = "rejected"  # the object was deleted
    EXPIRED = "expired"  # never uploaded, or never attached: the sweep deleted it


class Rejection(StrEnum):
    EMPTY = "empty"
    TOO_LARGE = "too_large"
    UNKNOWN_TYPE = "unknown_type"  # none of JPEG, PNG, PDF: an executable, an archive...
    TYPE_MISMATCH = "type_mismatch"  # e.g. a PNG sent as a PDF
    DAMAGED = "damaged"  # starts like its type but does not hold together (a truncated PDF)
    NOT_REQUESTED = "not_requested"  # an object nobody asked an upload target for


def _filename(value: str) -> str:
    if any(c in value for c in '/\\"') or any(ord(c) < 32 or ord(c) == 127 for c in value) or value.strip(" .") == "":
        raise PydanticCustomError("filename_invalid", "a file name without slashes, quotes or control characters")
    return value.strip()


FileName = Annotated[str, StringConstraints(min_length=1, max_length=200), AfterValidator(_filename)]


class UploadRequest(Model):
    model_config = ConfigDict(extra="forbid")

    period: Period
    filename: FileName = Field(description="the file's name on the phone, e.g. register-oktober.pdf; shown to the supervisor")
    content_type: str = Field(max_length=100, description="image/jpeg, image/png or application/pdf")
    size: int = Field(ge=1, description="bytes; at most the configured limit (10 MiB by default)")


class EvidenceLimits(Model):
    max_bytes: int = Field(ge=1)
    max_files: int = Field(ge=1, description="files per report (per ASN and period)")
    upload_ttl: timedelta = Field(description="how long an upload target works")
    orphan_after: timedelta = Field(description="how long a verified file waits to be attached before the sweep deletes it")


class Evidence(Model):
    """``evidence/{id}``: one requested upload and what became of it."""

    id: str
    nip: str
    period: Period
    filename: str
    declared_type: FileKind
    declared_size: int
    object_name: str
    status: EvidenceStatus = EvidenceStatus.PENDING
    requested_at: datetime
    upload_expires_at: datetime
    content_type: FileKind | None = Field(default=None, description="what the content is, once checked")
    size: int | None = None
    sha256: str | None = None
    location_removed: bool = False
    reason: Rejection | None = None
    generation: int | None = Field(default=None, description="the object generation the verdict is about")
    checked_at: datetime | None = None
    report_id: str | None = Field(default=None, description="the report that first attached it; never unset")
    open: bool = Field(default=True, description="pending, or verified and not attached: the sweep closes it after open_until")
    open_until: datetime | None = None
    expire_at: datetime | None = Field(default=None, description="TTL of a closed record without a file (rejected, expired)")

    @property
    def counts_toward_limit(self) -> bool:
        return self.status is EvidenceStatus.VERIFIED or self.status is EvidenceStatus.PENDING


class EvidenceFile(Model):
    """An attached, verified file as the report shows it."""

    id: str
    filename: str
    content_type: FileKind
    size: int
    sha256: str


def object_name(nip: str, period: str, upload_id: str) -> str:
    """Where the upload goes: under the ASN and the period it belongs to."""
    return f"{PREFIX}/{nip}/{period}/{upload_id}"


def parse_object_name(name: str) -> tuple[str, str, str] | None:
    parts = name.split("/")
    if len(parts) != 4 or parts[0] != PREFIX or not UPLOAD_ID.match(parts[3]):
        return None
    return parts[1], parts[2], parts[3]


def plan_upload(
    request: UploadRequest, nip: str, upload_id: str, existing: list[Evidence], limits: EvidenceLimits, now: datetime,
    report_accepted: bool = False,
) -> Evidence:
    """A new pending upload, or the reason none is given (422, 413 for a file too large, 409 when
    the period's report is accepted and can take no more files)."""
    if is_future(request.period, now):
        raise Invalid("period_in_future", period=request.period)
    if report_accepted:
        raise Conflict("report_already_accepted", period=request.period)
    kind = next((k for k in FileKind if k.value == request.content_type.strip().lower()), None)
    if kind is None:
        raise Invalid("evidence_type_not_allowed", details=[{"field": "content_type", "code": "evidence_type", "value": request.content_type}])
    if not request.filename.lower().endswith(EXTENSIONS[kind]):
        raise Invalid("evidence_type_not_allowed", details=[{
            "field": "filename", "code": "evidence_extension", "value": request.filename, "expected": ", ".join(EXTENSIONS[kind]),
        }])
    if request.size > limits.max_bytes:
        raise TooLarge("evidence_too_large", limit_mib=round(limits.max_bytes / 2**20, 1), size=request.size)
    active = [e for e in existing if e.counts_toward_limit and not _lapsed(e, now)]
    if len(active) >= limits.max_files:
        raise Invalid("evidence_limit_reached", limit=limits.max_files, period=request.period)
    expires = now + limits.upload_ttl
    return Evidence(
        id=upload_id,
        nip=nip,
        period=request.period,
        filename=request.filename,
        declared_type=kind,
        declared_size=request.size,
        object_name=object_name(nip, request.period, upload_id),
        requested_at=now,
        upload_expires_at=expires,
        # Long enough for a slow upload to arrive and be checked; the sweep closes it after.
        open_until=expires + timedelta(hours=1),
    )


def _lapsed(evidence: Evidence, now: datetime) -> bool:
    """A pending upload whose target expired without a file no longer takes a place."""
    return evidence.status is EvidenceStatus.PENDING and now > evidence.upload_expires_at + timedelta(minutes=5)


class Verdict(Model):
    accepted: bool
    reason: Rejection | None = None
    content_type: FileKind | None = None
    size: int
    sha256: str | None = None
    replacement: bytes | None = Field(default=None, description="the content to store instead (location removed)")
    location_removed: bool = False


def inspect(evidence: Evidence, data: bytes, max_bytes: int) -> Verdict:
    """Judge an uploaded object by its content."""
    size = len(data)

    def reject(reason: Rejection, kind: FileKind | None = None) -> Verdict:
        return Verdict(accepted=False, reason=reason, content_type=kind, size=size)

    if size == 0:
        return reject(Rejection.EMPTY)
    if size > max_bytes:
        return reject(Rejection.TOO_LARGE)
    kind = sniff(data)
    if kind is None:
        return reject(Rejection.UNKNOWN_TYPE)
    if kind is not evidence.declared_type:
        return reject(Rejection.TYPE_MISMATCH, kind)
    stored, removed = data, False
    try:
        if kind is FileKind.PDF:
            check_pdf(data)
        elif kind is FileKind.JPEG:
            stored, removed = strip_jpeg_location(data)
        else:
            stored, removed = strip_png_location(data)
    except Damaged:
        return reject(Rejection.DAMAGED, kind)
    return Verdict(
        accepted=True,
        content_type=kind,
        size=len(stored),
        sha256=hashlib.sha256(stored).hexdigest(),
        replacement=stored if removed else None,
        location_removed=removed,
    )


def already_judged(evidence: Evidence, generation: int) -> bool:
    """A verdict exists for this object generation or a later one (our own rewrite): a
    redelivered or stale finalize event changes nothing."""
    return evidence.status is not EvidenceStatus.PENDING and (evidence.generation or 0) >= generation


def record_verdict(evidence: Evidence, verdict: Verdict, generation: int, now: datetime, orphan_after: timedelta) -> Evidence:
    if not verdict.accepted:
        return evidence.model_copy(update={
            "status": EvidenceStatus.REJECTED, "reason": verdict.reason, "content_type": verdict.content_type,
            "size": verdict.size, "generation": generation, "checked_at": now, "open": False, "open_until": None,
            "expire_at": now + timedelta(days=30),
        })
    attached = evidence.report_id is not None
    return evidence.model_copy(update={
        "status": EvidenceStatus.VERIFIED, "reason": None, "content_type": verdict.content_type, "size": verdict.size,
        "sha256": verdict.sha256, "location_removed": verdict.location_removed or evidence.location_removed,
        "generation": generation, "checked_at": now,
        "open": not attached, "open_until": None if attached else now + orphan_after, "expire_at": None,
    })


def attach(files: list[str], records: dict[str, Evidence], nip: str, period: str) -> list[EvidenceFile]:
    """The files a report names, each a verified upload of this ASN for this period; else 422 per file."""
    problems = []
    if len(set(files)) != len(files):
        problems += [{"field": f"files.{i}", "code": "evidence_repeated", "value": f} for i, f in enumerate(files) if files.index(f) != i]
    for index, upload_id in enumerate(files):
        record = records.get(upload_id)
        field = f"files.{index}"
        if record is None or record.nip != nip or record.period != period:
            problems.append({"field": field, "code": "evidence_unknown", "value": upload_id})
        elif record.status is EvidenceStatus.PENDING:
            problems.append({"field": field, "code": "evidence_pending", "value": upload_id})
        elif record.status is not EvidenceStatus.VERIFIED:
            problems.append({"field": field, "code": f"evidence_{record.status.value}", "value": upload_id})
    if problems:
        raise Invalid("evidence_invalid", details=problems)
    return [
        EvidenceFile(id=r.id, filename=r.filename, content_type=r.content_type, size=r.size, sha256=r.sha256)
        for r in (records[u] for u in files)
    ]


def attached_to(evidence: Evidence, report_id: str) -> Evidence:
    if evidence.report_id is not None:
        return evidence
    return evidence.model_copy(update={"report_id": report_id, "open": False, "open_until": None})


def expire(evidence: Evidence) -> Evidence:
    """Out of time: no report may attach it any more. It stays open until its object is deleted."""
    return evidence.model_copy(update={"status": EvidenceStatus.EXPIRED})


def closed(evidence: Evidence, now: datetime) -> Evidence:
    """Its object deleted: nothing left to do; the record itself goes after a month (TTL)."""
    return evidence.model_copy(update={"open": False, "open_until": None, "expire_at": now + timedelta(days=30)})


def download_name(filename: str) -> str:
    """A Content-Disposition-safe name: ASCII, without quotes (the record keeps the original)."""
    safe = "".join(c if 32 <= ord(c) < 127 and c not in '"\\;' else "_" for c in filename)
    return safe or "bukti"
