"""Findings and recommendations: their owners list and work them."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field

from common.domain.errors import Forbidden, NotFound
from common.domain.findings import BKPSDM, Finding, FindingStatus, move
from common.domain.organisation import Role

from .ports import Caller, Repositories, UnitOfWork


class FindingList(BaseModel):
    findings: list[Finding]


class FindingUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    status: FindingStatus
    note: str | None = Field(default=None, max_length=5000, description="required to resolve: what was done")


def owner_keys(caller: Caller) -> list[str]:
    keys = [caller.nip] if caller.nip else []
    if caller.role is Role.ADMIN:
        keys.append(BKPSDM)
    return keys


def my_findings(uow: UnitOfWork, caller: Caller, status: FindingStatus | None, limit: int) -> FindingList:
    found: dict[str, Finding] = {}
    for key in owner_keys(caller):
        for finding in uow.findings.for_owner(key, status.value if status else None, limit):
            found[finding.id] = finding
    ordered = sorted(found.values(), key=lambda f: (f.status == FindingStatus.RESOLVED, f.due, f.id))
    return FindingList(findings=ordered[:limit])


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
