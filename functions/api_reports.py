"""HTTP: monthly reports. ASN submit; supervisors list their team and review."""

from __future__ import annotations

import functions_framework
from pydantic import BaseModel, ConfigDict

from common.api.http import Api, Call, Reply, Route
from common.domain.period import Period
from common.domain.reports import Report, ReportContent, ReviewInput
from common.services import reporting
from common.services.reporting import ReviewResult, SubmitResult, TeamReports


class SubmitReportBody(ReportContent):
    period: Period


class TeamQuery(BaseModel):
    model_config = ConfigDict(extra="forbid")

    period: Period


def submit(call: Call) -> Reply:
    body: SubmitReportBody = call.body
    content = ReportContent.model_validate(body.model_dump(exclude={"period"}))
    result = reporting.submit_report(
        call.deps.uow, call.deps.publisher, call.deps.settings, call.caller, body.period, content,
        call.deps.now(), call.idempotency_key("submit_report"),
    )
    headers = {"Idempotent-Replayed": "true"} if result.replayed else {}
    return Reply(result, 201 if result.outcome == "created" else 200, headers)


def review(call: Call) -> Reply:
    result = reporting.review_report(
        call.deps.uow, call.deps.publisher, call.deps.settings, call.caller, call.path["report_id"], call.body,
        call.deps.now(), call.idempotency_key("review_report"),
    )
    return Reply(result, 200, {"Idempotent-Replayed": "true"} if result.replayed else {})


def read(call: Call) -> Report:
    return reporting.read_report(call.deps.uow, call.caller, call.path["report_id"])


def team(call: Call) -> TeamReports:
    return reporting.team_reports(call.deps.uow, call.deps.settings, call.caller, call.query.period, call.deps.now())


api = Api(
    "api_reports",
    [
        Route(
            "POST", "/api/reports", submit, "Submit or resubmit my monthly report",
            body=SubmitReportBody, response=SubmitResult, status=201, idempotent=True,
            errors=(400, 401, 403, 409, 413, 415, 422), tags=("reports",),
            description="One report per ASN per period. 201 when created; 200 when resubmitted, or unchanged "
            "because it is identical to the revision waiting for review. Refused with 409 once accepted. "
            "After the deadline (the 5th of the next month, WIB) the report is accepted and marked late. "
            "Send an Idempotency-Key to make retries safe: a retry returns the first result and writes nothing.",
        ),
        Route(
            "GET", "/api/reports/{report_id}", read, "Read one report",
            response=Report, errors=(401, 404), tags=("reports",),
            description="The ASN themself, their direct supervisor and BKPSDM admins may read a report.",
        ),
        Route(
            "POST", "/api/reports/{report_id}/review", review, "Review a subordinate's report",
            body=ReviewInput, response=ReviewResult, idempotent=True,
            errors=(400, 401, 403, 404, 409, 413, 415, 422), tags=("reports",),
            description="Hasil Kerja, Perilaku Kerja per BerAKHLAK value, feedback (required when any rating "
            "is Di Bawah Ekspektasi or the report is returned) and a decision. Only the direct supervisor (403 otherwise).",
        ),
        Route(
            "GET", "/api/team/reports", team, "My team's reports for a period",
            query=TeamQuery, response=TeamReports, errors=(401, 403, 422), tags=("team",),
            description="Direct subordinates with their report state, waiting-for-review first, and who has not reported.",
        ),
    ],
)


@functions_framework.http
def api_reports(request):
    return api.handle(request)
