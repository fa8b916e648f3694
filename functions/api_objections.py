"""HTTP: keberatan. An ASN objects to their own predikat of a month or a year; the rater may
respond once; the supervisor's supervisor (or BKPSDM, where there is none) decides."""

from __future__ import annotations

import functions_framework
from pydantic import ConfigDict, Field

from common.api.http import Api, Call, Reply, Route
from common.domain.model import Model
from common.domain.objections import ObjectionStatus
from common.domain.organisation import UnitId
from common.services import objections
from common.services.objections import DecisionInput, ObjectionInput, ObjectionItem, ObjectionList, ObjectionView, ResponseInput, Scope
from common.services.paging import CursorParam


class ListQuery(Model):
    model_config = ConfigDict(extra="forbid")

    scope: Scope = Field(default=Scope.MINE, description="mine (my own), to_decide (for me to decide), unit (a unit's: unit_id)")
    unit_id: UnitId | None = Field(default=None, description="with scope=unit")
    status: ObjectionStatus | None = None
    limit: int = Field(default=20, ge=1, le=100)
    cursor: CursorParam = None


def file(call: Call) -> Reply:
    return Reply(objections.file_objection(call.deps.uow, call.deps.settings, call.caller, call.body, call.deps.now()), 201)


def list_(call: Call) -> ObjectionList:
    q = call.query
    return objections.list_objections(call.deps.uow, call.caller, q.scope, q.unit_id, q.status, q.limit, q.cursor, call.deps.now())


def read(call: Call) -> ObjectionView:
    from common.api.messages import with_reasons

    view = objections.read(call.deps.uow, call.caller, call.path["objection_id"], call.deps.now())
    return view.model_copy(update={"result": with_reasons(view.result, call.lang)}) if view.result else view


def respond(call: Call) -> ObjectionItem:
    return objections.respond(call.deps.uow, call.caller, call.path["objection_id"], call.body, call.deps.now())


def decide(call: Call) -> ObjectionItem:
    return objections.decide(call.deps.uow, call.caller, call.path["objection_id"], call.body, call.deps.now())


api = Api(
    "api_objections",
    [
        Route(
            "POST", "/api/objections", file, "Object to my predikat", operation_id="fileObjection", body=ObjectionInput,
            response=ObjectionItem, status=201, errors=(400, 401, 403, 409, 413, 415, 422), tags=("objections",),
            description="Keberatan against my own predikat of a month (YYYY-MM) or a year (YYYY), within the window after it was "
            "published (14 calendar days by default; 422 with the closing date after it). The reason is 20 to 2,000 characters. "
            "One objection per person and period (409 for a second: the decision is final); 422 when the period has no published "
            "predikat. The decider is the supervisor of my supervisor at filing (decider_nip), else BKPSDM (decider role:admin); "
            "they are told at once, and so is the rater.",
        ),
        Route(
            "GET", "/api/objections", list_, "List objections", operation_id="listObjections", query=ListQuery,
            response=ObjectionList, errors=(401, 403, 404, 422), tags=("objections",),
            description="scope=mine: my own; to_decide: the ones I decide (BKPSDM's staff: the ones BKPSDM decides); unit: a unit's, "
            "for its head, BKPSDM and the inspectorate. Newest first, a page at a time; each says whether it is overdue.",
        ),
        Route(
            "GET", "/api/objections/{objection_id}", read, "Read an objection with both sides", operation_id="getObjection",
            response=ObjectionView, errors=(401, 403, 404), tags=("objections",),
            description="The objection, the report, the review and ratings objected to, and the rater's response. For the ASN, the "
            "rater, the decider, the unit head, BKPSDM and the inspectorate; anyone else gets 404.",
        ),
        Route(
            "POST", "/api/objections/{objection_id}/response", respond, "The rater's response", operation_id="respondToObjection",
            body=ResponseInput, response=ObjectionItem, errors=(400, 401, 403, 404, 409, 413, 415, 422), tags=("objections",),
            description="The rater (who gave the ratings) adds their side, once, before the decision. Audited.",
        ),
        Route(
            "POST", "/api/objections/{objection_id}/decision", decide, "Decide an objection", operation_id="decideObjection",
            body=DecisionInput, response=ObjectionItem, errors=(400, 401, 403, 404, 409, 413, 415, 422), tags=("objections",),
            description="By the decider only (403 for anyone else, the rater included), with a reason. upheld or partly_upheld "
            "gives the new hasil_kerja and/or perilaku_kerja and the predikat follows from the matrix; the result keeps the "
            "original and the decision, the unit's curve is checked again, and later scoring runs keep it. rejected keeps the "
            "ratings. Final (409 for a second decision); the ASN is told at once.",
        ),
    ],
)


@functions_framework.http
def api_objections(request):
    return api.handle(request)
