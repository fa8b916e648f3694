"""HTTP: findings and recommendations for their owners, and training records."""

from __future__ import annotations

import functions_framework
from pydantic import ConfigDict, Field

from common.api.http import Api, Call, Reply, Route
from common.domain.findings import Finding, FindingStatus
from common.domain.model import Model
from common.domain.training import Training, TrainingInput
from common.services import findings, trainings
from common.services.findings import FindingList, FindingUpdate
from common.services.paging import CursorParam


class FindingQuery(Model):
    model_config = ConfigDict(extra="forbid")

    status: FindingStatus | None = None
    limit: int = Field(default=100, ge=1, le=500)
    cursor: CursorParam = None


def mine(call: Call) -> FindingList:
    from common.api.messages import finding_in

    found = findings.my_findings(call.deps.uow, call.caller, call.query.status, call.query.limit, call.query.cursor)
    return found.model_copy(update={"findings": [finding_in(f, call.lang) for f in found.findings]})


def update(call: Call) -> Finding:
    from common.api.messages import finding_in

    return finding_in(findings.update_finding(call.deps.uow, call.caller, call.path["finding_id"], call.body, call.deps.now()), call.lang)


def record(call: Call) -> Reply:
    training = trainings.record_training(call.deps.uow, call.caller, call.body, call.deps.now())
    return Reply(training, 201)


api = Api(
    "api_findings",
    [
        Route(
            "GET", "/api/findings", mine, "Findings I own", operation_id="listMyFindings", query=FindingQuery, response=FindingList,
            errors=(401, 422), tags=("findings",),
            description="Findings and recommendations whose owners include me (BKPSDM admins also see those owned by BKPSDM); "
            "unresolved first, by due date; a page at a time (limit, then next_cursor as cursor).",
        ),
        Route(
            "PATCH", "/api/findings/{finding_id}", update, "Work a finding",
            operation_id="updateFinding", body=FindingUpdate, response=Finding,
            errors=(400, 401, 403, 404, 409, 413, 415, 422), tags=("findings",),
            description="open -> in_progress -> resolved; resolving needs a note. Only the finding's owners.",
        ),
        Route(
            "POST", "/api/trainings", record, "Record a training",
            operation_id="recordTraining", body=TrainingInput, response=Training, status=201,
            errors=(400, 401, 403, 413, 415, 422), tags=("trainings",),
            description="An ASN records their own training; BKPSDM admins anyone's (give nip). Recording the same training "
            "twice keeps one record.",
        ),
    ],
)


@functions_framework.http
def api_findings(request):
    return api.handle(request)
