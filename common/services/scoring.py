"""The monthly scoring run: start it, score each unit, finish it.

A run writes one message per unit (through the outbox); each unit is scored
by its own function instance. Scoring a unit reads each input document once
in bulk (employees, SKP plans, three periods of reports, trainings, survey
sums, open findings), computes everything in memory, and commits every result,
finding and the unit's status in one transaction: a unit is either fully
scored and marked done, or not at all. The run completes when every unit is
done or failed; a unit fails when its message reaches the dead-letter topic.
Every step is safe to repeat: a unit already done is skipped, results are
overwritten with the same values, and findings have derived ids.
"""

from __future__ import annotations

import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

from pydantic import Field

from common.domain.clock import WIB
from common.domain.disclosure import small
from common.domain.errors import NotFound
from common.domain.events import Event
from common.domain.findings import Finding, asn_candidates, missed_deadline, missed_waktu, unit_candidates
from common.domain.ikm import Weights, unsur_mutu
from common.domain.model import Model
from common.domain.notifications import DeliveryTotals
from common.domain.period import last_day, parse_period, period_of, previous_period
from common.domain.reports import report_id
from common.domain.scoring import AsnResult, published, rescored, score_asn, unit_result, with_curve, with_head, with_objection
from common.domain.skp import plan_id
from common.domain.training import jp_in_year
from common.settings import Settings

from .notifications import run_deliveries, run_deliveries_in
from .paging import NEXT_CURSOR, Keyset
from .ports import AuditEntry, Repositories, ScoringRun, UnitOfWork, UnitStatus
from .survey_figures import Totals, read_totals, sample_for

log = logging.getLogger(__name__)
SCHEDULER = "scheduler"


def scheduled_period(now: datetime) -> str:
    """The scheduled run on the 6th scores the month before."""
    return previous_period(period_of(now, WIB))


def start_run(uow: UnitOfWork, period: str, requested_by: str, now: datetime, run_id: str | None = None) -> ScoringRun:
    """Create the run and one message per unit. With a given ``run_id`` (the
    scheduler's), starting twice returns the first run."""
    parse_period(period)
    run_id = run_id or f"{period}-{uuid.uuid4().hex[:8]}"
    units = [u.id for u in uow.units.all()]

    def work(tx: Repositories) -> ScoringRun:
        existing = tx.runs.get(run_id)
        if existing is not None:
            return existing
        run = ScoringRun(id=run_id, period=period, requested_by=requested_by, requested_at=now, units=units,
                         status="running" if units else "completed", finished_at=None if units else now)
        tx.runs.put(run)
        new = [
            Event.of("scoring.unit_requested", key=f"{run_id}:{unit}", occurred_at=now, data={"run_id": run_id, "period": period, "unit_id": unit})
            for unit in units
        ]
        tx.emit(new)
        tx.audit.append(AuditEntry(id=f"scoring.run_started:{run_id}", at=now, actor=requested_by, action="scoring.run_started",
                                   subject=run_id, inputs={"period": period, "units": units}))
        return run

    return uow.transaction(work)


def run_progress(uow: UnitOfWork, run_id: str) -> ScoringRun:
    """The run with done and failed counted now (units write their own status, not the run's)."""
    run = uow.runs.get(run_id)
    if run is None:
        raise NotFound("run_not_found")
    return _counted(uow, run)


def _counted(uow: UnitOfWork, run: ScoringRun) -> ScoringRun:
    if run.status != "running":
        return run
    counts = uow.runs.count_units(run.id)
    return run.model_copy(update={"done": counts["done"], "failed": counts["failed"]})


class RunView(ScoringRun):
    deliveries: DeliveryTotals = Field(description="the run's messages per channel (its findings, their summaries, the published "
                                       "results): sent, failed, skipped, pending, and why some failed or were skipped")


RUNS = Keyset("scoring-runs", tuple[datetime, str])  # newest first: (requested_at, id) descending


class RunList(Model):
    runs: list[RunView] = Field(description="newest first")
    next_cursor: str | None = Field(default=None, description=NEXT_CURSOR)


def run_view(uow: UnitOfWork, run_id: str) -> RunView:
    """The run's progress and what its notifications did (``/api/admin/deliveries`` has each record)."""
    run = run_progress(uow, run_id)
    return RunView(**run.model_dump(), deliveries=run_deliveries(uow, run.id))


def recent_runs(uow: UnitOfWork, period: str, limit: int = 5, cursor: str | None = None) -> RunList:
    parse_period(period)
    filters = {"period": period}
    page, next_cursor = RUNS.page(uow.runs.for_period(period, limit + 1, RUNS.decode(cursor, filters)), limit,
                                  lambda r: (r.requested_at, r.id), filters)
    # Every run's queries in flight at once: the page takes about one run's time, not five.
    with ThreadPoolExecutor(max_workers=8) as pool:
        progress = [pool.submit(_counted, uow, r) for r in page]
        totals = [run_deliveries_in(uow, r.id, pool) for r in page]
        views = [RunView(**p.result().model_dump(), deliveries=t()) for p, t in zip(progress, totals)]
    return RunList(runs=views, next_cursor=next_cursor)


FindingWords = Callable[[str, dict, str], tuple[str, str]]


def _codes(kind: str, params: dict, lang: str) -> tuple[str, str]:
    return kind, ""  # without the words (a test), a finding's title is its kind; the API renders params anyway


def score_unit(uow: UnitOfWork, settings: Settings, run_id: str, period: str, unit_id: str, now: datetime,
               words: FindingWords = _codes) -> UnitStatus:
    """``words`` gives a new finding its stored title and recommendation in Bahasa Indonesia
    (common.api.messages.finding_texts, passed by the function: the service holds no sentences)."""
    done = uow.runs.unit_status(run_id, unit_id)
    if done is not None:
        return done  # a redelivered message: the unit was scored (or given up on) already
    with uow.meter() as meter:  # counts the unit's database operations, for the audit and the benchmark
        status = _score(uow, settings, run_id, period, unit_id, now, meter, words)
    complete_if_finished(uow, run_id, now)
    return status


def _score(uow, settings, run_id, period, unit_id, now, meter, words=_codes) -> UnitStatus:
    unit = uow.units.get(unit_id)
    employees = sorted((e for e in uow.employees.in_unit(unit_id) if e.active), key=lambda e: e.nip) if unit else []
    periods = [previous_period(previous_period(period)), previous_period(period), period]
    years = sorted({parse_period(p)[0] for p in periods})
    year = parse_period(period)[0]
    plans = uow.plans.get_many(plan_id(e.nip, y) for e in employees for y in years)
    reports = uow.reports.get_many(report_id(e.nip, p) for e in employees for p in periods)
    trainings = uow.trainings.for_nips([e.nip for e in employees], year) if employees else []
    k = settings.survey_min_respondents
    totals = read_totals(uow, unit_id, [period]) if unit and unit.services else Totals(0, {})
    if small(totals.n, k):
        totals = Totals(0, {})  # too few respondents to show the IKM to anyone: the unit's predikat goes without it
    n, sums = totals.n, totals.sums
    # A month's IKM is held against a month's sample (the yearly population pro rata, by default).
    ikm = totals.ikm(Weights.EXACT, k, sample_for(unit.population_served, 1, n, settings.survey_population_basis)) if n else None

    results: list[AsnResult] = []
    candidates = []
    today = now.astimezone(WIB).date()
    for e in employees:
        plan_of = lambda p: plans.get(plan_id(e.nip, parse_period(p)[0]))  # noqa: E731
        report_of = lambda p: reports.get(report_id(e.nip, p))  # noqa: E731
        result = score_asn(nip=e.nip, name=e.name, unit_id=unit_id, supervisor_nip=e.supervisor_nip,
                           period=period, plan=plan_of(period), report=report_of(period))
        results.append(result)
        if result.outcome.value == "no_skp":
            continue
        # Only trainings that ended by the period's end: re-scoring September in December sees September's JP.
        jp = jp_in_year([t for t in trainings if t.nip == e.nip], year, until=last_day(period))
        candidates += asn_candidates(
            result,
            waktu_missed=[missed_waktu(plan_of(p), report_of(p)) for p in periods],
            deadlines_missed=[missed_deadline(report_of(p)) for p in periods if plan_of(p) is not None],
            training_jp=jp,
            rule=settings.finding_rule,
            today=today,
            status=e.status,
        )
    scored = list(results)

    def settle(previous):
        """The unit's result under the leader above's decision, if any, and the head's Hasil Kerja from it."""
        decided = previous.decision.predikat if previous and previous.decision else None
        unit_res = rescored(unit_result(unit_id, period, scored, ikm, settings.unit_rule, decided=decided), previous)
        return with_head(unit_res, scored, unit.head_nip if unit else None)

    previous = uow.results.get_unit(unit_id, period)
    # A predikat is published once: a later run keeps the time the objection window runs from.
    before = uow.results.get_many(f"{e.nip}_{period}" for e in employees)
    scored = [published(r, before.get(f"{r.nip}_{period}"), now) for r in scored]
    unit_res, results = settle(previous)
    if unit is not None:
        u3_answers = totals.answered()["U3"] if n else 0
        u3 = unsur_mutu(u3_answers, sums["U3"]) if u3_answers >= max(1, k) else None
        candidates += unit_candidates(unit_res, unit.head_nip, u3.value if u3 else None, settings.finding_rule, today)
    already = {(f.kind, f.subject_id) for f in uow.findings.unresolved_in_unit(unit_id)}
    wanted = {c.finding_id(period): c for c in candidates if (c.kind, c.subject_id) not in already}
    # The record keeps its words in Bahasa Indonesia (the notification templates quote them); the API
    # renders them again from params in the caller's language.
    texts = {fid: words(c.kind.value, c.params, "id") for fid, c in wanted.items()}
    inputs = {
        "period": period,
        "employees": len(employees),
        "reports": sum(1 for e in employees if report_id(e.nip, period) in reports),
        "survey_responses": n,
        "trainings": len(trainings),
        "digest": _digest(employees, plans, reports, {**sums, **{f"blank.{c}": v for c, v in totals.blank.items()}}, trainings),
    }

    def work(tx: Repositories) -> UnitStatus:
        current = tx.runs.unit_status(run_id, unit_id)
        if current is not None:
            return current
        nonlocal unit_res, results
        latest = tx.results.get_unit(unit_id, period)
        if (latest.decisions if latest else []) != (previous.decisions if previous else []):
            unit_res, results = settle(latest)  # the leader above decided while this unit was being scored
        existing = tx.findings.get_many(wanted)
        # A run never overwrites a keberatan: each result keeps its objection, and a decided one its ratings
        # (read in the transaction, so one decided while the unit was being scored is kept too).
        objections = {o.nip: o.summary() for o in tx.objections.for_unit_period(unit_id, period)}
        if objections:
            results = [with_objection(r, objections.get(r.nip)) for r in results]
            unit_res = with_curve(unit_res, results)
        new = [
            Finding(id=fid, kind=c.kind, subject_type=c.subject_type, subject_id=c.subject_id, unit_id=c.unit_id, period=period,
                    title=texts[fid][0], recommendation=texts[fid][1], params=c.params, evidence=c.evidence, owners=c.owners, due=c.due, opened_at=now,
                    run_id=run_id)
            for fid, c in wanted.items()
            if fid not in existing
        ]
        tx.results.put_many(results, run_id)
        tx.results.put_unit(unit_res, run_id)
        for finding in new:
            tx.findings.put(finding)
        opened = [
            Event.of("finding.opened", key=f.id, occurred_at=now,
                     data={"finding_id": f.id, "run_id": run_id, "kind": f.kind.value, "unit_id": f.unit_id, "subject_id": f.subject_id,
                           "owners": f.owners, "title": f.title, "due": f.due.isoformat()})
            for f in new
        ]
        tx.emit(opened)
        outputs = {
            "unit_predikat": unit_res.predikat.value if unit_res.predikat else None,
            "predikat": {p: sum(1 for r in results if r.predikat and r.predikat.value == p) for p in {r.predikat.value for r in results if r.predikat}},
            "outcomes": {o.value: c for o, c in unit_res.outcomes.items() if c},
            "findings_opened": [f.id for f in new],
        }
        tx.audit.append(AuditEntry(id=f"scoring.unit_scored:{run_id}:{unit_id}", at=now, actor="scoring", action="scoring.unit_scored",
                                   subject=f"{unit_id}/{period}", inputs=inputs, outputs=outputs))
        # Counted before the status is written, so the status can carry the total (+1 for itself).
        status = UnitStatus(unit_id=unit_id, status="done", at=now, reads=meter.reads, writes=meter.writes + 1,
                            employees=len(employees), findings_opened=len(new))
        tx.runs.put_unit_status(run_id, status)
        return status

    status = uow.transaction(work)
    log.info("unit scored", extra={"run_id": run_id, "unit_id": unit_id, "employees": len(employees), "reads": status.reads, "writes": status.writes})
    return status


def _digest(employees, plans, reports, sums, trainings) -> str:
    """A fingerprint of the inputs, so the audit log shows whether two runs saw the same data."""
    parts = [
        [e.model_dump(mode="json") for e in employees],
        {k: v.model_dump(mode="json") for k, v in sorted(plans.items())},
        {k: v.model_dump(mode="json") for k, v in sorted(reports.items())},
        sums,
        [t.model_dump(mode="json", exclude={"recorded_at"}) for t in trainings],
    ]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()[:16]


def mark_unit_failed(uow: UnitOfWork, run_id: str, unit_id: str, reason: str, now: datetime) -> None:
    """The unit's message reached the dead-letter topic: record it, so the run can finish and show it."""

    def work(tx: Repositories) -> None:
        if tx.runs.unit_status(run_id, unit_id) is not None:
            return  # done after all, or already marked
        tx.runs.put_unit_status(run_id, UnitStatus(unit_id=unit_id, status="failed", at=now, reason=reason[:500]))
        tx.audit.append(AuditEntry(id=f"scoring.unit_failed:{run_id}:{unit_id}", at=now, actor="dead-letter", action="scoring.unit_failed",
                                   subject=unit_id, inputs={"run_id": run_id}, outputs={"reason": reason[:500]}))

    uow.transaction(work)
    log.error("unit scoring failed for good", extra={"run_id": run_id, "unit_id": unit_id, "reason": reason})
    complete_if_finished(uow, run_id, now)


def complete_if_finished(uow: UnitOfWork, run_id: str, now: datetime) -> ScoringRun | None:
    """Close the run once every unit is done or failed; announce it once."""
    run = uow.runs.get(run_id)
    if run is None or run.status != "running":
        return run
    counts = uow.runs.count_units(run_id)
    if counts["done"] + counts["failed"] < run.total:
        return run
    failed = [s.unit_id for s in uow.runs.unit_statuses(run_id) if s.status == "failed"]

    def work(tx: Repositories) -> ScoringRun | None:
        current = tx.runs.get(run_id)
        if current is None or current.status != "running":
            return current
        finished = current.model_copy(update={
            "status": "completed_with_failures" if failed else "completed",
            "done": counts["done"], "failed": counts["failed"], "failed_units": failed, "finished_at": now,
        })
        tx.runs.put(finished)
        event = Event.of("scoring.completed", key=run_id, occurred_at=now,
                         data={"run_id": run_id, "period": current.period, "units": current.total, "failed_units": failed})
        tx.emit([event])
        tx.audit.append(AuditEntry(id=f"scoring.run_completed:{run_id}", at=now, actor="scoring", action="scoring.run_completed",
                                   subject=run_id, outputs={"done": counts["done"], "failed": failed}))
        return finished

    return uow.transaction(work)
