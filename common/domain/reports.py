"""The monthly performance report (laporan kinerja bulanan) and its review.

Lifecycle: an ASN submits a report for a period; their supervisor (atasan)
reviews it and either accepts it or returns it for revision with feedback
(umpan balik). A returned or not yet reviewed report may be resubmitted; an
accepted one is final. Every change returns the events it causes, so the
service can store them in the same transaction as the report.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, Field, StringConstraints
from pydantic_core import PydanticCustomError

from .errors import Conflict, Forbidden, Invalid
from .events import Event
from .evidence import EvidenceFile
from .model import Model
from .organisation import Employee
from .period import Period, is_future, report_deadline
from .ratings import BerAkhlak, Rating, summarise
from .skp import IndicatorId, SkpPlan, realisasi_problem


class ReportStatus(StrEnum):
    SUBMITTED = "submitted"  # waiting for the supervisor
    RETURNED = "returned"  # sent back for revision
    ACCEPTED = "accepted"  # final


class Decision(StrEnum):
    ACCEPT = "accept"
    RETURN = "return"


def _evidence_url(value: str) -> str:
    # A link to evidence in the ASN's drive or the agency's file store; files uploaded to us are ``files``.
    if not value.startswith(("https://", "http://")) or len(value) < 12 or any(c.isspace() for c in value):
        raise PydanticCustomError("evidence_link", "evidence must be an http(s) link")
    return value


EvidenceLink = Annotated[str, StringConstraints(max_length=2000), AfterValidator(_evidence_url)]
Text = Annotated[str, StringConstraints(strip_whitespace=True)]


class RealisasiEntry(Model):
    model_config = ConfigDict(extra="forbid")

    indicator_id: IndicatorId
    value: float = Field(description="what was achieved this month, in the indicator's unit")
    note: Annotated[Text, Field(max_length=500)] | None = None


class ReportContent(Model):
    """What the ASN writes: realisasi per SKP indicator, a narrative, evidence links and uploaded files."""

    model_config = ConfigDict(extra="forbid")

    realisasi: list[RealisasiEntry] = Field(min_length=1, max_length=30)
    narrative: Annotated[Text, Field(min_length=1, max_length=5000)]
    evidence: list[EvidenceLink] = Field(default_factory=list, max_length=20, description="bukti dukung: links")
    files: list[Annotated[str, StringConstraints(pattern=r"^[a-f0-9]{32}$")]] = Field(
        default_factory=list, max_length=20,
        description="bukti dukung: upload_ids of verified files (POST /api/reports/evidence-uploads) of this ASN and period",
    )

    def fingerprint(self) -> str:
        canonical = json.dumps(self.model_dump(mode="json"), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class Review(Model):
    revision: int = Field(description="the revision of the report this review is about")
    reviewer_nip: str
    reviewed_at: datetime
    decision: Decision
    hasil_kerja: Rating
    perilaku: dict[BerAkhlak, Rating]
    perilaku_kerja: Rating = Field(description="overall Perilaku Kerja, given or derived from the seven values")
    perilaku_kerja_derived: bool = False
    feedback: str | None = None


class ReviewInput(Model):
    model_config = ConfigDict(extra="forbid")

    decision: Decision
    hasil_kerja: Rating
    perilaku: dict[BerAkhlak, Rating] = Field(description="a rating for each of the seven BerAKHLAK values")
    perilaku_kerja: Rating | None = Field(
        default=None,
        description="overall Perilaku Kerja; when omitted it is derived from the seven values "
        "(Di Atas when at least half are Di Atas and none Di Bawah, Di Bawah when more than half are)",
    )
    feedback: Annotated[Text, Field(max_length=5000)] | None = None
    revision: int | None = Field(
        default=None,
        ge=1,
        description="the revision the supervisor read; refused with 409 when the ASN has resubmitted since",
    )


class Report(Model):
    id: str
    nip: str
    period: Period
    unit_id: str
    supervisor_nip: str | None
    status: ReportStatus
    revision: int = Field(ge=1)
    content: ReportContent
    first_submitted_at: datetime
    submitted_at: datetime
    deadline: datetime
    late: bool = Field(description="first submitted after the period's deadline")
    reviews: list[Review] = Field(default_factory=list)
    evidence_files: list[EvidenceFile] = Field(default_factory=list, description="the verified files content.files names")

    @property
    def latest_review(self) -> Review | None:
        return self.reviews[-1] if self.reviews else None


class SubmitOutcome(StrEnum):
    CREATED = "created"
    RESUBMITTED = "resubmitted"
    UNCHANGED = "unchanged"  # identical to the revision waiting for review: nothing to do


def report_id(nip: str, period: str) -> str:
    """One report per ASN per period, so the id is derived, not random."""
    return f"{nip}_{period}"


def check_content(plan: SkpPlan | None, period: str, content: ReportContent) -> None:
    if plan is None:
        raise Invalid("skp_missing", period=period)
    problems: list[dict[str, Any]] = []
    seen: set[str] = set()
    for index, entry in enumerate(content.realisasi):
        field = f"realisasi.{index}"
        indicator = plan.indicator(entry.indicator_id)
        if indicator is None:
            problems.append({"field": f"{field}.indicator_id", "code": "indicator_unknown", "value": entry.indicator_id})
        elif entry.indicator_id in seen:
            problems.append({"field": f"{field}.indicator_id", "code": "indicator_repeated", "value": entry.indicator_id})
        elif reason := realisasi_problem(indicator, entry.value):
            problems.append({"field": f"{field}.value", "code": f"value_{reason}", "value": entry.value})
        seen.add(entry.indicator_id)
    if problems:
        raise Invalid("realisasi_invalid", details=problems)


def submit(
    existing: Report | None,
    employee: Employee,
    plan: SkpPlan | None,
    period: str,
    content: ReportContent,
    now: datetime,
    deadline_day: int,
    files: list[EvidenceFile] | None = None,
) -> tuple[Report, SubmitOutcome, list[Event]]:
    """File or resubmit the report of ``employee`` for ``period``; ``files`` are the checked
    uploads ``content.files`` names (common.domain.evidence.attach)."""
    if is_future(period, now):
        raise Invalid("period_in_future", period=period)
    check_content(plan, period, content)

    if existing is None:
        deadline = report_deadline(period, deadline_day)
        report = Report(
            id=report_id(employee.nip, period),
            nip=employee.nip,
            period=period,
            unit_id=employee.unit_id,
            supervisor_nip=employee.supervisor_nip,
            status=ReportStatus.SUBMITTED,
            revision=1,
            content=content,
            first_submitted_at=now,
            submitted_at=now,
            deadline=deadline,
            late=now >= deadline,
            evidence_files=files or [],
        )
        return report, SubmitOutcome.CREATED, [_submitted_event(report)]

    if existing.status is ReportStatus.ACCEPTED:
        raise Conflict("report_already_accepted", period=period)
    if existing.status is ReportStatus.SUBMITTED and existing.content.fingerprint() == content.fingerprint():
        return existing, SubmitOutcome.UNCHANGED, []
    # Lateness stays that of the first submission: a report returned for
    # revision after the deadline is not late because the supervisor asked for changes.
    report = existing.model_copy(
        update={
            "status": ReportStatus.SUBMITTED,
            "revision": existing.revision + 1,
            "content": content,
            "evidence_files": files or [],
            "submitted_at": now,
            "unit_id": employee.unit_id,
            "supervisor_nip": employee.supervisor_nip,
        }
    )
    return report, SubmitOutcome.RESUBMITTED, [_submitted_event(report)]


def review(
    report: Report,
    employee: Employee,
    reviewer_nip: str,
    given: ReviewInput,
    now: datetime,
) -> tuple[Report, list[Event]]:
    """The supervisor's review: ratings, feedback and a decision."""
    if employee.supervisor_nip != reviewer_nip:
        raise Forbidden("not_supervisor")
    if report.status is ReportStatus.ACCEPTED:
        raise Conflict("report_already_accepted", period=report.period)
    if report.status is ReportStatus.RETURNED:
        raise Conflict("report_awaiting_revision", period=report.period)
    if given.revision is not None and given.revision != report.revision:
        raise Conflict("report_revised", revision=report.revision)

    missing = [value.value for value in BerAkhlak if value not in given.perilaku]
    if missing:
        raise Invalid("perilaku_incomplete", details=[{"field": f"perilaku.{m}", "code": "missing"} for m in missing])
    overall = given.perilaku_kerja or summarise([given.perilaku[v] for v in BerAkhlak])
    ratings = [given.hasil_kerja, overall, *given.perilaku.values()]
    if not given.feedback and (Rating.DI_BAWAH in ratings or given.decision is Decision.RETURN):
        reason = "return" if given.decision is Decision.RETURN else "di_bawah"
        raise Invalid("feedback_required", details=[{"field": "feedback", "code": f"required_{reason}"}])

    entry = Review(
        revision=report.revision,
        reviewer_nip=reviewer_nip,
        reviewed_at=now,
        decision=given.decision,
        hasil_kerja=given.hasil_kerja,
        perilaku={v: given.perilaku[v] for v in BerAkhlak},
        perilaku_kerja=overall,
        perilaku_kerja_derived=given.perilaku_kerja is None,
        feedback=given.feedback or None,
    )
    status = ReportStatus.ACCEPTED if given.decision is Decision.ACCEPT else ReportStatus.RETURNED
    updated = report.model_copy(update={"status": status, "reviews": [*report.reviews, entry]})
    event = Event.of(
        "report.reviewed",
        key=f"{report.id}:{len(updated.reviews)}",
        occurred_at=now,
        data={
            "report_id": report.id,
            "nip": report.nip,
            "period": report.period,
            "unit_id": report.unit_id,
            "revision": report.revision,
            "reviewer_nip": reviewer_nip,
            "decision": given.decision.value,
            "status": status.value,
            "hasil_kerja": entry.hasil_kerja.value,
            "perilaku_kerja": entry.perilaku_kerja.value,
            "has_feedback": bool(entry.feedback),
        },
    )
    return updated, [event]


def _submitted_event(report: Report) -> Event:
    return Event.of(
        "report.submitted",
        key=f"{report.id}:{report.revision}",
        occurred_at=report.submitted_at,
        data={
            "report_id": report.id,
            "nip": report.nip,
            "period": report.period,
            "unit_id": report.unit_id,
            "supervisor_nip": report.supervisor_nip,
            "revision": report.revision,
            "late": report.late,
        },
    )
