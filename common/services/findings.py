"""Findings and recommendations: their owners list and work them."""

from __future__ import annotations

from datetime import date, datetime

from pydantic import ConfigDict, Field

from common.domain.errors import Forbidden, NotFound
from common.domain.findings import BKPSDM, Finding, FindingStatus, move
from common.domain.model import Model
from common.domain.organisation import Role

from .paging import NEXT_CURSOR, Keyset, merged
from .ports import Caller, Repositories, UnitOfWork

# Unresolved first (0), then resolved (1); within each by due date, then id.
FINDINGS = Keyset("findings", tuple[int, date, str])
_PHASES = ((0, (FindingStatus.OPEN, FindingStatus.IN_PROGRESS)), (1, (FindingStatus.RESOLVED,)))


class FindingList(Model):
    findings: list[Finding] = Field(description="unresolved first, by due date; then resolved, by due date")
    next_cursor: str | None = Field(default=None, description=NEXT_CURSOR)


class FindingUpdate(Model):
    model_config = ConfigDict(extra="forbid")

    status: FindingStatus
    note: str | None = Field(default=None, max_length=5000, description="required to resolve: what was done")


def owner_keys(caller: Caller) -> list[str]:
    keys = [caller.nip] if caller.nip else []
    if caller.role is Role.ADMIN:
        keys.append(BKPSDM)
    return keys


def my_findings(uow: UnitOfWork, caller: Caller, status: FindingStatus | None, limit: int, cursor: str | None = None) -> FindingList:
    """A page of the findings the caller owns (an admin also BKPSDM's), each once.

    Two phases, each one query per owner key in the same order, merged: the store orders by due
    date, and "unresolved first" is which phase the page is in."""
    filters = {"status": status}
    after = FINDINGS.decode(cursor, filters)
    rows: list[tuple[int, Finding]] = []
    for rank, statuses in _PHASES:
        wanted = [s.value for s in statuses if status is None or s is status]
        if not wanted or (after is not None and rank < after[0]):
            continue
        start = (after[1], after[2]) if after is not None and rank == after[0] else None
        need = limit + 1 - len(rows)
        streams = [uow.findings.for_owner(key, wanted, need, start) for key in owner_keys(caller)]
        rows += [(rank, f) for f in merged(streams, key_of=lambda f: (f.due, f.id), identity=lambda f: f.id)[:need]]
        if len(rows) > limit:
            break
    page, next_cursor = FINDINGS.page(rows, limit, lambda row: (row[0], row[1].due, row[1].id), filters)
    return FindingList(findings=[f for _, f in page], next_cursor=next_cursor)


def update_finding(uow: UnitOfWork, caller: Caller, finding_id: str, update: FindingUpdate, now: datetime) -> Finding:
    keys = set(owner_keys(caller))

    def work(tx: Repositories) -> Finding:
        finding = tx.findings.get(finding_id)
        if finding is None:
            raise NotFound("finding_not_found")
        if not keys & set(finding.owners):
            raise Forbidden("not_finding_owner")
        updated = move(finding, update.status, caller.nip or caller.uid, now, update.note)
        tx.findings.put(updated)
        return updated

    return uow.transaction(work)
