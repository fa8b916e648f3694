"""HTTP: the signed-in ASN's own e-performance view."""

from __future__ import annotations

import functions_framework
from pydantic import BaseModel, ConfigDict, Field

from common.api.http import Api, Call, Route
from common.domain.clock import WIB
from common.domain.performance import PerformanceView
from common.services.performance import my_performance
from common.services.trainings import TrainingList, my_trainings


class PerformanceQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(default=None, ge=2000, le=2100, description="defaults to the current year (WIB)")


def trainings(call: Call) -> TrainingList:
    year = call.query.year or call.deps.now().astimezone(WIB).year
    return my_trainings(call.deps.uow, call.caller, year, call.deps.settings.finding_rule.training_jp)


def performance(call: Call) -> PerformanceView:
    now = call.deps.now()
    year = call.query.year or now.astimezone(WIB).year
    return my_performance(call.deps.uow, call.deps.settings, call.caller, year, now)


api = Api(
    "api_me",
    [
        Route(
            "GET", "/api/me/performance", performance, "My e-performance view",
            query=PerformanceQuery, response=PerformanceView, errors=(401, 403, 422), tags=("me",),
            description="SKP indicators with capaian per month and to date, each month's report state, "
            "the feedback received, the predikat and its reasons once the monthly scoring has run, and the JP "
            "of training this year.",
        ),
        Route(
            "GET", "/api/me/trainings", trainings, "My training records", query=PerformanceQuery, response=TrainingList,
            errors=(401, 403, 422), tags=("me",), description="The year's trainings and their JP against the 20 JP entitlement.",
        ),
    ],
)


@functions_framework.http
def api_me(request):
    return api.handle(request)
