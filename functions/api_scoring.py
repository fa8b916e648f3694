"""HTTP: the monthly evaluation. BKPSDM starts and follows runs; supervisors, unit heads and
BKPSDM read the results."""

from __future__ import annotations

import functions_framework
from pydantic import ConfigDict, Field

from common.api.http import Api, Call, Reply, Route
from common.domain.annual import AnnualResult
from common.domain.model import Model
from common.domain.organisation import Role
from common.domain.period import Period
from common.domain.scoring import UnitResult
from common.services import annual, results, scoring, unit_predikat
from common.services.paging import CursorParam
from common.services.ports import ScoringRun
from common.services.results import TeamResults, UnitResults

ADMIN = frozenset({Role.ADMIN})


class RunRequest(Model):
    model_config = ConfigDict(extra="forbid")

    period: Period


class PeriodQuery(Model):
    model_config = ConfigDict(extra="forbid")

    period: Period


class RunsQuery(PeriodQuery):
    limit: int = Field(default=5, ge=1, le=20, description="runs per page; each carries its progress and delivery totals")
    cursor: CursorParam = None


class YearQuery(Model):
    model_config = ConfigDict(extra="forbid")

    year: annual.Year


class AnnualDecisionRequest(annual.AnnualDecisionInput):
    year: annual.Year


def start(call: Call) -> Reply:
    run = scoring.start_run(call.deps.uow, call.body.period, call.caller.nip or call.caller.uid, call.deps.now())
    return Reply(run, 202, {"Location": f"/api/admin/scoring-runs/{run.id}"})


def progress(call: Call) -> scoring.RunView:
    return scoring.run_view(call.deps.uow, call.path["run_id"])


def runs(call: Call) -> scoring.RunList:
    q = call.query
    return scoring.recent_runs(call.deps.uow, q.period, q.limit, q.cursor)


def team(call: Call) -> TeamResults:
    from common.api.messages import with_reasons

    found = results.team_results(call.deps.uow, call.caller, call.query.period)
    return found.model_copy(update={"results": [with_reasons(r, call.lang) for r in found.results]})


def unit(call: Call) -> UnitResults:
    from common.api.messages import with_reasons

    found = results.unit_results(call.deps.uow, call.caller, call.path["unit_id"], call.query.period)
    return found.model_copy(update={"results": [with_reasons(r, call.lang) for r in found.results]})


def decide(call: Call) -> UnitResult:
    return unit_predikat.decide_unit_predikat(call.deps.uow, call.caller, call.path["unit_id"], call.body, call.deps.now())


def annual_run(call: Call) -> annual.AnnualRun:
    return annual.run_year(call.deps.uow, call.body.year, call.body.unit_id, call.caller.nip or call.caller.uid, call.deps.now())


def team_annual(call: Call) -> annual.TeamAnnual:
    return annual.team_year(call.deps.uow, call.caller, call.query.year)


def decide_annual(call: Call) -> AnnualResult:
    given = annual.AnnualDecisionInput.model_validate(call.body.model_dump(exclude={"year"}))
    return annual.decide_year(call.deps.uow, call.caller, call.path["nip"], call.body.year, given, call.deps.now())


def unit_annual(call: Call) -> annual.UnitAnnual:
    return annual.unit_year(call.deps.uow, call.caller, call.path["unit_id"], call.query.year)


def unit_annual_xlsx(call: Call) -> Reply:
    from common.adapters.annual_sheet import annual_xlsx

    view = annual.unit_year(call.deps.uow, call.caller, call.path["unit_id"], call.query.year)
    name = f"tahunan-{view.unit_id}-{view.year}.xlsx"
    from common.api.messages import predikat_label, rating_label

    return Reply(annual_xlsx(view, predikat_label, rating_label), 200, {"Content-Disposition": f'attachment; filename="{name}"'}, mimetype=XLSX)


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

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
        Route(
            "POST", "/api/units/{unit_id}/predikat", decide, "Set or confirm a unit's predikat", operation_id="decideUnitPredikat", body=unit_predikat.PredikatDecisionInput,
            response=UnitResult, errors=(400, 401, 403, 404, 413, 415, 422), tags=("scoring",),
            description="The leader above (the camat for a kelurahan; BKPSDM, for the wali kota, for the kecamatan) confirms the "
            "computed proposal or sets another, with a reason from the unit's performance agreement. The decision holds over "
            "later runs, feeds the curve and the unit head's Hasil Kerja, and is kept in the audit log with the actor and reason.",
        ),
        Route(
            "POST", "/api/admin/annual-runs", annual_run, "Prepare the annual evaluation", operation_id="prepareAnnualEvaluation", body=annual.AnnualRunInput,
            response=annual.AnnualRun, roles=ADMIN, errors=(400, 401, 403, 404, 413, 415, 422), tags=("annual",),
            description="Each active employee's year from their monthly results: the proposed Hasil Kerja and Perilaku Kerja "
            "(the median of the months the supervisor rated) and the predikat the matrix gives. Running it again refreshes the "
            "proposals and keeps the supervisors' decisions.",
        ),
        Route(
            "GET", "/api/team/annual", team_annual, "My team's annual evaluation", operation_id="getTeamAnnual", query=YearQuery, response=annual.TeamAnnual,
            errors=(401, 403, 422), tags=("annual",), description="Each direct subordinate's year: the months, the proposal, the decision.",
        ),
        Route(
            "POST", "/api/team/annual/{nip}", decide_annual, "Decide a team member's year", operation_id="decideAnnual", body=AnnualDecisionRequest,
            response=AnnualResult, errors=(400, 401, 403, 404, 413, 415, 422), tags=("annual",),
            description="The supervisor gives the year's Hasil Kerja and Perilaku Kerja, informed by the proposal; the predikat "
            "follows from the matrix (PermenPANRB 6/2022), and for a functional position the angka kredit. A later decision is "
            "added to the record's history; the last holds. Audited with the actor and reason.",
        ),
        Route(
            "GET", "/api/units/{unit_id}/annual", unit_annual, "A unit's annual evaluation", operation_id="getUnitAnnual", query=YearQuery, response=annual.UnitAnnual,
            errors=(401, 403, 404, 422), tags=("annual",),
            description="Every record of the unit's year and the decided annual predikat against the curve of the unit's predikat. "
            "For BKPSDM, the inspectorate and the unit head.",
        ),
        Route(
            "GET", "/api/units/{unit_id}/annual.xlsx", unit_annual_xlsx, "A unit's annual evaluation as XLSX", operation_id="exportUnitAnnualXlsx", query=YearQuery,
            errors=(401, 403, 404, 422), tags=("annual",), produces=XLSX,
            description="For BKPSDM: one row per ASN with the months rated, the proposal, the year's ratings, the predikat and angka kredit.",
        ),
    ],
)


@functions_framework.http
def api_scoring(request):
    return api.handle(request)
