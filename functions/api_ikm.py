"""HTTP: IKM of a unit, for staff and, because results must be published, for everyone."""

from __future__ import annotations

import functions_framework
from pydantic import ConfigDict, Field

from common.api.http import Api, Call, Reply, Route
from common.domain.clock import WIB
from common.domain.errors import Invalid
from common.domain.ikm import MAX_RANGE_MONTHS, MONTH_PATTERN, PERIOD_SPEC_PATTERN, RangeTooLong, Weights, months_between
from common.domain.model import Model
from common.domain.period import period_of
from common.services.surveys import IkmReport, ikm_report, months_for


class IkmQuery(Model):
    """The documented patterns are checked by the period parsing, whose 422 says what to write."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    period: str | None = Field(default=None, json_schema_extra={"pattern": PERIOD_SPEC_PATTERN}, description="YYYY-MM, YYYY-Qn, YYYY-Sn or YYYY; default this month (WIB)")
    from_: str | None = Field(default=None, alias="from", json_schema_extra={"pattern": MONTH_PATTERN}, description="first month YYYY-MM, with to")
    to: str | None = Field(default=None, json_schema_extra={"pattern": MONTH_PATTERN}, description=f"last month YYYY-MM, with from; at most {MAX_RANGE_MONTHS} months in all")
    weights: Weights = Field(default=Weights.EXACT, description="exact (1/9), rounded (0.111) or rounded2 (0.11)")


def _months(call: Call) -> tuple[str, list[str]]:
    query: IkmQuery = call.query
    if query.from_ is not None or query.to is not None:  # an empty value is a wrong value, not a missing one
        try:
            if query.period is not None or not (query.from_ and query.to):
                raise ValueError
            return f"{query.from_}..{query.to}", months_between(query.from_, query.to)
        except RangeTooLong:
            raise Invalid("ikm_range_too_long", limit=MAX_RANGE_MONTHS) from None
        except ValueError:
            raise Invalid("ikm_period_invalid") from None
    label = query.period if query.period is not None else period_of(call.deps.now(), WIB)
    return label, months_for(label)


def staff(call: Call) -> IkmReport:
    label, months = _months(call)
    return ikm_report(call.deps.uow, call.path["unit_id"], label, months, call.query.weights, call.deps.settings.survey_min_respondents,
                        call.deps.settings.survey_population_basis)


def public(call: Call) -> Reply:
    label, months = _months(call)
    report = ikm_report(call.deps.uow, call.path["unit_id"], label, months, call.query.weights, call.deps.settings.survey_min_respondents,
                        call.deps.settings.survey_population_basis)
    return Reply(report, 200, {"Cache-Control": "public, max-age=300"})


_DESCRIPTION = (
    "n, NRR per unsur, IKM (25-100, two decimals), mutu A-D with its label, the weakest unsur, and whether n "
    "reaches the Krejcie-Morgan sample for the unit's population served; overall and per service. No figure "
    "reveals one respondent: a month with fewer respondents than min_respondents is left out of every figure, "
    "and so is a service in a month where it has fewer (result.withheld says what was left out)."
)

api = Api(
    "api_ikm",
    [
        Route(
            "GET", "/api/units/{unit_id}/ikm", staff, "IKM of a unit (staff)",
            operation_id="getUnitIkm", query=IkmQuery, response=IkmReport,
            errors=(401, 404, 422), tags=("ikm",), description=_DESCRIPTION,
        ),
        Route(
            "GET", "/api/public/units/{unit_id}/ikm", public, "Published IKM of a unit", operation_id="getPublishedUnitIkm", query=IkmQuery,
            response=IkmReport, auth=False, errors=(404, 422), tags=("ikm",), description=_DESCRIPTION,
        ),
    ],
)


@functions_framework.http
def api_ikm(request):
    return api.handle(request)
