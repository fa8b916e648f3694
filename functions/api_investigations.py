"""HTTP: investigations opened by complaint spikes, worked by the inspectorate."""

from __future__ import annotations

import functions_framework
from pydantic import ConfigDict, Field

from common.api.http import Api, Call, Route
from common.domain.complaints import Investigation, InvestigationStatus
from common.domain.model import Model
from common.domain.organisation import Role, UnitId
from common.services import complaints
from common.services.complaints import InvestigationList, InvestigationUpdate
from common.services.paging import CursorParam

READERS = frozenset({Role.INSPEKTORAT, Role.ADMIN})


class ListQuery(Model):
    model_config = ConfigDict(extra="forbid")

    status: InvestigationStatus | None = None
    unit_id: UnitId | None = None
    limit: int = Field(default=50, ge=1, le=200)
    cursor: CursorParam = None


def list_(call: Call) -> InvestigationList:
    q = call.query
    return complaints.list_investigations(call.deps.uow, call.caller, q.status, q.unit_id, q.limit, q.cursor)


def read(call: Call) -> Investigation:
    return complaints.read_investigation(call.deps.uow, call.caller, call.path["investigation_id"])


def update(call: Call) -> Investigation:
    return complaints.update_investigation(call.deps.uow, call.caller, call.path["investigation_id"], call.body, call.deps.now())


api = Api(
    "api_investigations",
    [
        Route(
            "GET", "/api/investigations", list_, "List investigations",
            operation_id="listInvestigations", query=ListQuery, response=InvestigationList,
            roles=READERS, errors=(401, 403, 422), tags=("investigations",),
            description="Newest first, a page at a time (limit, then next_cursor as cursor). Each carries the complaints that triggered it and its SP4N-LAPOR! due dates.",
        ),
        Route(
            "GET", "/api/investigations/{investigation_id}", read, "Read an investigation",
            operation_id="getInvestigation", response=Investigation,
            roles=READERS, errors=(401, 403, 404), tags=("investigations",),
        ),
        Route(
            "PATCH", "/api/investigations/{investigation_id}", update, "Move an investigation along", operation_id="updateInvestigation",
            body=InvestigationUpdate, response=Investigation, roles=frozenset({Role.INSPEKTORAT}),
            errors=(400, 401, 403, 404, 409, 413, 415, 422), tags=("investigations",),
            description="open -> in_progress -> closed; closing needs findings. Every change is kept in history.",
        ),
    ],
)


@functions_framework.http
def api_investigations(request):
    return api.handle(request)
