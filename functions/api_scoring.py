"""HTTP: the monthly evaluation. BKPSDM starts and follows runs; supervisors, unit heads and
BKPSDM read the results."""

from __future__ import annotations

import functions_framework
from pydantic import BaseModel, ConfigDict, Field

from common.api.http import Api, Call, Reply, Route
from common.domain.organisation import Role
from common.domain.period import Period
from common.services import results, scoring
from common.services.paging import CursorParam
from common.services.ports import ScoringRun
from common.services.results import TeamResults, UnitResults

ADMIN = frozenset({Role.ADMIN})


class RunRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Period


class PeriodQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Period


class RunsQuery(PeriodQuery):
    limit: int = Field(default=5, ge=1, le=20, description="runs per page; each carries its progress and delivery totals")
    cursor: CursorParam = None


def start(call: Call) -> Reply:
    run = scoring.start_run(call.deps.uow, call.body.period, call.caller.nip or call.caller.uid, call.deps.now())
    return Reply(run, 202, {"Location": f"/api/admin/scoring-runs/{run.id}"})


def progress(call: Call) -> scoring.RunView:
    return scoring.run_view(call.deps.uow, call.path["run_id"])


def runs(call: Call) -> scoring.RunList:
    q = call.query
    return scoring.recent_runs(call.deps.uow, q.period, q.limit, q.cursor)


def team(call: Call) -> TeamResults:
    return results.team_results(call.deps.uow, call.caller, call.query.period)


def unit(call: Call) -> UnitResults:
    return results.unit_results(call.deps.uow, call.caller, call.path["unit_id"], call.query.period)


api = Api(
    "api_scoring",
    [
        Route(
            "POST", "/api/admin/scoring-runs", start, "Start a scoring run for a period",
            operation_id="startScoringRun", headers=("Location",), body=RunRequest, response=ScoringRun,
            status=202, roles=ADMIN, errors=(400, 401, 403, 413, 415, 422), tags=("scoring",),
            description="Publishes one message per unit; units are scored in parallel. Follow the run at the Location returned. "
            "Re-running a period gives the same results and opens no duplicate findings.",
        ),
        Route(
            "GET", "/api/admin/scoring-runs", runs, "The scoring runs of a period",
            operation_id="listScoringRuns", query=RunsQuery, response=scoring.RunList,
            roles=ADMIN, errors=(401, 403, 422), tags=("scoring",),
            description="The runs of the period, newest first (the latest five unless limit says otherwise), each with its progress "
            "and delivery totals; older ones a page at a time, with next_cursor as cursor.",
        ),
        Route(
            "GET", "/api/admin/scoring-runs/{run_id}", progress, "Follow a scoring run",
            operation_id="getScoringRun", response=scoring.RunView,
            roles=ADMIN, errors=(401, 403, 404), tags=("scoring",),
            description="Units total, done and failed; status running, completed or completed_with_failures; and the messages "
            "the run sent per channel (sent, failed, skipped, pending) with why some failed or were skipped. "
            "Each delivery's record is at /api/admin/deliveries.",
        ),
        Route(
            "GET", "/api/team/results", team, "My team's results for a period",
            operation_id="getTeamResults", query=PeriodQuery, response=TeamResults,
            errors=(401, 403, 422), tags=("scoring",),
            description="Each direct subordinate's outcome, ratings, predikat and the reasons.",
        ),
        Route(
            "GET", "/api/units/{unit_id}/results", unit, "A unit's results for a period",
            operation_id="getUnitResults", query=PeriodQuery, response=UnitResults,
            errors=(401, 403, 404, 422), tags=("scoring",),
            description="The unit's predikat and measures, the curve check, and each employee's result. "
            "For BKPSDM, the inspectorate and the unit head.",
        ),
    ],
)


@functions_framework.http
def api_scoring(request):
    return api.handle(request)
