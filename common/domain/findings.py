"""Findings and recommendations that someone must act on, and the rules that raise them.

The monthly scoring raises findings; their owners work them through
open -> in progress -> resolved (with a note). A finding names who owns it by
NIP, or ``role:admin`` for BKPSDM.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from pydantic import Field

from .errors import Conflict, Invalid
from .model import Model
from .organisation import EmploymentStatus
from .period import parse_period
from .reports import Report
from .rules import FindingRule
from .scoring import AsnResult, UnitResult
from .skp import Aspect, SkpPlan, capaian_exact

BKPSDM = "role:admin"


class FindingKind(StrEnum):
    TIME_MANAGEMENT_TRAINING = "time_management_training"
    WORKLOAD_REVIEW = "workload_review"
    MISSING_REPORTS = "missing_reports"
    TRAINING_HOURS = "training_hours"
    DISTRIBUTION_CURVE = "distribution_curve"
    OBJECTION_OVERDUE = "objection_overdue"  # a keberatan not decided by its due date -> BKPSDM


class FindingStatus(StrEnum):
    OPEN = "open"
    IN_PROGRESS = "in_progress"
    RESOLVED = "resolved"


class FindingEvent(Model):
    at: datetime
    by: str
    status: FindingStatus
    note: str | None = None


class Finding(Model):
    id: str
    kind: FindingKind
    subject_type: str = Field(description="asn or unit")
    subject_id: str = Field(description="a NIP or a unit id")
    unit_id: str
    period: str = Field(description="the period whose scoring raised it")
    title: str = Field(description="in Bahasa Indonesia, the record's language; the API renders it again from params in the caller's")
    recommendation: str
    params: dict[str, Any] = Field(default_factory=dict, description="the names and numbers of the title (common/api/messages.py)")
    evidence: dict[str, Any]
    owners: list[str] = Field(description="NIPs of the people who must act, or role:admin for BKPSDM")
    due: date
    status: FindingStatus = FindingStatus.OPEN
    opened_at: datetime
    run_id: str | None = Field(default=None, description="the scoring run that opened it")
    resolution_note: str | None = None
    history: list[FindingEvent] = Field(default_factory=list)


_NEXT = {
    FindingStatus.OPEN: {FindingStatus.IN_PROGRESS, FindingStatus.RESOLVED},
    FindingStatus.IN_PROGRESS: {FindingStatus.RESOLVED},
    FindingStatus.RESOLVED: set(),
}


def move(finding: Finding, status: FindingStatus, by: str, now: datetime, note: str | None) -> Finding:
    if status is not finding.status and status not in _NEXT[finding.status]:
        raise Conflict("finding_transition", current=finding.status.value, wanted=status.value)
    if status is FindingStatus.RESOLVED and not (note or "").strip():
        raise Invalid("resolution_note_required", details=[{"field": "note", "code": "required_resolve"}])
    return finding.model_copy(
        update={
            "status": status,
            "resolution_note": note if status is FindingStatus.RESOLVED else finding.resolution_note,
            "history": [*finding.history, FindingEvent(at=now, by=by, status=status, note=note)],
        }
    )


# -- the rules -----------------------------------------------------------------

def missed_waktu(plan: SkpPlan | None, report: Report | None) -> bool | None:
    """Did a waktu-aspect indicator miss its target this period? None when there is nothing to judge."""
    if plan is None or report is None:
        return None
    verdicts = []
    for entry in report.content.realisasi:
        indicator = plan.indicator(entry.indicator_id)
        if indicator is not None and indicator.aspect is Aspect.WAKTU:
            verdicts.append(capaian_exact(indicator, entry.value) < 1)
    return any(verdicts) if verdicts else None


def missed_deadline(report: Report | None) -> bool:
    """No report by the deadline: none at all, or the first one came late."""
    return report is None or report.late


class Candidate(Model):
    """A finding the rules want, before it is checked against what already exists."""

    kind: FindingKind
    subject_type: str
    subject_id: str
    unit_id: str
    params: dict[str, Any] = Field(default_factory=dict, description="what the words need: names and numbers (the words are in messages.py)")
    evidence: dict[str, Any]
    owners: list[str]
    due: date
    once_per_year: bool = False

    def finding_id(self, period: str) -> str:
        scope = period[:4] if self.once_per_year else period
        return f"{self.kind.value}:{self.subject_id}:{scope}"


def asn_candidates(
    result: AsnResult,
    waktu_missed: list[bool | None],
    deadlines_missed: list[bool],
    training_jp: int,
    rule: FindingRule,
    today: date,
    status: EmploymentStatus = EmploymentStatus.PNS,
) -> list[Candidate]:
    """``waktu_missed`` and ``deadlines_missed`` run oldest first and end with this period;
    ``training_jp`` is the JP of trainings that ended by the period's end."""
    owner = [result.supervisor_nip] if result.supervisor_nip else [BKPSDM]
    due = today + timedelta(days=rule.due_days)
    found = []
    if sum(1 for m in waktu_missed[-3:] if m) >= 2:
        found.append(Candidate(
            kind=FindingKind.TIME_MANAGEMENT_TRAINING, subject_type="asn", subject_id=result.nip, unit_id=result.unit_id,
            params={"name": result.name},
            evidence={"waktu_missed": waktu_missed[-3:]}, owners=owner, due=due,
        ))
    if len(deadlines_missed) >= 2 and all(deadlines_missed[-2:]):
        found.append(Candidate(
            kind=FindingKind.MISSING_REPORTS, subject_type="asn", subject_id=result.nip, unit_id=result.unit_id,
            params={"name": result.name},
            evidence={"deadlines_missed": deadlines_missed[-2:]}, owners=owner, due=due,
        ))
    year, month = parse_period(result.period)
    required = rule.training_required(status)
    if required is not None and month >= rule.training_check_month and training_jp < required:
        found.append(Candidate(
            kind=FindingKind.TRAINING_HOURS, subject_type="asn", subject_id=result.nip, unit_id=result.unit_id,
            params={"name": result.name, "jp": training_jp, "required": required, "year": year},
            evidence={"jp": training_jp, "required": required, "year": year, "status": status.value},
            owners=sorted(set(owner) | {BKPSDM}), due=date(year, 12, 31), once_per_year=True,
        ))
    return found


def unit_candidates(unit: UnitResult, head_nip: str | None, u3_mutu: str | None, rule: FindingRule, today: date) -> list[Candidate]:
    """``u3_mutu`` is the mutu of unsur U3 on the IKM scale (exact, from the sums), or None without responses."""
    head = [head_nip] if head_nip else [BKPSDM]
    due = today + timedelta(days=rule.due_days)
    found = []
    late = unit.late_share is not None and unit.late_share >= rule.late_share
    if late or u3_mutu in rule.u3_bad_mutu:
        found.append(Candidate(
            kind=FindingKind.WORKLOAD_REVIEW, subject_type="unit", subject_id=unit.unit_id, unit_id=unit.unit_id,
            params={"late_share": unit.late_share if late else None, "u3_mutu": u3_mutu if u3_mutu in rule.u3_bad_mutu else None},
            evidence={"late_share": unit.late_share, "u3_nrr": unit.ikm.nrr.get("U3") if unit.ikm and unit.ikm.nrr else None, "u3_mutu": u3_mutu},
            owners=sorted(set(head) | {BKPSDM}), due=due,
        ))
    if unit.curve is not None and unit.curve.violations:
        found.append(Candidate(
            kind=FindingKind.DISTRIBUTION_CURVE, subject_type="unit", subject_id=unit.unit_id, unit_id=unit.unit_id,
            params={"unit_predikat": unit.predikat.value if unit.predikat else None},
            evidence={"violations": [v.model_dump(mode="json") for v in unit.curve.violations], "counts": {k.value: v for k, v in unit.curve.counts.items()}},
            owners=head, due=due,
        ))
    return found
