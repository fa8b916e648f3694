"""HTTP: the dashboard's data, per role: the supervisor's team, a unit, the inspectorate's investigations."""

from __future__ import annotations

import functions_framework
from pydantic import ConfigDict, Field

from common.api.http import Api, Call, Route
from common.domain.model import Model
from common.domain.period import Period, period_of
from common.services import dashboard
from common.services.dashboard import InvestigationDashboard, Me, TeamDashboard, UnitDashboard


class PeriodQuery(Model):
    model_config = ConfigDict(extra="forbid")

    period: Period | None = Field(default=None, description="default this month (WIB)")


def me(call: Call) -> Me:
    return dashboard.who_am_i(call.deps.uow, call.caller)


def _period(call: Call) -> str:
    return call.query.period or period_of(call.deps.now())


def team(call: Call) -> TeamDashboard:
    from common.api.messages import finding_in

    view = dashboard.team_dashboard(call.deps.uow, call.deps.settings, call.caller, _period(call), call.deps.now())
    return view.model_copy(update={"recommendations": [finding_in(f, call.lang) for f in view.recommendations]})


def unit(call: Call) -> UnitDashboard:
    settings = call.deps.settings
    view = dashboard.unit_dashboard(call.deps.uow, call.caller, call.path["unit_id"], _period(call), settings.survey_min_respondents,
                                    settings.survey_population_basis, call.deps.now())
    return in_words(view, call.lang)


def in_words(view: UnitDashboard, lang: str) -> UnitDashboard:
    """The curve's codes in the caller's language."""
    from common.api.messages import curve_rule_text, curve_violation_text

    rules = [r.model_copy(update={"text": curve_rule_text(r.kind, [p.value for p in r.predikat], r.percent, lang)}) for r in view.curve_rules]
    return view.model_copy(update={"curve_rules": rules,
                                   "curve_violations": [curve_violation_text(v.model_dump(mode="json"), lang) for v in view.curve_breaks]})


def investigations(call: Call) -> InvestigationDashboard:
    return dashboard.investigation_dashboard(call.deps.uow, call.caller, call.deps.now())


api = Api(
    "api_dashboard",
    [
        Route("GET", "/api/dashboard/me", me, "Who I am and which dashboard views I may open",
              operation_id="getDashboardMe", response=Me, errors=(401,), tags=("dashboard",)),
        Route(
            "GET", "/api/dashboard/team", team, "The supervisor's view",
            operation_id="getTeamDashboard", query=PeriodQuery, response=TeamDashboard,
            errors=(401, 403, 422), tags=("dashboard",),
            description="The team's reports this period (submitted, late, missing, waiting for review), each person's capaian "
            "per month this year, and my open recommendations.",
        ),
        Route(
            "GET", "/api/dashboard/units/{unit_id}", unit, "A unit's view",
            operation_id="getUnitDashboard", query=PeriodQuery, response=UnitDashboard,
            errors=(401, 403, 404, 422), tags=("dashboard",),
            description="IKM per month and per unsur, the predikat distribution against the allowed curve, late and missing "
            "reports, findings, investigations and open objections (keberatan, overdue first) with their due dates. For the unit head, "
            "BKPSDM and the inspectorate.",
        ),
        Route(
            "GET", "/api/dashboard/investigations", investigations, "The inspectorate's view",
            operation_id="getInvestigationDashboard", response=InvestigationDashboard,
            errors=(401, 403), tags=("dashboard",), description="Investigations with the complaints behind them, per unit, and which are overdue.",
        ),
    ],
)


@functions_framework.http
def api_dashboard(request):
    return api.handle(request)
