"""HTTP: the signed-in ASN's own e-performance view."""

from __future__ import annotations

import functions_framework
from pydantic import BaseModel, ConfigDict, Field

from common.api.http import Api, Call, Route
from common.domain.clock import WIB
from common.domain.performance import PerformanceView
from common.services.performance import my_performance


class PerformanceQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    year: int | None = Field(default=None, ge=2000, le=2100, description="defaults to the current year (WIB)")


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
            "the feedback received, and the predikat once the monthly scoring has run.",
        ),
    ],
)


@functions_framework.http
def api_me(request):
    return api.handle(request)
