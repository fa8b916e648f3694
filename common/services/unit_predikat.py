"""The organisation's predikat: the scoring proposes it, the leader above sets or confirms it
(SE MenPANRB 3/2023). The decision feeds the unit's curve and its head's Hasil Kerja."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from pydantic import ConfigDict, Field, StringConstraints

from common.domain.curve import UnitPredikat
from common.domain.errors import Forbidden, NotFound
from common.domain.model import Model
from common.domain.organisation import Role, Unit, heads
from common.domain.period import Period
from common.domain.scoring import UnitResult, decide

from .ports import AuditEntry, Caller, Repositories, UnitOfWork


class PredikatDecisionInput(Model):
    model_config = ConfigDict(extra="forbid")

    period: Period
    predikat: UnitPredikat = Field(description="the unit's predikat: the proposal to confirm it, another to set it")
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=10, max_length=2000)] = Field(
        description="why, from the unit's performance agreement (perjanjian kinerja): kept in the audit log")


def leads_above(caller: Caller, unit: Unit, parent: Unit | None) -> bool:
    """The leader of the organisation above: the head of the parent unit (the camat, for a
    kelurahan); for a unit with no parent here (the kecamatan), BKPSDM acting for the wali kota."""
    if parent is not None:
        return heads(parent, caller.nip, caller.unit_id)
    return caller.role is Role.ADMIN


def decide_unit_predikat(uow: UnitOfWork, caller: Caller, unit_id: str, given: PredikatDecisionInput, now: datetime) -> UnitResult:
    unit = uow.units.get(unit_id)
    if unit is None:
        raise NotFound("unit_not_found")
    parent = uow.units.get(unit.parent_id) if unit.parent_id else None
    if not leads_above(caller, unit, parent):
        raise Forbidden("not_leader_above")
    actor = caller.nip or caller.uid

    def work(tx: Repositories) -> UnitResult:
        current = tx.results.get_unit(unit_id, given.period)
        if current is None:
            raise NotFound("unit_result_not_found")  # the period is scored first: the proposal comes from it
        people = tx.results.for_unit(unit_id, given.period)
        decided, after = decide(current, given.predikat, people, unit.head_nip, actor, now, given.reason)
        changed = [r for r, before in zip(after, people) if r != before]
        tx.results.put_unit(decided, "decision")
        if changed:
            tx.results.put_many(changed, "decision")
        tx.audit.append(AuditEntry(
            id=f"unit_predikat.decided:{unit_id}:{given.period}:{len(decided.decisions)}", at=now, actor=actor,
            action="unit_predikat.decided", subject=f"{unit_id}/{given.period}", nip=unit.head_nip, reason=given.reason,
            inputs={"proposed": current.proposed_predikat.value if current.proposed_predikat else None,
                    "before": current.predikat.value if current.predikat else None},
            outputs={"predikat": decided.predikat.value if decided.predikat else None, "status": decided.predikat_status,
                     "head_predikat": {r.nip: r.predikat.value if r.predikat else None for r in changed},
                     "curve_ok": decided.curve.ok if decided.curve else None},
        ))
        return decided

    return uow.transaction(work)
