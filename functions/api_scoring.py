"""HTTP: the monthly evaluation. BKPSDM starts and follows runs; supervisors, unit heads and
BKPSDM read the results."""

from __future__ import annotations

import functions_framework
from pydantic import BaseModel, ConfigDict

from common.api.http import Api, Call, Reply, Route
from common.domain.organisation import Role
from common.domain.period import Period
from common.services import results, scoring, unit_predikat
from common.services.ports import ScoringRun
from common.domain.scoring import UnitResult
from common.services.results import TeamResults, UnitResults

ADMIN = frozenset({Role.ADMIN})


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Period


class PeriodQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Period


def start(call: Call) -> Reply:
    run = scoring.start_run(call.deps.uow, call.deps.publisher, call.body.period, call.caller.nip or call.caller.uid, call.deps.now())
    return Reply(run, 202, {"Location": f"/api/admin/scoring-runs/{run.id}"})


def progress(call: Call) -> scoring.RunView:
    return scoring.run_view(call.deps.uow, call.path["run_id"])


def runs(call: Call) -> scoring.RunList:
    return scoring.recent_runs(call.deps.uow, call.query.period)


def team(call: Call) -> TeamResults:
    return results.team_results(call.deps.uow, call.caller, call.query.period)


def unit(call: Call) -> UnitResults:
    return results.unit_results(call.deps.uow, call.caller, call.path["unit_id"], call.query.period)


def decide(call: Call) -> UnitResult:
    return unit_predikat.decide_unit_predikat(call.deps.uow, call.caller, call.path["unit_id"], call.body, call.deps.now())


api = Api(
    "api_scoring",
    [
        Route(
            "POST", "/api/admin/scoring-runs", start, "Start a scoring run for a period", body=RunRequest, response=ScoringRun,
            status=202, roles=ADMIN, errors=(400, 401, 403, 413, 415, 422), tags=("scoring",),
            description="Publishes one message per unit; units are scored in parallel. Follow the run at the Location returned. "
            "Re-running a period gives the same results and opens no duplicate findings.",
        ),
        Route(
            "GET", "/api/admin/scoring-runs", runs, "The scoring runs of a period", query=PeriodQuery, response=scoring.RunList,
            roles=ADMIN, errors=(401, 403, 422), tags=("scoring",),
            description="The latest five runs of the period, newest first, each with its progress and delivery totals.",
        ),
        Route(
            "GET", "/api/admin/scoring-runs/{run_id}", progress, "Follow a scoring run", response=scoring.RunView,
            roles=ADMIN, errors=(401, 403, 404), tags=("scoring",),
            description="Units total, done and failed; status running, completed or completed_with_failures; and the messages "
            "the run sent per channel (sent, failed, skipped, pending) with why some failed or were skipped. "
            "Each delivery's record is at /api/admin/deliveries.",
        ),
        Route(
            "GET", "/api/team/results", team, "My team's results for a period", query=PeriodQuery, response=TeamResults,
            errors=(401, 403, 422), tags=("scoring",),
            description="Each direct subordinate's outcome, ratings, predikat and the reasons.",
        ),
        Route(
            "GET", "/api/units/{unit_id}/results", unit, "A unit's results for a period", query=PeriodQuery, response=UnitResults,
            errors=(401, 403, 404, 422), tags=("scoring",),
            description="The unit's predikat and measures, the curve check, and each employee's result. "
            "For BKPSDM, the inspectorate and the unit head.",
        ),
        Route(
            "POST", "/api/units/{unit_id}/predikat", decide, "Set or confirm a unit's predikat", body=unit_predikat.PredikatDecisionInput,
            response=UnitResult, errors=(400, 401, 403, 404, 413, 415, 422), tags=("scoring",),
            description="The leader above (the camat for a kelurahan; BKPSDM, for the wali kota, for the kecamatan) confirms the "
            "computed proposal or sets another, with a reason from the unit's performance agreement. The decision holds over "
            "later runs, feeds the curve and the unit head's Hasil Kerja, and is kept in the audit log with the actor and reason.",
        ),
    ],
)


@functions_framework.http
def api_scoring(request):
    return api.handle(request)
