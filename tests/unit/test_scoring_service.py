"""The scoring run on fakes: fan-out, atomic units, repeats, failures."""

from __future__ import annotations

import pytest

from common.domain import reports as domain
from common.domain.findings import FindingStatus
from common.domain.organisation import ServiceType, Unit
from common.services import scoring
from common.settings import Settings
from tests import factories as f
from tests.fakes import FakeUnitOfWork

NOW = f.at("2026-11-06 02:00")
SETTINGS = Settings(project_id="demo-test")


@pytest.fixture
def world():
    uow = FakeUnitOfWork()
    head = f.employee("kel-a")
    staff = [f.employee("kel-a", supervisor=head.nip) for _ in range(3)]
    uow.units.put_many([
        Unit(id="kel-a", name="Kelurahan A", head_nip=head.nip, services=[ServiceType(id="sk", name="Domisili", standard_days=1)]),
        Unit(id="kel-b", name="Kelurahan B"),
    ])
    uow.employees.put_many([head, *staff])
    uow.plans.put_many([f.plan(e.nip) for e in [head, *staff]])
    # staff[0]: reviewed Sangat Baik; staff[1]: reported, never reviewed; staff[2]: nothing for two months
    for period, at in (("2026-09", "2026-10-02 09:00"), ("2026-10", "2026-11-03 09:00")):
        report, _, _ = domain.submit(None, staff[0], f.plan(staff[0].nip), period, f.content(**{"IKI-1": 48, "IKI-3": 3}), f.at(at), 5)
        reviewed, _ = domain.review(report, staff[0], head.nip, f.review_input(rating="di_atas_ekspektasi"), f.at(at))
        uow.reports.put(reviewed)
    report, _, _ = domain.submit(None, staff[1], f.plan(staff[1].nip), "2026-10", f.content(), f.at("2026-11-02 09:00"), 5)
    uow.reports.put(report)
    return uow, head, staff


def run_all(uow, publisher, run):
    for event in [e for e in publisher.published if e.type == "scoring.unit_requested" and e.data["run_id"] == run.id]:
        scoring.score_unit(uow, SETTINGS, run.id, run.period, event.data["unit_id"], NOW)


def test_a_run_fans_out_scores_every_unit_and_completes_once(world):
    uow, head, staff = world
    publisher = uow.publisher
    run = scoring.start_run(uow, "2026-10", "scheduler", NOW, run_id="2026-10-scheduled")
    assert run.units == ["kel-a", "kel-b"] and run.status == "running"
    assert scoring.start_run(uow, "2026-10", "scheduler", NOW, run_id="2026-10-scheduled") == run
    assert len([e for e in publisher.published if e.type == "scoring.unit_requested"]) == 2
    run_all(uow, publisher, run)
    finished = scoring.run_progress(uow, run.id)
    assert (finished.status, finished.done, finished.failed) == ("completed", 2, 0)
    assert [e.type for e in publisher.published].count("scoring.completed") == 1

    results = {r.nip: r for r in uow.results.for_unit("kel-a", "2026-10")}
    assert results[staff[0].nip].predikat == "sangat_baik"
    assert results[staff[1].nip].outcome == "awaiting_review" and results[staff[1].nip].hasil_kerja is not None
    assert results[staff[2].nip].outcome == "no_report"
    kinds = {(x.kind, x.subject_id) for x in uow.state.findings.values()}
    assert ("time_management_training", staff[0].nip) in kinds  # waktu missed 2026-09 and 2026-10
    assert ("missing_reports", staff[2].nip) in kinds
    assert ("training_hours", staff[1].nip) in kinds  # October is after September, 0 JP
    assert all(x.owners for x in uow.state.findings.values())
    opened = [e for e in publisher.published if e.type == "finding.opened"]
    assert len(opened) == len(uow.state.findings)
    assert f"scoring.unit_scored:{run.id}:kel-a" in uow.state.audit


def test_a_redelivered_unit_message_changes_nothing(world):
    uow, *_ = world
    publisher = uow.publisher
    run = scoring.start_run(uow, "2026-10", "admin", NOW)
    run_all(uow, publisher, run)
    before = (dict(uow.state.results), dict(uow.state.findings), len(publisher.published))
    run_all(uow, publisher, run)
    assert (dict(uow.state.results), dict(uow.state.findings), len(publisher.published)) == before


def test_re_running_a_period_gives_identical_results_and_no_duplicate_findings(world):
    uow, head, staff = world
    publisher = uow.publisher
    first = scoring.start_run(uow, "2026-10", "admin", NOW)
    run_all(uow, publisher, first)
    results, findings = dict(uow.state.results), dict(uow.state.findings)
    # An owner resolves one finding in between; the re-run must not reopen it.
    resolved_id = next(iter(findings))
    uow.findings.put(findings[resolved_id].model_copy(update={"status": FindingStatus.RESOLVED, "resolution_note": "done"}))
    second = scoring.start_run(uow, "2026-10", "admin", NOW)
    run_all(uow, publisher, second)
    assert uow.state.results == results
    assert set(uow.state.findings) == set(findings)
    assert uow.state.findings[resolved_id].status == "resolved"
    assert scoring.run_progress(uow, second.id).status == "completed"


def test_a_unit_that_keeps_failing_is_shown_and_the_run_still_finishes(world):
    uow, *_ = world
    publisher = uow.publisher
    run = scoring.start_run(uow, "2026-10", "admin", NOW)
    scoring.score_unit(uow, SETTINGS, run.id, "2026-10", "kel-a", NOW)
    scoring.mark_unit_failed(uow, run.id, "kel-b", "gave up after 5 delivery attempts", NOW)
    scoring.mark_unit_failed(uow, run.id, "kel-b", "gave up after 5 delivery attempts", NOW)  # redelivered
    finished = scoring.run_progress(uow, run.id)
    assert (finished.status, finished.done, finished.failed, finished.failed_units) == ("completed_with_failures", 1, 1, ["kel-b"])
    completed = [e for e in publisher.published if e.type == "scoring.completed"]
    assert len(completed) == 1 and completed[0].data["failed_units"] == ["kel-b"]


def test_a_unit_failing_halfway_leaves_nothing_half_done(world, monkeypatch):
    uow, *_ = world
    run = scoring.start_run(uow, "2026-10", "admin", NOW)
    from common.adapters.repositories_scoring import Audit

    def broken(self, entry):
        raise RuntimeError("commit failed")

    monkeypatch.setattr(Audit, "append", broken)  # the last write of the unit's transaction
    with pytest.raises(RuntimeError):
        scoring.score_unit(uow, SETTINGS, run.id, "2026-10", "kel-a", NOW)
    assert uow.state.results == {} and uow.state.findings == {}
    assert uow.runs.unit_status(run.id, "kel-a") is None
    monkeypatch.undo()
    status = scoring.score_unit(uow, SETTINGS, run.id, "2026-10", "kel-a", NOW)
    assert status.status == "done" and uow.state.results
